package workbook

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/officetest"
)

// knownUpload is an officer's filled-in template with their own
// formatting (a bold cell with a number format, a wide column) and, once
// checked, 9 errors (text in R3–R11) and 14 warnings (Transporter jumping
// up and down every year from 2010 to 2024, H2–V2).
func knownUpload(t *testing.T) ([]byte, klimatrapport.Items) {
	t.Helper()
	b := baseWorkbook(t, func(f *excelize.File) {
		for r := 3; r <= 11; r++ {
			set(t, f, SheetEmissions, fmt.Sprintf("R%d", r), "mycket")
		}
		for c := 8; c <= 22; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, 2)
			set(t, f, SheetEmissions, cell, []int{100, 100000}[c%2])
		}
		own, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 4})
		f.SetCellStyle(SheetEmissions, "R5", "R5", own)
		f.SetColWidth(SheetEmissions, "B", "B", 41.5)
	})
	items, err := Ingest(bytes.NewReader(b), int64(len(b)), Limits{}, stdCtx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, errs := len(items), countErrors(items); n != 23 || errs != 9 {
		t.Fatalf("the known upload has %d items, %d errors; want 23 and 9", n, errs)
	}
	return b, items
}

func countErrors(items klimatrapport.Items) int {
	n := 0
	for _, it := range items {
		if it.Severity == klimatrapport.SeverityError {
			n++
		}
	}
	return n
}

// knownReview is the review of knownUpload: its name and day of checking.
var knownReview = Review{FileName: "Lund & co 2024.xlsx", Checked: time.Date(2025, 5, 2, 10, 30, 0, 0, time.UTC)}

func annotatedReview(t *testing.T, b []byte, items klimatrapport.Items, r Review) (*excelize.File, []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := AnnotateReview(bytes.NewReader(b), int64(len(b)), items, r, &out); err != nil {
		t.Fatal(err)
	}
	return openXLSX(t, out.Bytes()), out.Bytes()
}

// TestAnnotateKeepsFormatting: a marked cell keeps the officer's bold font
// and number format under its fill, and the officer's column width stays.
func TestAnnotateKeepsFormatting(t *testing.T) {
	b, items := knownUpload(t)
	f, _ := annotatedReview(t, b, items, knownReview)
	id, err := f.GetCellStyle(SheetEmissions, "R5")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold || st.NumFmt != 4 || len(st.Fill.Color) != 1 || !strings.EqualFold(st.Fill.Color[0], ErrorFill) {
		t.Errorf("R5: font %+v, number format %d, fill %v; want bold, 4, %s", st.Font, st.NumFmt, st.Fill.Color, ErrorFill)
	}
	if w, err := f.GetColWidth(SheetEmissions, "B"); err != nil || w != 41.5 {
		t.Errorf("column B of %s is %v wide (%v), want the officer's 41.5", SheetEmissions, w, err)
	}
	// The officer's sheets keep their own print settings and print titles.
	orig := openXLSX(t, b)
	for _, s := range []string{SheetDetails, SheetEmissions, SheetGoals} {
		before, err1 := orig.GetPageLayout(s)
		after, err2 := f.GetPageLayout(s)
		if err1 != nil || err2 != nil || fmt.Sprint(deref(before.Orientation), deref(before.FitToWidth)) != fmt.Sprint(deref(after.Orientation), deref(after.FitToWidth)) {
			t.Errorf("%s's page layout changed: %+v → %+v (%v %v)", s, before, after, err1, err2)
		}
	}
	titles := func(g *excelize.File) map[string]string {
		m := map[string]string{}
		for _, n := range g.GetDefinedName() {
			if n.Name == "_xlnm.Print_Titles" && n.Scope != SheetReport {
				m[n.Scope] = n.RefersTo
			}
		}
		return m
	}
	if a, o := titles(f), titles(orig); fmt.Sprint(a) != fmt.Sprint(o) || len(o) == 0 {
		t.Errorf("the officer's print titles %v, after annotating %v", o, a)
	}
}

// TestAnnotateSummarySheet: the first sheet, Att rätta, lists the errors
// first, then the warnings, each linked to its cell, an error and a
// warning told apart by a symbol and a word, by bold text and by fill; the
// comments on the cells say Fel: or Varning:. It prints through
// xlsx.SetLayout with the file's name and day in its footer.
func TestAnnotateSummarySheet(t *testing.T) {
	b, items := knownUpload(t)
	f, _ := annotatedReview(t, b, items, knownReview)
	if first := f.GetSheetList()[0]; first != "Att rätta" {
		t.Fatalf("first sheet %q", first)
	}
	rows, err := f.GetRows(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+23 || strings.Join(rows[0], "|") != "Allvarlighet|Blad|Cell|Kod|Meddelande" {
		t.Fatalf("summary: %d rows, header %q", len(rows), rows[0])
	}
	for i, row := range rows[1:] {
		r := i + 2
		wantLabel, wantBold, wantFill := labelError, true, ErrorFill
		if i >= 9 {
			wantLabel, wantBold, wantFill = labelWarning, false, WarningFill
		}
		if row[0] != wantLabel {
			t.Errorf("row %d: %q, want %q (errors first)", r, row[0], wantLabel)
		}
		st := cellStyle(t, f, SheetReport, cellName(1, r))
		if bold := st.Font != nil && st.Font.Bold; bold != wantBold || !strings.EqualFold(st.Fill.Color[0], wantFill) {
			t.Errorf("row %d: bold %v fill %v, want %v %s", r, bold, st.Fill.Color, wantBold, wantFill)
		}
		ok, target, _ := f.GetCellHyperLink(SheetReport, cellName(3, r))
		if want := "'Utsläpp'!" + row[2]; !ok || target != want {
			t.Errorf("row %d: link %v %q, want %q", r, ok, target, want)
		}
		if st := cellStyle(t, f, SheetReport, cellName(5, r)); st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("row %d: the message does not wrap", r)
		}
	}
	if rows[1][2] != "R3" || rows[10][2] != "I2" {
		t.Errorf("first error at %s, first warning at %s; want R3 and I2", rows[1][2], rows[10][2])
	}
	comments := map[string]string{}
	cs, _ := f.GetComments(SheetEmissions)
	for _, c := range cs {
		comments[c.Cell] = CommentText(c)
	}
	if !strings.Contains(comments["R3"], "Fel: Värdet") || !strings.Contains(comments["I2"], "Varning: Transporter") {
		t.Errorf("comments R3 %q, I2 %q", comments["R3"], comments["I2"])
	}
	checkSummaryLayout(t, f, "&LKlimatkommunerna · granskning av Lund && co 2024.xlsx · 2025-05-02&RSida &P av &N")
}

func cellStyle(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkSummaryLayout reads back the summary sheet's print settings.
func checkSummaryLayout(t *testing.T, f *excelize.File, footer string) {
	t.Helper()
	pl, err := f.GetPageLayout(SheetReport)
	if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
		t.Errorf("page layout %+v %v", pl, err)
	}
	hf, err := f.GetHeaderFooter(SheetReport)
	if err != nil || hf == nil || hf.OddFooter != footer {
		t.Errorf("footer %+v %v, want %q", hf, err, footer)
	}
	titles := ""
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == SheetReport {
			titles = d.RefersTo
		}
	}
	if titles != "'Att rätta'!$1:$1" {
		t.Errorf("print titles %q", titles)
	}
}

// TestAnnotateReplacesOldSummary: a copy annotated when the summary sheet
// was called "Fel och varningar", uploaded again, gets one summary sheet.
func TestAnnotateReplacesOldSummary(t *testing.T) {
	b := baseWorkbook(t, func(f *excelize.File) {
		f.NewSheet(sheetReportBefore)
		set(t, f, sheetReportBefore, "A1", "Allvarlighet")
	})
	if p, err := parseBytes(b); err != nil || len(p.Items) != 0 {
		t.Fatalf("the old summary sheet is not ignored: %v %v", err, p)
	}
	f, _ := annotatedReview(t, b, nil, Review{})
	for _, s := range f.GetSheetList() {
		if s == sheetReportBefore {
			t.Errorf("sheets %q: the old summary is kept", f.GetSheetList())
		}
	}
	checkSummaryLayout(t, f, "&LKlimatkommunerna · granskning&RSida &P av &N")
}

// TestAnnotatedCopyPrints prints the annotated copy of knownUpload with
// LibreOffice: Att rätta comes first, in landscape, one page wide (its
// first and last column headers on every page of it, with the footer), on
// a pinned number of pages.
func TestAnnotatedCopyPrints(t *testing.T) {
	b, items := knownUpload(t)
	_, out := annotatedReview(t, b, items, knownReview)
	pdf := officetest.PDF(t, out)
	pages := officetest.Pages(t, pdf)
	const want = 2 // pages of Att rätta for the 23 items, 12 rows on the first
	n := officetest.SheetPages(pages, "granskning av Lund & co 2024.xlsx · 2025-05-02")
	if n != want {
		t.Errorf("Att rätta printed on %d pages, want %d", n, want)
	}
	landscape := officetest.LandscapePages(t, pdf)
	for i := 0; i < n; i++ {
		if !strings.Contains(pages[i], "Allvarlighet") || !strings.Contains(pages[i], "Meddelande") {
			t.Errorf("page %d lacks the first or last column's header:\n%s", i+1, pages[i])
		}
		if !landscape[i] {
			t.Errorf("page %d is not landscape", i+1)
		}
		if !strings.Contains(pages[i], fmt.Sprintf("Sida %d av", i+1)) {
			t.Errorf("page %d lacks its page number:\n%s", i+1, pages[i])
		}
	}
	if !strings.Contains(strings.Join(pages[:n], ""), "Värdet \"mycket\" i R11") {
		t.Error("the last error's message is not printed")
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
