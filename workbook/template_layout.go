package workbook

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// How the template reads on screen and on paper, and what is protected:
// every sheet printed through xlsx.SetLayout (A4 landscape, one page wide,
// header row frozen and repeated, a footer), the input cells unlocked and
// the header rows locked, each sheet and the workbook's structure protected
// without a password, so that a header or a sheet name is not changed by
// mistake; an officer who must can lift the protection.

// colKind is how a template column's input cells are formatted.
type colKind int

const (
	colPlain colKind = iota // numbers, years, choices from a list
	colText                 // text format, so that "0123" or "1e3" stays as typed
	colDate                 // yyyy-mm-dd
	colWrap                 // long text, wrapped
	colLabel                // not an input: locked (Uppgifter's labels)
)

// tableColumn is a column of a template sheet: its header, width and
// input format.
type tableColumn struct {
	title string
	width float64
	kind  colKind
}

func (t *tmpl) styles() error {
	unlocked := &excelize.Protection{Locked: false}
	textFmt, dateFmt := "@", "yyyy-mm-dd"
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	border := []excelize.Border{{Type: "bottom", Color: "0B3D22", Style: 2}}
	red := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
	styles := []struct {
		id    *int
		style *excelize.Style
	}{
		{&t.header, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F6E43"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border}},
		{&t.input, &excelize.Style{Protection: unlocked}},
		{&t.text, &excelize.Style{CustomNumFmt: &textFmt, Protection: unlocked}},
		{&t.date, &excelize.Style{CustomNumFmt: &dateFmt, Protection: unlocked}},
		{&t.wrap, &excelize.Style{Alignment: wrapTop, Protection: unlocked}},
		{&t.note, &excelize.Style{Alignment: wrapTop}},
		{&t.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Color: "1F6E43"}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&t.heading, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "1F6E43"}, Alignment: &excelize.Alignment{Vertical: "bottom"}, Border: border}},
		{&t.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: wrapTop}},
		{&t.exampleHead, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFE7"}},
			Border: border, Alignment: wrapTop}},
		{&t.exampleCell, &excelize.Style{Font: &excelize.Font{Italic: true}, Alignment: wrapTop,
			Border: []excelize.Border{{Type: "bottom", Color: "BFBFBF", Style: 1}}}},
	}
	for _, s := range styles {
		id, err := t.f.NewStyle(s.style)
		if err != nil {
			return err
		}
		*s.id = id
	}
	var err error
	t.missing, err = t.f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "9C0006"}, Fill: red})
	return err
}

// footer is the footer's text: who, which report, the template's date.
func (t *tmpl) footer() string {
	return fmt.Sprintf("Klimatkommunerna · Klimatrapport %d · mall skapad %s", t.opts.Year, t.opts.Created.In(swedish.Zone).Format(time.DateOnly))
}

// headerRow writes the sheet's columns: their input format and width, the
// header row (styled, locked) and the print and screen layout l.
func (t *tmpl) headerRow(sheet string, cols []tableColumn, l xlsx.Layout) error {
	if err := t.columnStyles(sheet, cols); err != nil {
		return err
	}
	titles, widths := make([]string, len(cols)), make([]float64, len(cols))
	for i, c := range cols {
		titles[i], widths[i] = c.title, c.width
	}
	if err := headerCells(t.f, sheet, titles, widths, t.header); err != nil {
		return err
	}
	if err := t.f.SetRowHeight(sheet, 1, 32); err != nil {
		return err
	}
	l.Footer = t.footer()
	return xlsx.SetLayout(t.f, sheet, l)
}

// columnStyles gives each column's cells the unlocked style of its kind.
func (t *tmpl) columnStyles(sheet string, cols []tableColumn) error {
	for i, c := range cols {
		style := map[colKind]int{colPlain: t.input, colText: t.text, colDate: t.date, colWrap: t.wrap, colLabel: 0}[c.kind]
		if err := t.f.SetColStyle(sheet, colName(i+1), style); err != nil {
			return err
		}
	}
	return nil
}

// sheetProtection leaves officers what they need to fill in rows: edit
// the unlocked cells, add, delete and sort rows, format, filter and add
// links. Locked cells (the header rows) cannot be changed. No password.
var sheetProtection = excelize.SheetProtectionOptions{
	AutoFilter: true, DeleteRows: true, InsertRows: true, Sort: true,
	FormatCells: true, FormatColumns: true, FormatRows: true, InsertHyperlinks: true,
	SelectLockedCells: true, SelectUnlockedCells: true,
}

// protect protects every sheet and the workbook's structure (sheets cannot
// be renamed, moved, added, deleted or unhidden), all without a password.
func (t *tmpl) protect() error {
	for _, s := range t.f.GetSheetList() {
		opts := sheetProtection
		if err := t.f.ProtectSheet(s, &opts); err != nil {
			return err
		}
	}
	return t.f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true})
}
