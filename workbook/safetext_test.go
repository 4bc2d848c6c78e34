package workbook

import (
	"slices"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
)

// TestSafeText: an attack corpus of formula injections gets the apostrophe;
// ordinary text, including text that contains a formula character later or
// a typographic minus, stays as it is.
func TestSafeText(t *testing.T) {
	for in, want := range map[string]string{
		// attacks
		"=cmd|' /C calc'!A0":                    "'=cmd|' /C calc'!A0",
		`=HYPERLINK("http://evil.example","x")`: `'=HYPERLINK("http://evil.example","x")`,
		"=1+1":                                  "'=1+1",
		"+1":                                    "'+1",
		"+46 46 35 50 00":                       "'+46 46 35 50 00",
		"-1+1":                                  "'-1+1",
		"@SUM(A1:A9)":                           "'@SUM(A1:A9)",
		"@SUM":                                  "'@SUM",
		"\t=1+1":                                "'\t=1+1",
		"\tx":                                   "'\tx",
		"\r=1+1":                                "'\r=1+1",
		"\rx":                                   "'\rx",
		// negative numbers as text are guarded too: numbers go into cells as numbers
		"-12":                "'-12",
		"-3":                 "'-3",
		"-0,5":               "'-0,5",
		"- Fler laddplatser": "'- Fler laddplatser",
		// ordinary text
		"":                  "",
		"Lund":              "Lund",
		"Lunds kommun":      "Lunds kommun",
		"x=1":               "x=1",
		"1+1":               "1+1",
		"12":                "12",
		"−5 %":              "−5 %", // U+2212 is no formula
		"anna@lund.se":      "anna@lund.se",
		" =1+1":             " =1+1",
		"'=1+1":             "'=1+1", // already guarded: not again
		"\n=1":              "\n=1",
		"Åtgärd 3: −12 ton": "Åtgärd 3: −12 ton",
	} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
		if got := unguard(SafeText(in)); got != in && in != "'=1+1" {
			t.Errorf("unguard(SafeText(%q)) = %q", in, got)
		}
	}
	for in, want := range map[string]string{"'": "'", "''": "''", "'x": "'x", "'=": "=", "'-12": "-12", "x": "x", "": ""} {
		if got := unguard(in); got != want {
			t.Errorf("unguard(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPrefillGuardsFormulas: user text that looks like a formula is written
// into the prefilled template with the apostrophe, never as a formula, and
// reads back as it was.
func TestPrefillGuardsFormulas(t *testing.T) {
	evil := "=cmd|' /C calc'!A0"
	rep := sampleReport()
	rep.Details.Contact = "+46 46 35 50 00"
	rep.Goals[0].Name = evil
	rep.Measures[0].Comment = "- byte till LED"
	rep.Inventory[0].Comment = "@SUM(A1)"
	b := templateBytes(t, TemplateOptions{Year: 2024, Prefill: rep})
	f := openXLSX(t, b)
	for _, c := range []struct{ sheet, cell, want string }{
		{SheetDetails, "B5", "'+46 46 35 50 00"},
		{SheetGoals, "B2", "'" + evil},
		{SheetMeasures, "I2", "'- byte till LED"},
	} {
		got, err := f.GetCellValue(c.sheet, c.cell)
		if err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
		if formula, _ := f.GetCellFormula(c.sheet, c.cell); formula != "" {
			t.Errorf("%s!%s holds the formula %q", c.sheet, c.cell, formula)
		}
	}
	got := parseClean(t, b).Report
	if got.Details.Contact != rep.Details.Contact || got.Goals[0].Name != evil || got.Measures[0].Comment != rep.Measures[0].Comment {
		t.Errorf("read back: %q, %q, %q", got.Details.Contact, got.Goals[0].Name, got.Measures[0].Comment)
	}
	if !slices.ContainsFunc(got.Inventory, func(v klimatrapport.InventoryValue) bool { return v.Comment == "@SUM(A1)" }) {
		t.Error("the inventory comment does not read back")
	}
}

// TestAnnotateGuardsFormulas: text in the annotated copy's summary sheet
// (here a hostile sheet name and message) is written through SafeText.
func TestAnnotateGuardsFormulas(t *testing.T) {
	b := baseWorkbook(t, nil)
	items := klimatrapport.Items{{Severity: klimatrapport.SeverityError, Code: CodeMissingSheet, Sheet: "=1+1", Message: "-1 saknas."}}
	f, _ := annotated(t, b, items)
	rows, err := f.GetRows(SheetReport)
	if err != nil || len(rows) != 2 {
		t.Fatalf("summary %v %v", rows, err)
	}
	if got := rows[1]; got[1] != "'=1+1" || got[4] != "'-1 saknas." {
		t.Errorf("summary row %q", got)
	}
}
