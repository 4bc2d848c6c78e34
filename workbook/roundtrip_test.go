package workbook

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

func sortInventory(inv []klimatrapport.InventoryValue) {
	slices.SortStableFunc(inv, func(a, b klimatrapport.InventoryValue) int {
		return cmp.Or(strings.Compare(a.Sector, b.Sector), strings.Compare(a.Subsector, b.Subsector),
			strings.Compare(a.Gas, b.Gas), cmp.Compare(a.Year, b.Year))
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRoundTripPrefill: a report written into the template as prefill reads
// back equal (next year's report starts from last year's).
func TestRoundTripPrefill(t *testing.T) {
	want := sampleReport()
	b := templateBytes(t, TemplateOptions{Year: 2024, Prefill: want})
	parsed := parseClean(t, b)
	got := parsed.Report
	if v := Validate(parsed, ValidationContext{UploaderCode: "1281"}); v.HasErrors() {
		t.Fatalf("validation: %s", mustJSON(t, v))
	}
	stripPlaces(got)
	want.Details.Date = want.Details.Date.AddDate(0, 0, 0)
	want.Details.Date = got.Details.Date // the template leaves Datum for the new report
	if !got.Details.Date.IsZero() {
		t.Errorf("Datum should be empty in a prefilled template, got %v", got.Details.Date)
	}
	sortInventory(want.Inventory)
	sortInventory(got.Inventory)
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("round trip differs\ngot:  %s\nwant: %s", g, w)
	}
}

// TestRoundTripFilled: an empty template filled in by a program (as an
// officer would in Excel) reads back as the report that was typed in, with
// every value's place.
func TestRoundTripFilled(t *testing.T) {
	b := templateBytes(t, TemplateOptions{Code: "1281", Name: "Lunds kommun", Year: 2024})
	f, err := excelize.OpenReader(bytesReader(b))
	if err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	// Uppgifter: code and year are there; add the rest.
	set(SheetDetails, "B5", "Anna Andersson")
	set(SheetDetails, "B6", "anna.andersson@lund.se")
	set(SheetDetails, "B7", "Bertil Berg")
	set(SheetDetails, "B8", date(2024, 3, 15))
	// Utsläpp: years are F=1990, G=2005, H=2010 … so 2020 is R, 2021 S, 2022 T.
	set(SheetEmissions, "R2", 104036.6) // Transporter 2020
	set(SheetEmissions, "T2", 93225.3)  // Transporter 2022
	set(SheetEmissions, "F5", "NE")     // El och fjärrvärme 1990
	set(SheetEmissions, "E5", "Ej beräknat för 1990")
	set(SheetEmissions, "A11", "Transporter")
	set(SheetEmissions, "B11", "Personbilar")
	set(SheetEmissions, "C11", "CO2")
	set(SheetEmissions, "D11", "SMHI")
	set(SheetEmissions, "R11", 74023.8)
	// Mål
	set(SheetGoals, "A2", "M1")
	set(SheetGoals, "B2", "Halvera utsläppen")
	set(SheetGoals, "C2", "Absolut minskning")
	set(SheetGoals, "E2", 1990)
	set(SheetGoals, "F2", 2030)
	set(SheetGoals, "G2", 50)
	set(SheetGoals, "I2", date(2020, 6, 11))
	// Handlingsplan
	set(SheetPlans, "A2", "LundaEko III")
	set(SheetPlans, "B2", date(2021, 5, 27))
	set(SheetPlans, "D2", 2021)
	set(SheetPlans, "E2", 2030)
	// Åtgärder
	set(SheetMeasures, "A2", "Å1")
	set(SheetMeasures, "B2", "Fler laddplatser")
	set(SheetMeasures, "C2", "Transporter")
	set(SheetMeasures, "D2", "Pågående")
	set(SheetMeasures, "E2", 2022)
	set(SheetMeasures, "F2", 2026)
	set(SheetMeasures, "G2", 1200.5)
	b = workbookBytes(t, f)

	parsed := parseClean(t, b)
	got := parsed.Report
	place := func(sheet, cell string, row int) klimatrapport.Place {
		return klimatrapport.Place{Sheet: sheet, Cell: cell, Row: row}
	}
	want := &klimatrapport.Report{
		Details: klimatrapport.Details{Code: "1281", Name: "Lunds kommun", ReportYear: 2024, Contact: "Anna Andersson",
			Email: "anna.andersson@lund.se", PoliticalContact: "Bertil Berg", Date: date(2024, 3, 15)},
		Inventory: []klimatrapport.InventoryValue{
			{Year: 2020, Sector: "Transporter", Tonnes: fp(104036.6), Place: place(SheetEmissions, "R2", 2)},
			{Year: 2022, Sector: "Transporter", Tonnes: fp(93225.3), Place: place(SheetEmissions, "T2", 2)},
			{Year: 1990, Sector: "El och fjärrvärme", Notation: "NE", Comment: "Ej beräknat för 1990", Place: place(SheetEmissions, "F5", 5)},
			{Year: 2020, Sector: "Transporter", Subsector: "Personbilar", Gas: "CO2", Source: "SMHI", Tonnes: fp(74023.8), Place: place(SheetEmissions, "R11", 11)},
		},
		Goals: []klimatrapport.Goal{{ID: "M1", Name: "Halvera utsläppen", Type: "Absolut minskning", BaseYear: 1990, TargetYear: 2030,
			ReductionPct: 50, DecidedOn: date(2020, 6, 11), Place: place(SheetGoals, "A2", 2)}},
		Plans: []klimatrapport.ActionPlan{{Name: "LundaEko III", Adopted: date(2021, 5, 27), ValidFrom: 2021, ValidTo: 2030,
			Place: place(SheetPlans, "A2", 2)}},
		Measures: []klimatrapport.Measure{{ID: "Å1", Name: "Fler laddplatser", Sector: "Transporter", Status: "Pågående",
			StartYear: 2022, EndYear: 2026, ExpectedReduction: fp(1200.5), Place: place(SheetMeasures, "A2", 2)}},
		SheetsSeen: got.SheetsSeen,
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("round trip differs\ngot:  %s\nwant: %s", g, w)
	}
	wantSheets := []string{"Instruktioner", "Uppgifter", "Utsläpp", "Mål", "Handlingsplan", "Åtgärder", "Listor"}
	if mustJSON(t, got.SheetsSeen) != mustJSON(t, wantSheets) {
		t.Errorf("sheets %v", got.SheetsSeen)
	}
}
