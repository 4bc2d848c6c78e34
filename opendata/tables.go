package opendata

import (
	"compress/gzip"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Column is one column of a file: its CSV key, its Swedish label (the
// XLSX header) and what it holds, in Swedish, for the page and "Om filen".
type Column struct {
	Key, Label, Description string
}

// Dataset describes one file's content.
type Dataset struct {
	Title, About, Source, Licence string
	Columns                       []Column
}

// maxSheetRows is Excel's row limit less the header row: a longer file
// goes on to another sheet.
const maxSheetRows = 1_048_576 - 1

// rowsFunc feeds rows to emit, in order; cells are string, int, float64,
// *float64 or nil.
type rowsFunc func(emit func([]any) error) error

// writeCSVGz writes the rows as gzipped CSV, the keys as header.
func writeCSVGz(w io.Writer, d Dataset, rows rowsFunc) (int, error) {
	gz := gzip.NewWriter(w)
	cw := csv.NewWriter(gz)
	head := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		head[i] = c.Key
	}
	if err := cw.Write(head); err != nil {
		return 0, err
	}
	n := 0
	rec := make([]string, len(d.Columns))
	err := rows(func(row []any) error {
		for i := range rec {
			rec[i] = workbook.CSVField(row[i])
		}
		n++
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if cerr := gz.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// xlsxSheets writes sheets of rows with excelize's StreamWriter (rows go
// to a temporary file, not the heap), starting a new sheet past Excel's
// row limit.
type xlsxSheets struct {
	f      *excelize.File
	d      Dataset
	bold   int
	footer string // every sheet's printed footer
	sw     *excelize.StreamWriter
	sheet  int
	row    int
}

func (x *xlsxSheets) next(title string) error {
	if x.sw != nil {
		if err := x.sw.Flush(); err != nil {
			return err
		}
	}
	x.sheet++
	name := title
	if x.sheet > 1 {
		name = title + " " + strconv.Itoa(x.sheet)
	}
	if x.sheet == 1 {
		if err := x.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := x.f.NewSheet(name); err != nil {
		return err
	}
	if err := xlsx.SetLayout(x.f, name, xlsx.Layout{HeaderRows: 1, Footer: x.footer}); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(xlsx.Panes(1, 0)); err != nil {
		return err
	}
	head := make([]any, len(x.d.Columns))
	for i, c := range x.d.Columns {
		head[i] = excelize.Cell{StyleID: x.bold, Value: c.Label}
	}
	x.sw, x.row = sw, 1
	return sw.SetRow("A1", head)
}

// writeXLSX writes the rows on sheets named sheet, and the sheet "Om
// filen" with the licence, source, date and columns.
func writeXLSX(w io.Writer, d Dataset, sheet string, built time.Time, rows rowsFunc) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, err
	}
	x := &xlsxSheets{f: f, d: d, bold: bold, footer: "Källa: " + d.Source + " · " + built.In(swedish.Zone).Format(time.DateOnly)}
	if err := x.next(sheet); err != nil {
		return 0, err
	}
	n := 0
	cells := make([]any, len(d.Columns))
	err = rows(func(row []any) error {
		if x.row > maxSheetRows {
			if err := x.next(sheet); err != nil {
				return err
			}
		}
		for i, v := range row {
			cells[i] = workbook.XLSXValue(v)
		}
		x.row++
		n++
		cell, _ := excelize.CoordinatesToCellName(1, x.row)
		return x.sw.SetRow(cell, cells)
	})
	if err == nil {
		err = x.sw.Flush()
	}
	if err == nil {
		err = writeAbout(f, d, built, n, x.sheet)
	}
	if err != nil {
		return 0, err
	}
	_, err = f.WriteTo(w)
	return n, err
}

// AboutSheet is the name of the XLSX files' second sheet.
const AboutSheet = "Om filen"

func writeAbout(f *excelize.File, d Dataset, built time.Time, rows, sheets int) error {
	if _, err := f.NewSheet(AboutSheet); err != nil {
		return err
	}
	lines := [][]any{{"Innehåll", d.Title}, {"Beskrivning", d.About}, {"Källa", d.Source}, {"Licens", d.Licence},
		{"Byggd", built.In(swedish.Zone).Format(time.DateOnly)}, {"Rader", rows}}
	if sheets > 1 {
		lines = append(lines, []any{"Flikar", "Raderna fortsätter på " + strconv.Itoa(sheets) + " flikar (Excel rymmer 1 048 576 rader per flik)."})
	}
	lines = append(lines, []any{}, []any{"Kolumn", "Nyckel i CSV", "Beskrivning"})
	for _, c := range d.Columns {
		lines = append(lines, []any{c.Label, c.Key, c.Description})
	}
	for i, l := range lines {
		for j := range l {
			if s, ok := l[j].(string); ok {
				l[j] = workbook.SafeText(s)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(AboutSheet, cell, &l); err != nil {
			return err
		}
	}
	return f.SetColWidth(AboutSheet, "A", "C", 30)
}
