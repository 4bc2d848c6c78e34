package workbook

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/officetest"
)

// printOptions is a known template: Lund, 2025, made on a fixed day.
var printOptions = TemplateOptions{Code: "1281", Name: "Lunds kommun", Year: 2025, Created: date(2026, 12, 2)}

var dataSheets = []string{SheetDetails, SheetEmissions, SheetGoals, SheetPlans, SheetMeasures}

// TestTemplatePrint prints the template through LibreOffice: landscape,
// few pages, Utsläpp one page wide, the footer on every page.
func TestTemplatePrint(t *testing.T) {
	pdf := officetest.PDF(t, templateBytes(t, printOptions))
	pages := officetest.Pages(t, pdf)
	t.Logf("%d pages", len(pages))
	if len(pages) > 8 {
		t.Errorf("the template prints on %d pages, want at most 8", len(pages))
	}
	if !officetest.Landscape(t, pdf) {
		t.Error("pages are not landscape")
	}
	footer := "Klimatkommunerna · Klimatrapport 2025 · mall skapad 2026-12-02"
	if n := officetest.SheetPages(pages, footer); n != len(pages) {
		t.Errorf("the footer is on %d of %d pages", n, len(pages))
	}
	for _, p := range pages {
		if strings.Contains(p, "Sektor") && strings.Contains(p, "Undersektor") && strings.Contains(p, "Växthusgas") &&
			!strings.Contains(p, "Minskning") && !strings.Contains(p, "2025") {
			t.Errorf("an Utsläpp page lacks its last year column 2025:\n%s", p)
		}
	}
}

// TestTemplateProtected: every sheet protected, the workbook's structure
// locked, no password anywhere; headers locked, input cells not.
func TestTemplateProtected(t *testing.T) {
	b := templateBytes(t, printOptions)
	f := openXLSX(t, b)
	for _, s := range f.GetSheetList() {
		p, err := f.GetSheetProtection(s)
		if err != nil {
			t.Fatal(err)
		}
		if !p.InsertRows || !p.DeleteRows || !p.Sort || !p.FormatCells || p.InsertColumns || p.DeleteColumns {
			t.Errorf("%s: protection options %+v", s, p)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		r, _ := zf.Open()
		x, _ := io.ReadAll(r)
		r.Close()
		s := string(x)
		if strings.Contains(s, "hashValue") || strings.Contains(s, `password="`) {
			t.Errorf("%s has a password", zf.Name)
		}
		if zf.Name == "xl/workbook.xml" && !strings.Contains(s, `lockStructure="true"`) && !strings.Contains(s, `lockStructure="1"`) {
			t.Errorf("workbook structure not locked: %s", s)
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") && !strings.Contains(s, `<sheetProtection`) {
			t.Errorf("%s not protected", zf.Name)
		}
	}
	locked := func(sheet, cell string) bool {
		st := cellStyle(t, f, sheet, cell)
		return st.Protection == nil || st.Protection.Locked
	}
	for _, s := range dataSheets {
		if !locked(s, "A1") || !locked(s, "B1") {
			t.Errorf("%s: header not locked", s)
		}
		if locked(s, "B2") || locked(s, "B300") {
			t.Errorf("%s: input cells B2, B300 locked", s)
		}
	}
	if !locked(SheetDetails, "A2") {
		t.Error("Uppgifter's labels are not locked")
	}
}

// freeText are the fields the parser reads as any text: their columns
// have an input message but no rule. Every other column of the parser's
// must have a rule, so that a new column without one fails.
var freeText = map[field]bool{fGoalID: true, fGoalName: true, fDecidedBy: true, fLink: true, fPlanName: true,
	fMeasureID: true, fMeasureName: true, fResponsible: true, fComment: true, fSource: true}

func TestTemplateColumnsChecked(t *testing.T) {
	f := openXLSX(t, templateBytes(t, printOptions))
	kinds := map[string]sheetKind{SheetEmissions: kindEmissions, SheetGoals: kindGoals, SheetPlans: kindPlans, SheetMeasures: kindMeasures}
	for sheet, kind := range kinds {
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := f.GetRows(sheet)
		for i, h := range head[0] {
			cell := cellName(i+1, 2)
			f := matchColumn(kind, h)
			_, isYear := isYearHeader(h)
			if f == fNone && !isYear {
				t.Errorf("%s: header %q is no column of the parser", sheet, h)
			}
			dv := coveringValidation(dvs, cell)
			switch {
			case dv == nil || !dv.ShowInputMessage || dv.Prompt == nil || *dv.Prompt == "":
				t.Errorf("%s %s (%s): no input message", sheet, cell, h)
			case len([]rune(*dv.PromptTitle)) > 32 || len([]rune(*dv.Prompt)) > 255:
				t.Errorf("%s %s: input message too long for Excel", sheet, cell)
			case !freeText[f] && (dv.Type == "" || dv.Error == nil || *dv.Error == ""):
				t.Errorf("%s %s (%s): the parser checks it but the template has no rule with an error message", sheet, cell, h)
			}
		}
	}
}

func coveringValidation(dvs []*excelize.DataValidation, cell string) *excelize.DataValidation {
	c, r, _ := excelize.CellNameToCoordinates(cell)
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			from, to, _ := strings.Cut(ref, ":")
			if to == "" {
				to = from
			}
			c1, r1, _ := excelize.CellNameToCoordinates(from)
			c2, r2, _ := excelize.CellNameToCoordinates(to)
			if c >= c1 && c <= c2 && r >= r1 && r <= r2 {
				return dv
			}
		}
	}
	return nil
}

// TestTemplateMarks: the conditional formats are in the file.
func TestTemplateMarks(t *testing.T) {
	f := openXLSX(t, templateBytes(t, printOptions))
	for _, s := range dataSheets {
		cf, err := f.GetConditionalFormats(s)
		if err != nil || len(cf) == 0 {
			t.Errorf("%s: no conditional formats (%v)", s, err)
		}
	}
	cf, _ := f.GetConditionalFormats(SheetEmissions)
	found := false
	for _, opts := range cf {
		for _, o := range opts {
			found = found || strings.Contains(o.Criteria, `"NE"`) && strings.Contains(o.Criteria, "$E2")
		}
	}
	if !found {
		t.Errorf("Utsläpp: no mark for a notation key without comment: %v", cf)
	}
}

// TestTemplateListsMatchDomain: every column of Listor is its domain list.
func TestTemplateListsMatchDomain(t *testing.T) {
	f := openXLSX(t, templateBytes(t, printOptions))
	cols, err := f.GetCols(SheetLists)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != len(listColumns) {
		t.Fatalf("Listor has %d columns, want %d", len(cols), len(listColumns))
	}
	for i, l := range listColumns {
		got := slices.DeleteFunc(cols[i][1:], func(s string) bool { return s == "" })
		if !slices.Equal(got, l.items()) {
			t.Errorf("Listor %s = %v, want %v", l.title, got, l.items())
		}
	}
}

// TestTemplateRenamedCase: a header or sheet name changed in case (the
// protection lifted) still parses.
func TestTemplateRenamedCase(t *testing.T) {
	f := openXLSX(t, templateBytes(t, printOptions))
	set(t, f, SheetEmissions, "A1", "SEKTOR", "E1", " kommentar ", "G2", 1234.5)
	if err := f.SetSheetName(SheetGoals, "MÅL"); err != nil {
		t.Fatal(err)
	}
	set(t, f, "MÅL", "B1", "mål", "A2", "M1", "B2", "Halvera", "C2", "Nettonoll", "F2", 2045)
	rep := parseClean(t, workbookBytes(t, f)).Report
	if len(rep.Inventory) != 1 || *rep.Inventory[0].Tonnes != 1234.5 || len(rep.Goals) != 1 {
		t.Errorf("parsed %+v", rep)
	}
}

// TestTemplateLibreOfficeRoundTrip: filled, saved by LibreOffice, read back.
func TestTemplateLibreOfficeRoundTrip(t *testing.T) {
	f := openXLSX(t, templateBytes(t, printOptions))
	set(t, f, SheetEmissions, "F5", "NE", "E5", "Ej beräknat", "G2", 104036.6)
	set(t, f, SheetGoals, "A2", "M1", "B2", "Halvera", "C2", "Absolut minskning", "E2", 1990, "F2", 2030, "G2", 50)
	b := workbookBytes(t, f)
	want := parseClean(t, b).Report
	back := parseClean(t, officetest.RoundTrip(t, b)).Report
	stripPlaces(want)
	stripPlaces(back)
	sortInventory(want.Inventory)
	sortInventory(back.Inventory)
	if g, w := mustJSON(t, back), mustJSON(t, want); g != w {
		t.Errorf("LibreOffice round trip differs\ngot:  %s\nwant: %s", g, w)
	}
}
