package workbook

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/golden"
)

var regenLibreOffice = flag.Bool("libreoffice", false, "regenerate testdata/libreoffice-*.xlsx with soffice (needs libreoffice-calc)")

// libreOfficeInputs are the workbooks converted by LibreOffice into the
// committed fixtures.
func libreOfficeInputs(t testing.TB) map[string][]byte {
	wide := baseWorkbook(t, func(f *excelize.File) {
		// A formula: LibreOffice saves its value.
		if err := f.SetCellFormula(SheetEmissions, "U2", "T2*0.9"); err != nil {
			t.Fatal(err)
		}
		set(t, f, SheetDetails, "B8", date(2024, 3, 15))
	})
	long := longWorkbook(t, [][]any{
		{2020, "Transporter", "", "", 104036.6, "SMHI", ""},
		{2020, "Transporter", "Personbilar", "", 74023.8, "SMHI", ""},
		{2020, "Transporter", "Tunga lastbilar", "", 30012.8, "SMHI", ""},
		{2021, "Jordbruk", "", "CO2", "1 234,5", "", ""},
		{2022, "Jordbruk", "", "", "IE", "", "Ingår i Industri"},
	})
	return map[string][]byte{"libreoffice-wide.xlsx": wide, "libreoffice-long.xlsx": long}
}

// TestLibreOfficeFixtures reads workbooks saved by LibreOffice Calc 7.4
// (see testdata/README.md for how they were made).
func TestLibreOfficeFixtures(t *testing.T) {
	if *regenLibreOffice {
		regenerateLibreOffice(t)
	}
	t.Run("wide", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("testdata", "libreoffice-wide.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		rep, items := checkClean(t, b)
		want := baseReport()
		want.Details.Date = date(2024, 3, 15)
		tonnes := 93225.3 * 0.9
		want.Inventory = append(want.Inventory, klimatrapport.InventoryValue{Year: 2023, Sector: "Transporter", Tonnes: &tonnes, Source: "SMHI"})
		for _, v := range rep.Inventory {
			if v.Place.Cell == "" || v.Place.Sheet != SheetEmissions || v.Place.Row < 2 {
				t.Errorf("place missing: %+v", v)
			}
		}
		stripPlaces(rep)
		sortInventory(rep.Inventory)
		sortInventory(want.Inventory)
		for i := range rep.Inventory { // LibreOffice stores 15 significant digits
			if i < len(want.Inventory) && rep.Inventory[i].Tonnes != nil && want.Inventory[i].Tonnes != nil {
				if d := *rep.Inventory[i].Tonnes - *want.Inventory[i].Tonnes; d < 1e-6 && d > -1e-6 {
					rep.Inventory[i].Tonnes = want.Inventory[i].Tonnes
				}
			}
		}
		if g, w := mustJSON(t, rep), mustJSON(t, want); g != w {
			t.Errorf("differs\ngot:  %s\nwant: %s\nitems %v", g, w, items)
		}
	})
	t.Run("long", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("testdata", "libreoffice-long.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := checkClean(t, b)
		if len(rep.Inventory) != 5 {
			t.Fatalf("%d values", len(rep.Inventory))
		}
		j := rep.Inventory[3]
		if j.Sector != "Jordbruk" || j.Gas != "CO2" || *j.Tonnes != 1234.5 || j.Place.Cell != "E5" {
			t.Errorf("decimal comma text: %+v", j)
		}
		if n := rep.Inventory[4]; n.Notation != "IE" || n.Comment != "Ingår i Industri" {
			t.Errorf("notation: %+v", n)
		}
	})
}

func checkClean(t *testing.T, b []byte) (*klimatrapport.Report, klimatrapport.Items) {
	t.Helper()
	rep, items, err := Check(bytes.NewReader(b), int64(len(b)), Limits{}, stdCtx)
	if err != nil {
		t.Fatal(err)
	}
	if items.HasErrors() {
		t.Fatalf("errors: %s", mustJSON(t, items))
	}
	return rep, items
}

func regenerateLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("-libreoffice needs soffice (apt-get install libreoffice-calc)")
	}
	in := t.TempDir()
	out := t.TempDir()
	for name, b := range libreOfficeInputs(t) {
		if err := os.WriteFile(filepath.Join(in, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(in, "profile"),
			"--convert-to", "xlsx", "--outdir", out, filepath.Join(in, name))
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, msg)
		}
		conv, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), conv, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// handMadeXLSX writes a minimal workbook by hand, the way small tools and
// some exporters do: no shared strings and no styles, every string an
// inline string, numbers typed as text with a decimal comma and spaces,
// dates as text, a code that lost its leading zero.
func handMadeXLSX() []byte {
	type cell struct {
		ref, val string
		num      bool
	}
	sheet := func(rows ...[]cell) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`)
		for i, r := range rows {
			fmt.Fprintf(&b, `<x:row r="%d">`, i+1)
			for _, c := range r {
				if c.num {
					fmt.Fprintf(&b, `<x:c r="%s"><x:v>%s</x:v></x:c>`, c.ref, c.val)
				} else {
					fmt.Fprintf(&b, `<x:c r="%s" t="inlineStr"><x:is><x:t xml:space="preserve">%s</x:t></x:is></x:c>`, c.ref, c.val)
				}
			}
			b.WriteString(`</x:row>`)
		}
		b.WriteString(`</x:sheetData></x:worksheet>`)
		return b.String()
	}
	s := func(ref, v string) cell { return cell{ref: ref, val: v} }
	n := func(ref, v string) cell { return cell{ref: ref, val: v, num: true} }
	details := sheet(
		[]cell{s("A1", "FÄLT"), s("B1", "värde")},
		[]cell{s("A2", " kod "), n("B2", "180")},
		[]cell{s("A3", "Namn"), s("B3", "Stockholms stad")},
		[]cell{s("A4", "Rapport år"), s("B4", "2024")},
		[]cell{s("A5", "Datum"), s("B5", "15 mars 2024")},
	)
	emissions := sheet(
		[]cell{s("A1", " sektor"), s("B1", "UNDERSEKTOR"), s("C1", "Växthus gas"), s("D1", "Källa"), s("E1", "Kommentar"), n("F1", "2021"), s("G1", "2022")},
		[]cell{s("A2", "transporter"), s("F2", "1 234,5"), s("G2", "\u00a01\u00a0000,25 ")},
		[]cell{s("A3", "Egen uppvärmning av bostäder och lokaler"), s("B3", "bostäder"), s("C3", "co2"), s("F3", "−0,0"), s("G3", "12.5")},
	)
	goals := sheet(
		[]cell{s("A1", "Mål-ID"), s("B1", "Mål"), s("C1", "Typ"), s("D1", "Sektor"), s("E1", "Basår"), s("F1", "Målår"), s("G1", "Minskning (%)"), s("H1", "Beslutat av"), s("I1", "Beslutsdatum")},
		[]cell{s("A2", "1"), s("B2", "Klimatneutralt"), s("C2", "nettonoll"), s("E2", "1990"), s("F2", "2040"), s("I2", "2020-06-11")},
	)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet3.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="details" sheetId="1" r:id="rId1"/><sheet name=" EMISSIONS " sheetId="2" r:id="rId2"/><sheet name="Goals" sheetId="3" r:id="rId3"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": details,
		"xl/worksheets/sheet2.xml": emissions,
		"xl/worksheets/sheet3.xml": goals,
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"} {
		fw, _ := w.Create(name)
		fw.Write([]byte(files[name]))
	}
	w.Close()
	return buf.Bytes()
}

// TestHandMadeInlineStrings: inline strings, prefixed XML, English and
// oddly spaced sheet and column names, numbers as text with decimal comma,
// dates as text.
func TestHandMadeInlineStrings(t *testing.T) {
	b := handMadeXLSX()
	path := filepath.Join("testdata", "inline-strings-text-numbers.xlsx")
	golden.Check(t, path, string(b))
	rep, items, err := Check(bytes.NewReader(b), int64(len(b)), Limits{}, ValidationContext{Today: date(2025, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if items.HasErrors() {
		t.Fatalf("errors: %s", mustJSON(t, items))
	}
	d := rep.Details
	if d.Code != "0180" || d.ReportYear != 2024 || d.Date != date(2024, 3, 15) || d.Name != "Stockholms stad" {
		t.Errorf("details %+v", d)
	}
	got := []string{}
	for _, v := range rep.Inventory {
		got = append(got, fmt.Sprintf("%d|%s|%s|%s|%v|%s", v.Year, v.Sector, v.Subsector, v.Gas, *v.Tonnes, v.Place.Cell))
	}
	want := []string{
		"2021|Transporter|||1234.5|F2",
		"2022|Transporter|||1000.25|G2",
		"2021|Egen uppvärmning av bostäder och lokaler|Bostäder|CO2|-0|F3",
		"2022|Egen uppvärmning av bostäder och lokaler|Bostäder|CO2|12.5|G3",
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("inventory\ngot  %v\nwant %v", got, want)
	}
	if len(rep.Goals) != 1 || rep.Goals[0].Type != klimatrapport.GoalNetZero || rep.Goals[0].DecidedOn != date(2020, 6, 11) {
		t.Errorf("goals %+v", rep.Goals)
	}
}
