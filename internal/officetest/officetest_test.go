package officetest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/officetest"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// TestPrintAndRoundTrip prints a two-sheet workbook, one sheet laid out
// by xlsx.SetLayout with many rows, and saves it again through LibreOffice.
func TestPrintAndRoundTrip(t *testing.T) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Lång"); err != nil {
		t.Fatal(err)
	}
	if err := xlsx.SetLayout(f, "Lång", xlsx.Layout{HeaderRows: 1, Footer: "Källa: test"}); err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 120; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		row := []any{"Rubrik", "Kolumn B", "Kolumn C"}
		if r > 1 {
			row = []any{"rad", r, strings.Repeat("x", 30)}
		}
		if err := f.SetSheetRow("Lång", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	pdf := officetest.PDF(t, b.Bytes())
	pages := officetest.Pages(t, pdf)
	if len(pages) < 2 {
		t.Fatalf("120 rows printed on %d page(s), want at least 2", len(pages))
	}
	if n := officetest.SheetPages(pages, "Rubrik"); n != len(pages) {
		t.Errorf("the header row is on %d of %d pages, want every page", n, len(pages))
	}
	if !strings.Contains(pages[0], "Sida 1 av") || !strings.Contains(pages[0], "Källa: test") {
		t.Errorf("page 1 lacks the footer:\n%s", pages[0])
	}
	if !officetest.Landscape(t, pdf) {
		t.Error("pages are not landscape")
	}
	back, err := excelize.OpenReader(bytes.NewReader(officetest.RoundTrip(t, b.Bytes())))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := back.GetCellValue("Lång", "B120"); v != "120" {
		t.Errorf("round trip: B120 = %q, want 120", v)
	}
}
