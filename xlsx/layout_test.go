package xlsx_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// TestSetLayout writes a sheet laid out directly and one through a
// StreamWriter, and reads the settings back from the saved file.
func TestSetLayout(t *testing.T) {
	f := excelize.NewFile()
	if _, err := f.NewSheet("Strömmad"); err != nil {
		t.Fatal(err)
	}
	l := xlsx.Layout{HeaderRows: 2, FreezeCols: 1, Footer: "Källa: SMHI & Klimatkommunerna"}
	if err := xlsx.SetLayout(f, "Sheet1", l); err != nil {
		t.Fatal(err)
	}
	if err := xlsx.SetLayout(f, "Strömmad", xlsx.Layout{HeaderRows: 1, Footer: "x"}); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter("Strömmad")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 3; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{"a", r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	g, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	for sheet, rows := range map[string]int{"Sheet1": 2, "Strömmad": 1} {
		pl, err := g.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Size != xlsx.A4 || *pl.Orientation != "landscape" || *pl.FitToWidth != 1 || *pl.FitToHeight != 0 {
			t.Errorf("%s: page layout %d %s %d×%d, want A4 landscape 1 wide", sheet, *pl.Size, *pl.Orientation, *pl.FitToWidth, *pl.FitToHeight)
		}
		props, err := g.GetSheetProps(sheet)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fit to page not set (%v)", sheet, err)
		}
		want := "'" + sheet + "'!$1:$" + string(rune('0'+rows))
		found := false
		for _, n := range g.GetDefinedName() {
			if n.Name == "_xlnm.Print_Titles" && n.Scope == sheet {
				found = n.RefersTo == want
			}
		}
		if !found {
			t.Errorf("%s: print titles not %s: %+v", sheet, want, g.GetDefinedName())
		}
	}
	hf, err := g.GetHeaderFooter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if hf.OddFooter != "&LKälla: SMHI && Klimatkommunerna&RSida &P av &N" {
		t.Errorf("footer %q", hf.OddFooter)
	}
	panes, err := g.GetPanes("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.XSplit != 1 || panes.YSplit != 2 || panes.TopLeftCell != "B3" {
		t.Errorf("panes %+v, want frozen at B3", panes)
	}
}

// TestMoveFirst: a sheet moved first (and moved again after being deleted
// and added back, as an annotated copy annotated again is) leaves every
// other sheet's print titles on that sheet.
func TestMoveFirst(t *testing.T) {
	f := excelize.NewFile()
	for _, s := range []string{"B", "C"} {
		if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range []string{"Sheet1", "B", "C"} {
		if err := xlsx.SetLayout(f, s, xlsx.Layout{HeaderRows: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		_ = f.DeleteSheet("Först")
		if _, err := f.NewSheet("Först"); err != nil {
			t.Fatal(err)
		}
		if err := xlsx.MoveFirst(f, "Först"); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.GetSheetList(); got[0] != "Först" || len(got) != 4 {
		t.Fatalf("sheets %q", got)
	}
	want := map[string]string{"Sheet1": "'Sheet1'!$1:$1", "B": "'B'!$1:$2", "C": "'C'!$1:$3"}
	for _, n := range f.GetDefinedName() {
		if n.Name == "_xlnm.Print_Titles" {
			if want[n.Scope] != n.RefersTo {
				t.Errorf("print titles of %s: %s, want %q", n.Scope, n.RefersTo, want[n.Scope])
			}
			delete(want, n.Scope)
		}
	}
	if len(want) > 0 {
		t.Errorf("print titles lost: %v", want)
	}
}
