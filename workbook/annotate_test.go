package workbook

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

func TestAnnotate(t *testing.T) {
	b := baseWorkbook(t, func(f *excelize.File) {
		set(t, f, SheetEmissions, "R3", "mycket", "T2", 20000)
		bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 4})
		f.SetCellStyle(SheetEmissions, "R3", "R3", bold)
		f.AddComment(SheetEmissions, excelize.Comment{Cell: "R3", Author: "Anna", Text: "Osäker siffra"})
	})
	items, err := Ingest(bytes.NewReader(b), int64(len(b)), Limits{}, stdCtx, nil)
	if err != nil {
		t.Fatal(err)
	}
	items = append(items, klimatrapport.Item{Severity: "error", Code: CodeMissingSheet, Message: "Bladet X saknas."})
	f, out := annotated(t, b, items)
	if first := f.GetSheetList()[0]; first != SheetReport {
		t.Fatalf("first sheet %q", first)
	}
	fill := func(cell string) (string, *excelize.Style) {
		id, err := f.GetCellStyle(SheetEmissions, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || len(st.Fill.Color) == 0 {
			return "", st
		}
		return strings.ToUpper(st.Fill.Color[0]), st
	}
	if c, st := fill("R3"); !strings.HasSuffix(c, ErrorFill) || st.Font == nil || !st.Font.Bold || st.NumFmt != 4 {
		t.Errorf("R3 fill %q style %+v", c, st)
	}
	if c, _ := fill("T2"); !strings.HasSuffix(c, WarningFill) {
		t.Errorf("T2 fill %q", c)
	}
	if c, _ := fill("R2"); c != "" {
		t.Errorf("R2 should not be marked: %q", c)
	}
	comments, err := f.GetComments(SheetEmissions)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range comments {
		byCell[c.Cell] = CommentText(c)
	}
	if s := byCell["R3"]; !strings.Contains(s, "Fel: Värdet \"mycket\" i R3 är inget tal") || !strings.Contains(s, "Osäker siffra") {
		t.Errorf("R3 comment %q", s)
	}
	if s := byCell["T2"]; !strings.Contains(s, "Varning: Transporter: 2022") {
		t.Errorf("T2 comment %q", s)
	}
	rows, err := f.GetRows(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(items)+1 || rows[0][0] != "Allvarlighet" {
		t.Fatalf("summary rows %v", rows)
	}
	if rows[1][0] != labelError || rows[1][3] != CodeMissingSheet {
		t.Errorf("file-level item first: %v", rows[1])
	}
	if ok, target, _ := f.GetCellHyperLink(SheetReport, "C3"); !ok || target != "'Utsläpp'!R3" {
		t.Errorf("the error's link %v %q", ok, target)
	}
	if ok, target, _ := f.GetCellHyperLink(SheetReport, "C4"); !ok || target != "'Utsläpp'!T2" || rows[3][0] != labelWarning {
		t.Errorf("the warning after the errors: link %v %q, row %q", ok, target, rows[3])
	}
	// Annotating the annotated file replaces the summary sheet.
	var again bytes.Buffer
	if err := Annotate(bytes.NewReader(out), int64(len(out)), items[:1], &again); err != nil {
		t.Fatal(err)
	}
	g := openXLSX(t, again.Bytes())
	if sheets := g.GetSheetList(); sheets[0] != SheetReport || slices.Index(sheets[1:], SheetReport) >= 0 {
		t.Errorf("sheets after annotating again: %q", sheets)
	}
	if rows, err := g.GetRows(SheetReport); err != nil || len(rows) != 2 {
		t.Errorf("summary after annotating again with one item: %v %v", rows, err)
	}
	// The annotated file still parses to the same report.
	if p, err := parseBytes(out); err != nil {
		t.Errorf("annotated file: %v", err)
	} else if len(p.Items) != 1 {
		t.Errorf("annotated file: %v", p.Items)
	}
	// A file that is not a workbook is refused.
	if err := Annotate(bytes.NewReader([]byte("%PDF-1.4")), 8, items, &again); FileProblem(err) != ProblemPDF {
		t.Errorf("pdf: %v", err)
	}
}
