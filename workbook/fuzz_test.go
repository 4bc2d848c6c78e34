package workbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
)

// FuzzParse feeds arbitrary bytes to Parse and Validate. Whatever comes in,
// the answer is a file-level *klimatrapport.Error of kind Invalid or
// TooLarge, or a report with well-formed items; never a panic (which Parse
// would turn into ProblemInternal, so that counts as a failure here too).
func FuzzParse(f *testing.F) {
	for _, c := range corpus() {
		f.Add(c.file(f))
	}
	f.Add(handMadeXLSX())
	for _, name := range []string{"libreoffice-wide.xlsx", "libreoffice-long.xlsx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := Limits{Timeout: 20 * time.Second, MaxRows: 20000, UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 8 << 20}
		parsed, err := Parse(bytes.NewReader(b), int64(len(b)), lim)
		if err != nil {
			var e *klimatrapport.Error
			if !errors.As(err, &e) || (e.Kind != klimatrapport.Invalid && e.Kind != klimatrapport.TooLarge) || e.Message == "" {
				t.Fatalf("unexpected error %#v", err)
			}
			if p := FileProblem(err); p == ProblemInternal || p == "" {
				t.Fatalf("parser panicked or gave no problem code: %v", err)
			}
			return
		}
		all := Validate(parsed, ValidationContext{UploaderCode: "1281", Today: date(2025, 1, 1), KnownCode: knownCodes,
			SMHI: func(string, int, string) (float64, bool) { return 100, true }})
		for _, it := range all {
			if it.Message == "" || it.Code == "" || (it.Severity != klimatrapport.SeverityError && it.Severity != klimatrapport.SeverityWarning) {
				t.Fatalf("bad item %+v", it)
			}
		}
		if len(all) > 50*maxItemsPerCode {
			t.Fatalf("%d items", len(all))
		}
	})
}

// minimalXLSX writes a workbook with no styles or shared strings holding
// the given sheets (name, worksheet XML).
func minimalXLSX(sheets ...[2]string) []byte {
	var ct, wb, rels strings.Builder
	for i, sh := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, sh[0], i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	put := func(name, content string) {
		fw, _ := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		io.WriteString(fw, content)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct.String()+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+wb.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	for i, sh := range sheets {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), sh[1])
	}
	w.Close()
	return buf.Bytes()
}

const fuzzDetailsSheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>Kod</t></is></c><c r="B1" t="inlineStr"><is><t>1281</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>Rapportår</t></is></c><c r="B2"><v>2024</v></c></row></sheetData></worksheet>`

// FuzzParseSheet fuzzes the XML of the Utsläpp sheet inside an otherwise
// valid, minimal workbook (FuzzParse mostly stops at the zip checksums), so
// the cell, row, header, layout and formula code is explored.
func FuzzParseSheet(f *testing.F) {
	is := func(ref, s string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + s + `</t></is></c>` }
	num := func(ref, v string) string { return `<c r="` + ref + `"><v>` + v + `</v></c>` }
	head := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	tail := `</sheetData></worksheet>`
	wide := head + `<row r="1">` + is("A1", "Sektor") + is("B1", "Undersektor") + is("C1", "Växthusgas") + is("D1", "Källa") + is("E1", "Kommentar") + num("F1", "2020") + num("G1", "2021") + `</row>` +
		`<row r="2">` + is("A2", "Transporter") + num("F2", "104036.6") + `<c r="G2"><f>F2*0.9</f></c></row>` +
		`<row r="3">` + is("A3", "Transporter") + is("B3", "Personbilar") + is("C3", "CO2") + is("F3", "1 234,5") + is("G3", "NE") + `</row>` +
		`<row r="5">` + is("A5", "Transportr") + num("F5", "-5") + `<c r="G5" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` + tail
	long := head + `<row r="1">` + is("A1", "År") + is("B1", "Sektor") + is("C1", "Undersektor") + is("D1", "Växthusgas") + is("E1", "Utsläpp (ton CO2e)") + is("F1", "Kommentar") + `</row>` +
		`<row r="2">` + num("A2", "2020") + is("B2", "Jordbruk") + num("E2", "12.5") + `</row>` +
		`<row r="3">` + num("A3", "2020") + is("B3", "jordbruk") + is("C3", "Alla") + is("E3", "IE") + is("F3", "Ingår") + `</row>` + tail
	smhi := head + `<row r="5">` + num("E5", "2020") + num("F5", "2021") + `</row><row r="6">` + is("A6", "Huvudsektor") + is("B6", "Undersektor") + is("C6", "Län") + is("D6", "Kommun") + is("E6", "CO2") + is("F6", "CO2") + `</row>` +
		`<row r="7">` + is("A7", "Alla") + is("B7", "Alla") + is("C7", "Skåne län") + is("D7", "Lund") + num("E7", "100") + num("F7", "90") + `</row>` +
		`<row r="8">` + is("A8", "Transporter") + is("B8", "Alla") + is("C8", "Skåne län") + is("D8", "Lund") + num("E8", "100") + num("F8", "90") + `</row>` + tail
	for _, s := range []string{wide, long, smhi, strings.ReplaceAll(wide, "<c ", "<x:c ")} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, sheet []byte) {
		b := minimalXLSX([2]string{"Uppgifter", fuzzDetailsSheet}, [2]string{"Utsläpp", string(sheet)})
		lim := Limits{Timeout: 20 * time.Second, MaxRows: 20000}
		parsed, err := Parse(bytes.NewReader(b), int64(len(b)), lim)
		if err != nil {
			if p := FileProblem(err); p == ProblemInternal || p == "" {
				t.Fatalf("parser panicked or gave no problem code: %v", err)
			}
			return
		}
		for _, it := range Validate(parsed, ValidationContext{Today: date(2025, 1, 1)}) {
			if it.Message == "" || it.Code == "" {
				t.Fatalf("bad item %+v", it)
			}
		}
	})
}
