package workbook

import (
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Fill colours of annotated cells.
const (
	ErrorFill   = "FFC7CE" // light red
	WarningFill = "FFEB9C" // light yellow
)

// Review is what the annotated copy says of the check it shows: the
// uploaded file's name and when it was checked, written in the footer of
// its first sheet. Its zero value leaves both out.
type Review struct {
	FileName string
	Checked  time.Time // the date is written in Checked's own location
}

// Annotate is AnnotateReview without a file name or date in the footer.
func Annotate(original io.ReaderAt, size int64, items klimatrapport.Items, w io.Writer) error {
	return AnnotateReview(original, size, items, Review{}, w)
}

// AnnotateReview writes the officer's own workbook to w with each problem
// cell filled (errors light red, warnings light yellow; the cell's font,
// borders and number format are kept) and a comment holding the messages,
// each headed "Fel:" or "Varning:". A new first sheet, "Att rätta", lists
// every item, errors first, with a link to its cell, including those that
// are not about one cell; it prints through xlsx.SetLayout with r in its
// footer. The officer's own sheets keep their own print settings, none
// added: the copy is their file, and it should print as their file did.
//
// It opens the workbook through xlsx within the default limits, keeping
// what a copy of it keeps (see xlsx.Rewrite); call it only for files that
// Parse could read. A file that makes excelize panic is ProblemInternal.
func AnnotateReview(original io.ReaderAt, size int64, items klimatrapport.Items, r Review, w io.Writer) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = unreadable()
		}
	}()
	lim := DefaultLimits()
	if err := sniff(original, size, lim); err != nil {
		return err
	}
	book, err := openBook(original, size, lim, xlsx.Rewrite, nil, excelize.Options{})
	if err != nil {
		return err
	}
	f := book.File
	defer f.Close()
	a := &annotator{f: f, styles: map[[2]int]int{}}
	sheets := map[string]bool{}
	for _, s := range f.GetSheetList() {
		sheets[s] = true
	}
	for _, old := range []string{SheetReport, sheetReportBefore} {
		if sheets[old] {
			if err := f.DeleteSheet(old); err != nil {
				return err
			}
			delete(sheets, old)
		}
	}

	type place struct{ sheet, cell string }
	groups := map[place][]klimatrapport.Item{}
	var order []place
	for _, it := range items {
		if it.Cell == "" || !sheets[it.Sheet] {
			continue
		}
		if _, _, err := excelize.CellNameToCoordinates(it.Cell); err != nil {
			continue
		}
		p := place{it.Sheet, it.Cell}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], it)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].sheet != order[j].sheet {
			return order[i].sheet < order[j].sheet
		}
		ci, ri := splitCell(order[i].cell)
		cj, rj := splitCell(order[j].cell)
		if ri != rj {
			return ri < rj
		}
		return ci < cj
	})
	existing := map[string]map[string]excelize.Comment{}
	for _, p := range order {
		if _, ok := existing[p.sheet]; !ok {
			m := map[string]excelize.Comment{}
			if cs, err := f.GetComments(p.sheet); err == nil {
				for _, c := range cs {
					m[c.Cell] = c
				}
			}
			existing[p.sheet] = m
		}
		if err := a.mark(p.sheet, p.cell, groups[p], existing[p.sheet]); err != nil {
			return err
		}
	}
	if err := a.summary(items, r); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

type annotator struct {
	f      *excelize.File
	styles map[[2]int]int // (original style, 0 error / 1 warning) → new style
}

// mark fills a problem cell and puts its messages, before any comment it
// had, in its comment.
func (a *annotator) mark(sheet, cell string, items []klimatrapport.Item, existing map[string]excelize.Comment) error {
	sev := 1
	var lines []string
	for _, it := range items {
		label := "Varning"
		if it.Severity == klimatrapport.SeverityError {
			sev = 0
			label = "Fel"
		}
		lines = append(lines, label+": "+it.Message)
	}
	orig, err := a.f.GetCellStyle(sheet, cell)
	if err != nil {
		return err
	}
	id, ok := a.styles[[2]int{orig, sev}]
	if !ok {
		st, err := a.f.GetStyle(orig)
		if err != nil || st == nil {
			st = &excelize.Style{}
		}
		color := ErrorFill
		if sev == 1 {
			color = WarningFill
		}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
		if id, err = a.f.NewStyle(st); err != nil {
			return err
		}
		a.styles[[2]int{orig, sev}] = id
	}
	if err := a.f.SetCellStyle(sheet, cell, cell, id); err != nil {
		return err
	}
	text := strings.Join(lines, "\n\n")
	if old, ok := existing[cell]; ok {
		prev := CommentText(old)
		if err := a.f.DeleteComment(sheet, cell); err != nil {
			return err
		}
		if prev != "" {
			text += "\n\nTidigare kommentar: " + prev
		}
	}
	if r := []rune(text); len(r) > 32000 {
		text = string(r[:32000])
	}
	return a.f.AddComment(sheet, excelize.Comment{
		Cell: cell, Author: "Klimatrapport",
		Paragraph: []excelize.RichTextRun{
			{Text: "Klimatrapport:\n", Font: &excelize.Font{Bold: true}},
			{Text: text},
		},
		Width: 360, Height: 160,
	})
}

// CommentText is the whole text of a cell comment: its plain text followed
// by its rich-text runs, as Excel shows it.
func CommentText(c excelize.Comment) string {
	var b strings.Builder
	b.WriteString(c.Text)
	for _, r := range c.Paragraph {
		b.WriteString(r.Text)
	}
	return b.String()
}

// The summary sheet's columns and their widths: about 130 characters,
// which A4 landscape prints at nearly full size; the message wraps.
var (
	summaryHeaders = []string{"Allvarlighet", "Blad", "Cell", "Kod", "Meddelande"}
	summaryWidths  = []float64{13, 16, 8, 22, 72}
)

// Severity labels of the summary sheet: a symbol and a word, so that an
// error and a warning differ in print and to a screen reader, not only by
// their fill.
const (
	labelError   = "✖ Fel"
	labelWarning = "⚠ Varning"
)

// summary adds the first sheet listing every item, errors first.
func (a *annotator) summary(items klimatrapport.Items, r Review) error {
	f := a.f
	s := SheetReport
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	if err := xlsx.MoveFirst(f, s); err != nil {
		return err
	}
	if err := xlsx.SetLayout(f, s, xlsx.Layout{HeaderRows: 1, Footer: r.footer()}); err != nil {
		return err
	}
	st, err := newSummaryStyles(f)
	if err != nil {
		return err
	}
	if err := headerCells(f, s, summaryHeaders, summaryWidths, st.head); err != nil {
		return err
	}
	if len(items) == 0 {
		if err := f.SetCellStr(s, "E2", "Inga fel eller varningar hittades."); err != nil {
			return err
		}
	}
	sheets := f.GetSheetList()
	sorted := errorsFirst(items, sheets)
	for i, it := range sorted {
		if err := a.summaryRow(i+2, it, st, slices.Contains(sheets, it.Sheet) && it.Sheet != s); err != nil {
			return err
		}
	}
	idx, err := f.GetSheetIndex(s)
	if err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	return nil
}

// errorsFirst is items in SortItems' order, the errors before the
// warnings (the summary of left-out items stays last).
func errorsFirst(items klimatrapport.Items, sheets []string) klimatrapport.Items {
	sorted := slices.Clone(items)
	SortItems(sorted, sheets)
	rank := func(it klimatrapport.Item) int {
		switch {
		case it.Code == CodeMoreItems:
			return 2
		case it.Severity == klimatrapport.SeverityError:
			return 0
		}
		return 1
	}
	slices.SortStableFunc(sorted, func(x, y klimatrapport.Item) int { return rank(x) - rank(y) })
	return sorted
}

// footer is the summary sheet's footer: "Klimatkommunerna · granskning av
// rapport.xlsx · 2026-05-04", control characters of the name left out.
func (r Review) footer() string {
	text := "Klimatkommunerna · granskning"
	name := strings.TrimSpace(strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, r.FileName))
	if name != "" {
		text += " av " + name
	}
	if !r.Checked.IsZero() {
		text += " · " + r.Checked.In(swedish.Zone).Format(time.DateOnly)
	}
	return text
}

// summaryStyles are the cell styles of the summary sheet.
type summaryStyles struct{ head, err, warn, link, wrap int }

func newSummaryStyles(f *excelize.File) (summaryStyles, error) {
	var st summaryStyles
	top := &excelize.Alignment{Vertical: "top"}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.head, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"}, Fill: fill("1F6E43")}},
		{&st.err, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill(ErrorFill), Alignment: top}},
		{&st.warn, &excelize.Style{Fill: fill(WarningFill), Alignment: top}},
		{&st.link, &excelize.Style{Font: &excelize.Font{Color: "0563C1", Underline: "single"}, Alignment: top}},
		{&st.wrap, &excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
	} {
		id, err := f.NewStyle(s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// summaryRow writes one item into the summary; an item about a cell of a
// sheet in the workbook (linked) gets a link to that cell.
func (a *annotator) summaryRow(row int, it klimatrapport.Item, st summaryStyles, linked bool) error {
	f, s := a.f, SheetReport
	sev, style := labelWarning, st.warn
	if it.Severity == klimatrapport.SeverityError {
		sev, style = labelError, st.err
	}
	for j, v := range []string{sev, it.Sheet, it.Cell, it.Code, it.Message} {
		if v == "" {
			continue
		}
		if err := f.SetCellStr(s, cellName(j+1, row), SafeText(v)); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(s, cellName(1, row), cellName(1, row), style); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, cellName(2, row), cellName(5, row), st.wrap); err != nil {
		return err
	}
	if err := f.SetRowHeight(s, row, xlsx.WrappedHeight(summaryWidths[4], it.Message)); err != nil {
		return err
	}
	if it.Cell == "" || !linked {
		return nil
	}
	c := cellName(3, row)
	if err := f.SetCellHyperLink(s, c, quoteSheet(it.Sheet)+"!"+it.Cell, "Location"); err != nil {
		return err
	}
	return f.SetCellStyle(s, c, c, st.link)
}
