package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Layout is how a sheet the service writes reads on screen and prints:
// A4 landscape, fitted to one page across (as many pages down as it
// takes), the header rows frozen on screen and repeated on every printed
// page, and a footer naming the source, the date and the page.
//
// Every workbook the service writes (the template, the annotated copy,
// the board's compliance workbook, the table exports and the open data)
// is laid out through SetLayout, so that they print alike.
type Layout struct {
	HeaderRows int    // rows frozen and repeated on every page; 0: none
	FreezeCols int    // leading columns frozen on screen (repeated across is not needed: one page wide)
	Footer     string // the footer's left part, e.g. "Källa: Klimatkommunerna · 2026-12-02"; "&" is written as text
}

// A4 is the paper size code of SpreadsheetML for A4.
const A4 = 9

// SetLayout applies l to sheet. For a sheet written by a StreamWriter,
// call it before excelize.File.NewStreamWriter: the stream writer copies
// the sheet's settings when it starts and writes them with the rows.
func SetLayout(f *excelize.File, sheet string, l Layout) error {
	size, landscape, across, down, fit := A4, "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &landscape, FitToWidth: &across, FitToHeight: &down,
	}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer(l.Footer)}); err != nil {
		return err
	}
	if l.HeaderRows > 0 {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(sheet, "'", "''"), l.HeaderRows)}); err != nil {
			return err
		}
	}
	if l.HeaderRows == 0 && l.FreezeCols == 0 {
		return nil
	}
	return f.SetPanes(sheet, Panes(l.HeaderRows, l.FreezeCols))
}

// Panes freezes the first rows and columns, as SetLayout does; for a
// StreamWriter's SetPanes.
func Panes(rows, cols int) *excelize.Panes {
	tl, _ := excelize.CoordinatesToCellName(cols+1, rows+1)
	active := "bottomRight"
	switch {
	case cols == 0:
		active = "bottomLeft"
	case rows == 0:
		active = "topRight"
	}
	return &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: tl, ActivePane: active}
}

// footer is the footer's code: the text on the left (its "&" doubled, as
// the format reads "&" as the start of a code) and "Sida N av M" on the
// right. The footer's text is capped by the format at 255 characters.
func footer(text string) string {
	text = strings.ReplaceAll(text, "&", "&&")
	const right = "&RSida &P av &N"
	if r := []rune(text); len(r)+len(right)+2 > 255 {
		text = string(r[:255-len(right)-2])
	}
	return "&L" + text + right
}

// MoveFirst makes sheet the workbook's first sheet and keeps every
// sheet-scoped defined name (print titles, filters) on the sheet it was
// on: excelize's MoveSheet leaves the names' sheet indexes as they were,
// which would hand each sheet's print titles to its neighbour.
func MoveFirst(f *excelize.File, sheet string) error {
	var scoped []excelize.DefinedName
	for _, n := range f.GetDefinedName() {
		if n.Scope == "" || n.Scope == "Workbook" {
			continue
		}
		scoped = append(scoped, n)
		if err := f.DeleteDefinedName(&excelize.DefinedName{Name: n.Name, Scope: n.Scope}); err != nil {
			return err
		}
	}
	if err := f.MoveSheet(sheet, f.GetSheetList()[0]); err != nil {
		return err
	}
	for _, n := range scoped {
		if err := f.SetDefinedName(&excelize.DefinedName{Name: n.Name, RefersTo: n.RefersTo, Scope: n.Scope, Comment: n.Comment}); err != nil {
			return err
		}
	}
	return nil
}
