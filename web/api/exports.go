package api

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Exports: the table-shaped answers as CSV (for programs: the JSON field
// names as headers, numbers with a decimal point) and XLSX (for people:
// Swedish headers, numbers as numbers). Text cells that a spreadsheet could
// take for a formula (beginning with =, +, -, @, a tab or a carriage
// return) are neutralised with a leading apostrophe; numeric cells are
// written as numbers and never need it.

type exportFormat int

const (
	csvFormat exportFormat = iota
	xlsxFormat
)

// column is one column of an exported table.
type column struct {
	Key   string // CSV header: the JSON field name
	Label string // XLSX header: Swedish
	Width float64
}

// table is one exported table; cells are string, int, float64, *float64,
// bool or nil.
type table struct {
	Sheet   string // XLSX sheet name
	Columns []column
	Rows    [][]any
}

func writeCSV(t table) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Key
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = workbook.CSVField(row[i])
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// writeXLSX writes each table on a sheet of its own, printed through
// xlsx.SetLayout (header row frozen and repeated, source in the footer),
// text longer than its column wrapped in a row tall enough for it.
func writeXLSX(footer string, tables ...table) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for ti, t := range tables {
		if ti == 0 {
			if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(t.Sheet); err != nil {
			return nil, err
		}
		if err := xlsx.SetLayout(f, t.Sheet, xlsx.Layout{HeaderRows: 1, Footer: footer}); err != nil {
			return nil, err
		}
		sw, err := f.NewStreamWriter(t.Sheet)
		if err != nil {
			return nil, err
		}
		widths := make([]float64, len(t.Columns))
		for i, c := range t.Columns {
			widths[i] = cmp.Or(c.Width, 14)
			if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
				return nil, err
			}
		}
		if err := sw.SetPanes(xlsx.Panes(1, 0)); err != nil {
			return nil, err
		}
		head := make([]any, len(t.Columns))
		for i, c := range t.Columns {
			head[i] = excelize.Cell{StyleID: bold, Value: c.Label}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return nil, err
		}
		for r, row := range t.Rows {
			cells := make([]any, len(row))
			height := xlsx.LineHeight
			for i, v := range row {
				cells[i] = workbook.XLSXValue(v)
				if s, ok := cells[i].(string); ok && utf8.RuneCountInString(s) > int(widths[i]) {
					cells[i] = excelize.Cell{StyleID: wrap, Value: s}
					height = max(height, xlsx.WrappedHeight(widths[i], s))
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(cell, cells, excelize.RowOpts{Height: height}); err != nil {
				return nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// perCapitaEstimated is whether a per-capita value divides by another
// year's population, or an empty cell without a value.
func perCapitaEstimated(v *float64, estimated bool) any {
	if v == nil {
		return nil
	}
	return estimated
}

// rankingEstimated is perCapitaEstimated for a ranking by per capita, an
// empty cell for the other metrics.
func rankingEstimated(r *publish.Ranking, v *float64, estimated bool) any {
	if r.Metric.Name != analytics.MetricPerCapita {
		return nil
	}
	return perCapitaEstimated(v, estimated)
}

// orNil is n, or an empty cell for 0 (no rank, no year).
func orNil(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// sendTables writes the tables in the format asked for: CSV has room for
// one table, so only the first is sent; XLSX gets a sheet for each.
func sendTables(c *gin.Context, f exportFormat, name, footer string, tables ...table) error {
	var body []byte
	var err error
	ctype := "text/csv; charset=utf-8"
	ext := ".csv"
	if f == csvFormat {
		body, err = writeCSV(tables[0])
	} else {
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
		body, err = writeXLSX(footer, tables...)
	}
	if err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+ext+`"`)
	c.Data(http.StatusOK, ctype, body)
	return nil
}

// exportFooter is the printed footer of an XLSX export: the source and
// the day of the snapshot's data.
func exportFooter(snap *publish.Snapshot) string {
	return "Källa: Klimatkommunerna, klimatrapport · data per " + snap.Today.Format(time.DateOnly)
}

// tables builds an export of a JSON answer: its file name (without the
// extension) and its tables.
type tables func(c *gin.Context, snap *publish.Snapshot) (string, []table, error)

// export answers with build's tables in format f.
func export(f exportFormat, build tables) cached {
	return func(c *gin.Context, snap *publish.Snapshot) error {
		name, ts, err := build(c, snap)
		if err != nil {
			return err
		}
		return sendTables(c, f, name, exportFooter(snap), ts...)
	}
}

// emissionsTables: GET /emissions, one row per area, sector and year.
func (a *API) emissionsTables(c *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	e, err := a.emissions(c, snap)
	if err != nil {
		return "", nil, err
	}
	t := table{Sheet: "Utsläpp", Columns: []column{
		{"source", "Källa", 10}, {"substance", "Ämne", 8}, {"release", "SMHI-publicering", 16}, {"unit", "Enhet", 12},
		{"municipality", "Kod", 8}, {"name", "Namn", 22}, {"sector", "Sektor", 36}, {"year", "År", 8},
		{"tonnes", "Utsläpp (ton)", 16}, {"per_capita", "Per invånare (ton)", 18},
		{"population_year", "Befolkning från år", 18}, {"submission", "Inlämning", 38},
		{"per_capita_estimated", "Per invånare uppskattad", 14},
	}}
	for _, s := range e.Series {
		for _, p := range s.Points {
			t.Rows = append(t.Rows, []any{e.Source, e.Substance, e.Release, e.Unit, s.Code, s.Name, s.Sector, p.Year,
				p.Tonnes, p.PerCapita, orNil(p.PopulationYear), p.Submission, perCapitaEstimated(p.PerCapita, p.PerCapitaEstimated)})
		}
	}
	return "utslapp", []table{t}, nil
}

// rankingTables: GET /ranking's rows and its averages.
func rankingTables(c *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	r, err := ranking(c, snap)
	if err != nil {
		return "", nil, err
	}
	rows := table{Sheet: "Rangordning", Columns: []column{
		{"rank", "Placering", 10}, {"code", "Kod", 8}, {"name", "Kommun", 22}, {"county_code", "Länskod", 9},
		{"county_name", "Län", 22}, {"member", "Medlem", 9}, {"metric", "Mått", 30}, {"unit", "Enhet", 16},
		{"year", "År", 8}, {"value", "Värde", 14}, {"source", "Källa", 10}, {"release", "SMHI-publicering", 16},
		{"population_year", "Befolkning från år", 18}, {"per_capita_estimated", "Per invånare uppskattad", 14},
	}}
	for _, row := range r.Rows {
		rows.Rows = append(rows.Rows, []any{orNil(row.Rank), row.Code, row.Name, row.CountyCode, row.CountyName, row.Member,
			r.Metric.Name, r.Unit, row.Year, row.Value, r.Source, r.Release, orNil(row.PopulationYear), rankingEstimated(r, row.Value, row.Estimated)})
	}
	avgs := table{Sheet: "Genomsnitt", Columns: []column{
		{"group", "Grupp", 10}, {"code", "Kod", 8}, {"name", "Namn", 28}, {"metric", "Mått", 30}, {"unit", "Enhet", 16},
		{"year", "År", 8}, {"value", "Sammantaget", 14}, {"mean", "Medelkommun", 14}, {"municipalities", "Antal kommuner", 14},
		{"population_year", "Befolkning från år", 18}, {"per_capita_estimated", "Per invånare uppskattad", 14},
	}}
	for _, g := range r.Averages {
		avgs.Rows = append(avgs.Rows, []any{g.Group, g.Code, g.Name, r.Metric.Name, r.Unit, orNil(g.Year), g.Value, g.Mean, g.Municipalities,
			orNil(g.PopulationYear), rankingEstimated(r, g.Value, g.Estimated)})
	}
	return "rangordning-" + r.Metric.Name + "-" + strconv.Itoa(r.Year), []table{rows, avgs}, nil
}

// metricsTables: GET /municipalities/{code}/metrics's values, measured and
// estimated, from SMHI and from the member's own reports.
func metricsTables(c *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	rep, err := municipalityReport(c, snap)
	if err != nil {
		return "", nil, err
	}
	t := table{Sheet: "Värden", Columns: []column{
		{"municipality", "Kod", 8}, {"name", "Kommun", 22}, {"source", "Källa", 10}, {"reference", "Publicering eller inlämning", 38},
		{"year", "År", 8}, {"kind", "Slag", 14}, {"estimate", "Uppskattning", 13}, {"tonnes", "Utsläpp (ton)", 16}, {"unit", "Enhet", 12},
	}}
	m := rep.Municipality
	if rep.SMHI != nil {
		add := func(vals []analytics.Value) {
			for _, v := range vals {
				t.Rows = append(t.Rows, []any{m.Code, m.Name, analytics.SourceSMHI, rep.SMHI.Release, v.Year, v.Kind.String(),
					v.Kind.IsEstimate(), v.Tonnes, rep.SMHI.Unit})
			}
		}
		if tr := rep.SMHI.Metrics.Trend; tr != nil {
			add(tr.Measured)
			add(tr.Approximated)
			add(tr.Trend)
			add(tr.CarbonLaw)
		} else {
			for _, p := range rep.SMHI.Metrics.Measured {
				add([]analytics.Value{{Year: p.Year, Tonnes: p.Tonnes, Kind: analytics.KindMeasured}})
			}
		}
	}
	if rep.Reported != nil {
		subOf := map[int]string{}
		for _, s := range rep.Reported.Submissions {
			for _, y := range s.Years {
				subOf[y] = s.ID
			}
		}
		for _, p := range rep.Reported.Metrics.Measured {
			t.Rows = append(t.Rows, []any{m.Code, m.Name, analytics.SourceReported, subOf[p.Year], p.Year,
				analytics.KindMeasured.String(), false, p.Tonnes, rep.Reported.Unit})
		}
	}
	return "matt-" + m.Code, []table{t}, nil
}

// municipalitiesTables: every municipality with its county and membership.
func municipalitiesTables(_ *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	t := table{Sheet: "Kommuner", Columns: []column{
		{"code", "Kod", 8}, {"name", "Kommun", 22}, {"county_code", "Länskod", 9}, {"county_name", "Län", 22},
		{"member_kind", "Medlem (slag)", 14}, {"member_joined", "Medlem sedan", 14}, {"member_observer", "Observatör", 11},
		{"member_active", "Aktiv medlem", 13},
	}}
	for _, m := range snap.Municipalities {
		row := []any{m.Code, m.Name, m.CountyCode, m.CountyName, nil, nil, nil, nil}
		if mem, ok := snap.Member(m.Code); ok {
			row[4], row[5], row[6], row[7] = mem.Kind, mem.Joined.Format(time.DateOnly), mem.Observer(snap.Today), mem.Active(snap.Today)
		}
		t.Rows = append(t.Rows, row)
	}
	return "kommuner", []table{t}, nil
}
