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
	// Uppgifter: code and year are there; add the rest.
	set(t, f, SheetDetails, "B5", "Anna Andersson", "B6", "anna.andersson@lund.se", "B7", "Bertil Berg", "B8", date(2024, 3, 15))
	// Utsläpp: years are F=1990, G=2005, H=2010 … so 2020 is R, 2021 S, 2022 T.
	set(t, f, SheetEmissions,
		"R2", 104036.6, "T2", 93225.3, // Transporter 2020 and 2022
		"F5", "NE", "E5", "Ej beräknat för 1990", // El och fjärrvärme 1990
		"A11", "Transporter", "B11", "Personbilar", "C11", "CO2", "D11", "SMHI", "R11", 74023.8)
	set(t, f, SheetGoals, "A2", "M1", "B2", "Halvera utsläppen", "C2", "Absolut minskning", "E2", 1990, "F2", 2030, "G2", 50,
		"I2", date(2020, 6, 11))
	set(t, f, SheetPlans, "A2", "LundaEko III", "B2", date(2021, 5, 27), "D2", 2021, "E2", 2030)
	set(t, f, SheetMeasures, "A2", "Å1", "B2", "Fler laddplatser", "C2", "Transporter", "D2", "Pågående", "E2", 2022, "F2", 2026,
		"G2", 1200.5)
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
