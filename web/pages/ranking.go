package pages

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The ranking, /rangordning: every municipality by one metric, with the
// averages of Sweden, the members and the counties.

type rangordningView struct {
	site.Frame
	MetricLabel, SourceText    string
	Year                       int
	Years                      []int
	YearOptions                template.HTML // Years as options, Year selected (yearOptions)
	Source, Sort, Order        string
	Averages, Counties, Table  site.Table
	CountyChart                Chart // the counties as wholes, the chart of the embed
	Embed                      embedSnippet
	APIHref, CSVHref, XLSXHref string
}

func (p *Pages) rangordning(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	year, err := publish.ParseYear("ar", c.Query("ar"))
	if err != nil {
		return "", nil, err
	}
	sortBy, order, metric, err := sortQuery(c)
	if err != nil {
		return "", nil, err
	}
	ctx := c.Request.Context()
	rk, err := snap.Ranking(ctx, publish.RankingQuery{Metric: metric, Source: c.Query("kalla"), Year: year, Descending: order == "desc"})
	if err != nil {
		return "", nil, err
	}
	all, err := snap.AllMetrics(ctx, rk.Source, rk.AsOf, rk.Year)
	if err != nil {
		return "", nil, err
	}
	v := &rangordningView{Frame: frame(snap, "Rangordning", "Sveriges kommuner rangordnade efter utsläpp, per invånare, förändring och trend.", "rangordning"),
		MetricLabel: strings.ToLower(rk.Metric.Label[:1]) + rk.Metric.Label[1:], Year: rk.Year, Source: rk.Source, Sort: sortBy, Order: order}
	v.ExampleNotice = exampleNotice(snap.ExampleMembers())
	if rk.Source == analytics.SourceSMHI {
		v.SourceText = "enligt " + strings.TrimSuffix(smhiSourceText(snap), ".")
	} else {
		v.SourceText = "enligt medlemmarnas egna rapporter (de som har rapporterat)"
	}
	for _, pt := range snap.SMHITotal("00") {
		v.Years = append(v.Years, pt.Year)
	}
	if !slices.Contains(v.Years, rk.Year) {
		v.Years = append(v.Years, rk.Year)
		slices.Sort(v.Years)
	}
	if v.YearOptions, err = yearOptions(snap, v.Years, v.Year); err != nil {
		return "", nil, err
	}
	q := url.Values{"metric": {rk.Metric.Name}, "year": {strconv.Itoa(rk.Year)}, "source": {rk.Source}, "order": {order}}
	v.APIHref, v.CSVHref, v.XLSXHref = "/api/v1/ranking?"+q.Encode(), "/api/v1/ranking.csv?"+q.Encode(), "/api/v1/ranking.xlsx?"+q.Encode()

	cells, err := metricCells(snap, rk, all)
	if err != nil {
		return "", nil, err
	}
	link := func(key, next string) string {
		return "/rangordning?" + url.Values{"sortera": {key}, "ordning": {next}, "ar": {strconv.Itoa(rk.Year)}, "kalla": {rk.Source}}.Encode()
	}
	v.Table = rankingTable(rk, rk.Rows, cells, sortBy, order, sortedTable{ID: "rangordning",
		Caption: fmt.Sprintf("Kommunerna %d, sorterade efter %s", rk.Year, strings.ToLower(sortLabel(sortBy))), Link: link})
	v.Averages, v.Counties = averagesTables(rk)
	if v.CountyChart, err = countiesChart(rk); err != nil {
		return "", nil, err
	}
	withCharts(&v.Frame, v.CountyChart)
	v.Embed = p.snippet(site.EmbedPrefix+"rangordning", url.Values{"ar": {strconv.Itoa(rk.Year)}, "sortera": {sortBy}, "ordning": {order}, "kalla": {rk.Source}},
		v.CountyChart.Caption)
	return "rangordning", v, nil
}

// sortQuery reads a ranking table's sortera (a metric's name or "namn")
// and ordning (asc or desc), and the metric its rows are ranked by.
func sortQuery(c *gin.Context) (sortBy, order, metric string, err error) {
	sortBy = c.DefaultQuery("sortera", analytics.MetricPerCapita)
	order = c.DefaultQuery("ordning", "asc")
	if order != "asc" && order != "desc" {
		return "", "", "", kr.E(kr.Invalid, "ordning kan vara asc (stigande) eller desc (fallande).")
	}
	metric = sortBy
	if sortBy == "namn" {
		metric = analytics.MetricPerCapita
	}
	return sortBy, order, metric, nil
}

// sortedTable is where a ranking table is: its id and caption, and the
// address of the page sorted by a column (key) in an order (next).
type sortedTable struct {
	ID, Caption string
	Link        func(key, next string) string
}

// countiesChart is the metric of each county as a whole (SMHI's county
// figures, or its members' reports), Sweden's beside them, as bars; its
// table has a row per series and a column per county, as the bars.
func countiesChart(rk *publish.Ranking) (Chart, error) {
	var names []string
	var values []*float64
	var estimated []bool
	for _, g := range rk.Averages {
		if g.Group == analytics.GroupCounty || g.Group == analytics.GroupSweden {
			names, values, estimated = append(names, g.Name), append(values, g.Value), append(estimated, g.Estimated)
		}
	}
	if len(names) == 0 {
		return Chart{}, nil
	}
	unit := rk.Metric.Unit
	if unit == "" {
		unit = "år"
	}
	caption := fmt.Sprintf("%s %d per län och för Sverige, %s", rk.Metric.Label, rk.Year, unit)
	series := "Som helhet"
	opt, assets, err := bars("lan-diagram", unit, series, names, values)
	if err != nil {
		return Chart{}, fmt.Errorf("chart lan-diagram: %w", err)
	}
	t := site.Table{ID: "lan-diagram-tabell", Caption: "Siffrorna i diagrammet: " + caption, Head: []site.Cell{textCell("Område")}}
	row := []site.Cell{textCell(series)}
	for i, n := range names {
		t.Head = append(t.Head, site.Cell{Text: n, Num: true})
		cell := optCell(values[i], rk.Metric.Decimals)
		cell.Estimate = rk.Metric.Estimate || estimated[i] && values[i] != nil
		row = append(row, cell)
	}
	t.Rows = [][]site.Cell{row}
	if rk.Metric.Estimate {
		t.Notes = append(t.Notes, "Måttet bygger på trenden (Klimatkollens metod): värdena är uppskattningar, inte uppmätta.")
	}
	if slices.Contains(estimated, true) {
		t.Notes = append(t.Notes, perCapitaEstimatesNote)
	}
	return Chart{ID: "lan-diagram", Caption: caption, Unit: unit, Decimals: rk.Metric.Decimals, Option: opt, Assets: assets, Table: t,
		Label: "Stapeldiagram: " + caption + ". Samma siffror finns i tabellen under diagrammet."}, nil
}

// rankingTable is the rows of the ranking rk (every municipality's, or
// some): rank, name, county, year and every metric, members marked by
// text as well as colour. Its headers link to the table sorted by them.
func rankingTable(rk *publish.Ranking, rows []analytics.RankingRow, cells map[string][]site.Cell, sortBy, order string, st sortedTable) site.Table {
	link := func(key string) (string, string) {
		next, sortState := "asc", ""
		if key == sortBy {
			if order == "asc" {
				next, sortState = "desc", "ascending"
			} else {
				sortState = "descending"
			}
		}
		return st.Link(key, next), sortState
	}
	nameHref, nameSort := link("namn")
	t := site.Table{ID: st.ID, Caption: st.Caption,
		Head: []site.Cell{{Text: "Placering", Num: true}, {Text: "Kommun", Href: nameHref, Sort: nameSort}, textCell("Län"), {Text: "År", Num: true}}}
	for _, m := range analytics.Metrics() {
		href, st := link(m.Name)
		label := m.Short
		if m.Unit != "" {
			label += " (" + m.Unit + ")"
		}
		t.Head = append(t.Head, site.Cell{Text: label, Num: true, Href: href, Sort: st, Estimate: m.Estimate})
	}
	rows = slices.Clone(rows)
	if sortBy == "namn" {
		// A collator keeps its state while it compares, so each sort has
		// its own: pages for different queries render at the same time.
		swedishOrder := collate.New(language.Swedish)
		slices.SortStableFunc(rows, func(a, b analytics.RankingRow) int {
			c := swedishOrder.CompareString(a.Name, b.Name)
			if order == "desc" {
				return -c
			}
			return c
		})
	}
	t.Rows = make([][]site.Cell, 0, len(rows))
	estimated := false
	perCapita := 4 + slices.IndexFunc(analytics.Metrics(), func(m analytics.MetricInfo) bool { return m.Name == analytics.MetricPerCapita })
	for _, r := range rows {
		row := rankingRow(r, cells[r.Code])
		estimated = estimated || row[perCapita].Estimate
		t.Rows = append(t.Rows, row)
	}
	t.Notes = []string{"Markerade rader med ordet ”medlem” är Klimatkommunernas medlemmar. Kolumner märkta ”uppskattning” bygger på trenden (Klimatkollens metod), inte på uppmätta värden. Lägst värde får placering 1; lika värden delar placering."}
	if estimated {
		t.Notes = append(t.Notes, perCapitaEstimatesNote)
	}
	return t
}

// rankingRow is a municipality's row: its rank, name, county and year, then
// its metric cells (metricCells), all marked when it is a member.
func rankingRow(r analytics.RankingRow, metrics []site.Cell) []site.Cell {
	rank := site.Cell{Text: "–", Num: true}
	if r.Rank > 0 {
		rank.Text = strconv.Itoa(r.Rank)
	}
	name := site.Cell{Text: r.Name, Href: "/kommun/" + url.PathEscape(r.Code)}
	if r.Member {
		name.Text += " – medlem"
	}
	row := make([]site.Cell, 0, 4+len(metrics))
	county := site.Cell{Text: r.CountyName, Href: "/lan/" + url.PathEscape(r.CountyCode)}
	row = append(row, rank, name, county, site.Cell{Text: strconv.Itoa(r.Year), Num: true})
	row = append(row, metrics...) // copies: the marks below stay this row's
	if r.Member {
		for i := range row {
			row[i].Class = "member"
		}
	}
	return row
}

// metricCells are each municipality's metric cells in the ranking's table
// (analytics.Metrics' order), formatted once per snapshot, source and
// year: every ranking of the year, by whatever column and order, shows the
// same figures, some 3 000 numbers.
func metricCells(snap *publish.Snapshot, rk *publish.Ranking, all map[string]analytics.AreaMetrics) (map[string][]site.Cell, error) {
	v, err := snap.Memo(fmt.Sprintf("pages:ranking-cells:%s:%d:%d", rk.Source, rk.AsOf, rk.Year), func() (any, error) {
		metrics := analytics.Metrics()
		out := make(map[string][]site.Cell, len(all))
		for code, am := range all {
			cells := make([]site.Cell, len(metrics))
			for i, m := range metrics {
				cells[i] = site.Cell{Text: fmtMetric(m.Name, am.Value(m.Name)), Num: true, Estimate: m.Estimate}
				if m.Name == analytics.MetricNetZeroYear && am.Value(m.Name) != nil && *am.Value(m.Name) > 2100 {
					cells[i].Text = "efter 2100"
				}
				if m.Name == analytics.MetricPerCapita {
					cells[i] = perCapitaCell(am.PerCapita, am.PerCapitaEstimated, am.PopulationYear)
				}
			}
			out[code] = cells
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string][]site.Cell), nil
}

// averagesTables are the metric for Sweden and the members together and
// for each county: as a whole and for the mean municipality.
func averagesTables(rk *publish.Ranking) (averages, counties site.Table) {
	head := []site.Cell{textCell("Grupp"), {Text: "Sammantaget", Num: true, Estimate: rk.Metric.Estimate},
		{Text: "Medelkommun", Num: true, Estimate: rk.Metric.Estimate}, {Text: "Antal kommuner", Num: true}}
	averages = site.Table{ID: "genomsnitt-tabell", Caption: fmt.Sprintf("%s %d: Sverige och Klimatkommunernas medlemmar", rk.Metric.Label, rk.Year), Head: head}
	counties = site.Table{ID: "lan-tabell", Caption: fmt.Sprintf("%s %d per län", rk.Metric.Label, rk.Year), Head: head}
	estimated := false
	for _, g := range rk.Averages {
		if g.Group == analytics.GroupMembers && g.Municipalities == 0 {
			continue
		}
		name := textCell(g.Name)
		if g.Group == analytics.GroupCounty {
			name.Href = "/lan/" + url.PathEscape(g.Code)
		}
		row := []site.Cell{name,
			{Text: fmtMetric(rk.Metric.Name, g.Value), Num: true, Estimate: rk.Metric.Estimate},
			{Text: fmtMetric(rk.Metric.Name, g.Mean), Num: true, Estimate: rk.Metric.Estimate},
			{Text: strconv.Itoa(g.Municipalities), Num: true}}
		if g.Estimated {
			// Per capita with another year's population: an estimate.
			for i := 1; i <= 2; i++ {
				if row[i].Text != "–" {
					row[i].Text += " (uppskattad)"
					row[i].Estimate, estimated = true, true
				}
			}
		}
		if g.Group == analytics.GroupCounty {
			counties.Rows = append(counties.Rows, row)
		} else {
			averages.Rows = append(averages.Rows, row)
		}
	}
	averages.Notes = []string{"Sammantaget: gruppen som en helhet (för Sverige och länen SMHI:s egna siffror; per invånare är det samlade utsläpp delat med samlad befolkning). Medelkommun: medelvärdet av kommunernas värden, där varje kommun väger lika."}
	if estimated {
		averages.Notes = append(averages.Notes, perCapitaEstimatesNote)
		counties.Notes = []string{perCapitaEstimatesNote}
	}
	return averages, counties
}

// perCapitaEstimatesNote explains the per-capita values marked
// "uppskattad".
const perCapitaEstimatesNote = "Per invånare märkt ”uppskattad” delas med folkmängden det närmaste år SCB har, eftersom SCB inte har någon folkmängd för året."

func sortLabel(key string) string {
	if key == "namn" {
		return "namn"
	}
	if m, ok := analytics.MetricByName(key); ok {
		return m.Label
	}
	return key
}
