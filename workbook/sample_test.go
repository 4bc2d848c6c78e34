package workbook

// The sample report and the helpers that make, parse and open workbooks for
// the tests.

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

func fp(v float64) *float64 { return &v }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleReport is a small but complete report for Lund.
func sampleReport() *klimatrapport.Report {
	return &klimatrapport.Report{
		Details: klimatrapport.Details{
			Code: "1281", Name: "Lunds kommun", ReportYear: 2024,
			Contact: "Anna Andersson", Email: "anna.andersson@lund.se", PoliticalContact: "Bertil Berg",
			Date: date(2024, 3, 15),
		},
		Inventory: []klimatrapport.InventoryValue{
			{Year: 2020, Sector: "Transporter", Tonnes: fp(104036.6), Source: "SMHI"},
			{Year: 2021, Sector: "Transporter", Tonnes: fp(103959.1), Source: "SMHI"},
			{Year: 2022, Sector: "Transporter", Tonnes: fp(93225.3), Source: "SMHI"},
			{Year: 2020, Sector: "Transporter", Subsector: "Personbilar", Tonnes: fp(74023.8), Source: "SMHI"},
			{Year: 2021, Sector: "Transporter", Subsector: "Personbilar", Tonnes: fp(73403.2), Source: "SMHI"},
			{Year: 2022, Sector: "Industri (energi + processer)", Tonnes: fp(2268.5)},
			{Year: 2022, Sector: "Jordbruk", Notation: "IE", Comment: "Ingår i Industri"},
			{Year: 2022, Sector: "El och fjärrvärme", Gas: "CO2", Tonnes: fp(779.4)},
			{Year: 1990, Sector: "Avfall (inkl.avlopp)", Tonnes: fp(0)},
		},
		Goals: []klimatrapport.Goal{
			{ID: "M1", Name: "Halvera utsläppen till 2030", Type: klimatrapport.GoalAbsolute, BaseYear: 1990, TargetYear: 2030,
				ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: date(2020, 6, 11), Link: "https://lund.se/mal"},
			{ID: "M2", Name: "Nettonoll 2045", Type: klimatrapport.GoalNetZero, Sector: "Transporter", BaseYear: 2015, TargetYear: 2045},
		},
		Plans: []klimatrapport.ActionPlan{
			{Name: "LundaEko III", Adopted: date(2021, 5, 27), DecidedBy: "Kommunfullmäktige", ValidFrom: 2021, ValidTo: 2030, Link: "https://lund.se/lundaeko"},
		},
		Measures: []klimatrapport.Measure{
			{ID: "Å1", Name: "Fler laddplatser", Sector: "Transporter", Status: klimatrapport.MeasureOngoing, StartYear: 2022, EndYear: 2026,
				ExpectedReduction: fp(1200.5), Responsible: "Tekniska förvaltningen", Comment: "Etapp 1 klar"},
			{ID: "Å2", Name: "Biogasbussar", Status: klimatrapport.MeasureDone, ExpectedReduction: fp(0)},
		},
	}
}

func workbookBytes(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return buf.Bytes()
}

func templateBytes(t testing.TB, opts TemplateOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parseBytes(b []byte) (*Parsed, error) {
	return Parse(bytes.NewReader(b), int64(len(b)), Limits{})
}

// stripPlaces clears what a hand-made report cannot know.
func stripPlaces(rep *klimatrapport.Report) {
	rep.SheetsSeen = nil
	for i := range rep.Inventory {
		rep.Inventory[i].Place = klimatrapport.Place{}
	}
	for i := range rep.Goals {
		rep.Goals[i].Place = klimatrapport.Place{}
	}
	for i := range rep.Plans {
		rep.Plans[i].Place = klimatrapport.Place{}
	}
	for i := range rep.Measures {
		rep.Measures[i].Place = klimatrapport.Place{}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// parseClean parses b and fails the test unless the parser found nothing
// to report.
func parseClean(t testing.TB, b []byte) *Parsed {
	t.Helper()
	p, err := parseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 0 {
		t.Fatalf("items: %s", mustJSON(t, p.Items))
	}
	return p
}

// openXLSX opens b with excelize for the rest of the test.
func openXLSX(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// annotated returns Annotate's copy of b with items, opened.
func annotated(t testing.TB, b []byte, items klimatrapport.Items) (*excelize.File, []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := Annotate(bytes.NewReader(b), int64(len(b)), items, &out); err != nil {
		t.Fatal(err)
	}
	return openXLSX(t, out.Bytes()), out.Bytes()
}
