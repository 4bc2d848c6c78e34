package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/golden"
)

// baseReport is sampleReport without warnings of its own: no subsector, so
// no sums to disagree.
func baseReport() *klimatrapport.Report {
	rep := sampleReport()
	var inv []klimatrapport.InventoryValue
	for _, v := range rep.Inventory {
		if v.Subsector == "" {
			inv = append(inv, v)
		}
	}
	rep.Inventory = inv
	return rep
}

// Layout of the base workbook's Utsläpp sheet (see template.go): rows 2–11
// are Transporter, Industri, Jordbruk, El och fjärrvärme, El och fjärrvärme
// CO2, Egen uppvärmning, Arbetsmaskiner, Produktanvändning, Avfall, Utrikes
// transporter; columns F=1990, G=2005, H=2010 … R=2020, S=2021, T=2022,
// U=2023, V=2024.
func baseWorkbook(t testing.TB, edit func(f *excelize.File)) []byte {
	t.Helper()
	b := templateBytes(t, TemplateOptions{Year: 2024, Prefill: baseReport()})
	if edit == nil {
		return b
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	edit(f)
	return workbookBytes(t, f)
}

func set(t testing.TB, f *excelize.File, sheet string, kv ...any) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := f.SetCellValue(sheet, kv[i].(string), kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

// longWorkbook writes an Utsläpp sheet in the long layout plus Uppgifter.
func longWorkbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Uppgifter")
	set(t, f, "Uppgifter", "A1", "Fält", "B1", "Värde", "A2", "Kod", "B2", "1281", "A3", "Rapportår", "B3", 2024)
	f.NewSheet("Utsläpp")
	head := []any{"År", "Sektor", "Undersektor", "Växthusgas", "Utsläpp (ton CO2e)", "Källa", "Kommentar"}
	if err := f.SetSheetRow("Utsläpp", "A1", &head); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Utsläpp", fmt.Sprintf("A%d", i+2), &r); err != nil {
			t.Fatal(err)
		}
	}
	return workbookBytes(t, f)
}

// smhiWorkbook writes a small file in SMHI's export layout.
func smhiWorkbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	s := "Koldioxid (CO2)"
	f.SetSheetName("Sheet1", s)
	set(t, f, s, "A1", "Rapportnamn:", "B1", "Länsrapport, 2024-04-18", "A2", "Emissioner av Koldioxid (CO2)", "A3", "Enhet: ton/år")
	years := []any{"", "", "", "", 2020, 2021, 2022}
	head := []any{"Huvudsektor", "Undersektor", "Län", "Kommun", "CO2", "CO2", "CO2"}
	f.SetSheetRow(s, "A5", &years)
	f.SetSheetRow(s, "A6", &head)
	for i, r := range rows {
		f.SetSheetRow(s, fmt.Sprintf("A%d", i+7), &r)
	}
	return workbookBytes(t, f)
}

// cfb builds a minimal Compound File Binary container (the wrapper of .xls
// files and of encrypted .xlsx files) holding the named streams, each 4 KiB
// so that no mini stream is needed.
func cfb(names ...string) []byte {
	const sector = 512
	const end, free, fatSect, noStream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
	streamSectors := 8
	nSectors := 2 + len(names)*streamSectors
	le := binary.LittleEndian
	hdr := make([]byte, sector)
	copy(hdr, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(hdr[24:], 0x3E)
	le.PutUint16(hdr[26:], 3)
	le.PutUint16(hdr[28:], 0xFFFE)
	le.PutUint16(hdr[30:], 9)
	le.PutUint16(hdr[32:], 6)
	le.PutUint32(hdr[44:], 1) // FAT sectors
	le.PutUint32(hdr[48:], 1) // first directory sector
	le.PutUint32(hdr[56:], 4096)
	le.PutUint32(hdr[60:], end)
	le.PutUint32(hdr[68:], end)
	for i := 0; i < 109; i++ {
		le.PutUint32(hdr[76+4*i:], free)
	}
	le.PutUint32(hdr[76:], 0)
	fat := make([]byte, sector)
	for i := 0; i < sector/4; i++ {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	le.PutUint32(fat[4:], end)
	for n := range names {
		first := 2 + n*streamSectors
		for s := first; s < first+streamSectors; s++ {
			next := uint32(s + 1)
			if s == first+streamSectors-1 {
				next = end
			}
			le.PutUint32(fat[4*s:], next)
		}
	}
	dir := make([]byte, sector)
	entry := func(i int, name string, typ byte, child, right uint32, start uint32, size uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66] = typ
		e[67] = 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint32(e[120:], size)
	}
	entry(0, "Root Entry", 5, 1, noStream, end, 0)
	for n, name := range names {
		right := uint32(noStream)
		if n+1 < len(names) {
			right = uint32(n + 2)
		}
		entry(n+1, name, 2, noStream, right, uint32(2+n*streamSectors), uint32(streamSectors*sector))
	}
	for i := len(names) + 1; i < 4; i++ {
		le.PutUint32(dir[128*i+68:], noStream)
		le.PutUint32(dir[128*i+72:], noStream)
		le.PutUint32(dir[128*i+76:], noStream)
	}
	out := append(append(hdr, fat...), dir...)
	out = append(out, make([]byte, (nSectors-2)*sector)...)
	return out
}

func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		method := zip.Deflate
		if files[i] == "mimetype" {
			method = zip.Store
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: files[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(files[i+1]))
	}
	w.Close()
	return buf.Bytes()
}

type corpusCase struct {
	name    string
	code    string // the item code the case shows
	problem string // or the file problem it shows
	file    func(t testing.TB) []byte
	lim     Limits
	ctx     ValidationContext
}

func knownCodes(code string) bool { return code == "1281" || code == "1280" || code == "12" }

var stdCtx = ValidationContext{UploaderCode: "1281", Today: date(2025, 5, 1), KnownCode: knownCodes}

// corpus is one file per rule and per kind of broken file.
func corpus() []corpusCase {
	return slices.Concat(contentCases(), checkCases(), brokenFileCases())
}

// edit makes a case's file: the base workbook changed by fn.
func edit(fn func(t testing.TB, f *excelize.File)) func(t testing.TB) []byte {
	return func(t testing.TB) []byte {
		return baseWorkbook(t, func(f *excelize.File) { fn(t, f) })
	}
}

// contentCases: valid files, and the rules about structure, who reports
// and inventory cells.
func contentCases() []corpusCase {
	E := SheetEmissions
	return []corpusCase{
		{name: "valid_template", file: edit(func(t testing.TB, f *excelize.File) {})},
		{name: "valid_long_layout", file: func(t testing.TB) []byte {
			return longWorkbook(t, [][]any{
				{2020, "Transporter", "", "", 104036.6, "SMHI", ""},
				{2020, "Transporter", "Personbilar", "", 74023.8, "SMHI", ""},
				{2020, "Transporter", "Tunga lastbilar", "", 30012.8, "SMHI", ""},
				{2021, "jordbruk", "", "co2", "1 234,5", "", ""},
				{2022, "Jordbruk", "", "", "IE", "", "Ingår i Industri"},
			})
		}},
		// Structure
		{name: "missing_sheet_details", code: CodeMissingSheet, file: edit(func(t testing.TB, f *excelize.File) { f.DeleteSheet(SheetDetails) })},
		{name: "missing_sheet_emissions", code: CodeMissingSheet, file: edit(func(t testing.TB, f *excelize.File) { f.DeleteSheet(E) })},
		{name: "missing_column", code: CodeMissingColumn, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "E1", "Bas") })},
		{name: "unknown_column", code: CodeUnknownColumn, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetMeasures, "J1", "Anteckning") })},
		{name: "formula_without_value", code: CodeFormula, file: edit(func(t testing.TB, f *excelize.File) {
			if err := f.SetCellFormula(E, "U2", "T2*0.9"); err != nil {
				t.Fatal(err)
			}
		})},
		{name: "no_data", code: CodeNoData, file: func(t testing.TB) []byte {
			return templateBytes(t, TemplateOptions{Code: "1281", Year: 2024})
		}},
		// Who and when
		{name: "missing_code", code: CodeMissingValue, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B2", nil) })},
		{name: "invalid_code", code: CodeInvalidCode, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B2", "Lund") })},
		{name: "unknown_municipality", code: CodeUnknownMunicipality, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B2", "9999") }),
			ctx: ValidationContext{Today: date(2025, 5, 1), KnownCode: knownCodes}},
		{name: "wrong_municipality", code: CodeWrongMunicipality, file: edit(func(t testing.TB, f *excelize.File) {}),
			ctx: ValidationContext{UploaderCode: "1280", Today: date(2025, 5, 1), KnownCode: knownCodes}},
		{name: "report_year_in_future", code: CodeFutureReportYear, file: edit(func(t testing.TB, f *excelize.File) {}),
			ctx: ValidationContext{UploaderCode: "1281", Today: date(2023, 12, 31), KnownCode: knownCodes}},
		{name: "missing_report_year", code: CodeMissingValue, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B4", nil) })},
		{name: "report_year_not_a_year", code: CodeNotAYear, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B4", "i år") })},
		{name: "invalid_date", code: CodeBadDate, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetDetails, "B8", "igår") })},
		// Inventory
		{name: "unknown_sector", code: CodeUnknownSector, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "A20", "Transportr", "R20", 5) })},
		{name: "unknown_sector_is_subsector", code: CodeUnknownSector, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "A20", "Personbilar", "R20", 5) })},
		{name: "missing_sector", code: CodeMissingValue, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "B20", "Personbilar", "R20", 5) })},
		{name: "unknown_subsector", code: CodeUnknownSubsector, file: edit(func(t testing.TB, f *excelize.File) {
			set(t, f, E, "A20", "Transporter", "B20", "Personbiler", "R20", 5)
		})},
		{name: "subsector_of_other_sector", code: CodeUnknownSubsector, file: edit(func(t testing.TB, f *excelize.File) {
			set(t, f, E, "A20", "Jordbruk", "B20", "Personbilar", "R20", 5)
		})},
		{name: "subsector_of_total_only_sector", code: CodeUnknownSubsector, file: edit(func(t testing.TB, f *excelize.File) {
			set(t, f, E, "A20", "El och fjärrvärme", "B20", "Kraftvärme", "R20", 5)
		})},
		{name: "unknown_gas", code: CodeUnknownGas, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "A20", "Transporter", "C20", "CO3", "R20", 5) })},
		{name: "year_after_report_year", code: CodeYearOutOfRange, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "W1", 2025, "W2", 5) })},
		{name: "year_before_1990", code: CodeYearOutOfRange, file: func(t testing.TB) []byte {
			return longWorkbook(t, [][]any{{1985, "Transporter", "", "", 5, "", ""}})
		}},
		{name: "year_not_a_year", code: CodeNotAYear, file: func(t testing.TB) []byte {
			return longWorkbook(t, [][]any{{"tjugotjugo", "Transporter", "", "", 5, "", ""}})
		}},
		{name: "not_a_number", code: CodeNotANumber, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "R3", "mycket") })},
		{name: "formula_error_value", code: CodeNotANumber, file: edit(func(t testing.TB, f *excelize.File) {
			// a formula whose saved result is an error
			f.SetCellFormula(E, "R3", "1/0")
			ws := "R3"
			f.SetCellStr(E, ws, "#DIV/0!")
		})},
		{name: "negative_value", code: CodeNegative, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "R3", -5) })},
		{name: "notation_without_comment", code: CodeNotationNoComment, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "R3", "NE") })},
		{name: "duplicate_value", code: CodeDuplicateValue, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "A20", "Transporter", "R20", 5) })},
		{name: "duplicate_value_long", code: CodeDuplicateValue, file: func(t testing.TB) []byte {
			return longWorkbook(t, [][]any{
				{2020, "Transporter", "", "", 5, "", ""},
				{2021, "Transporter", "", "", 5, "", ""},
				{2020, "transporter", "Alla", "", 6, "", ""},
			})
		}},
	}
}

// checkCases: the warnings, goals, plans and measures, and SMHI's layout.
func checkCases() []corpusCase {
	E := SheetEmissions
	return []corpusCase{
		// Warnings
		{name: "sum_mismatch", code: CodeSumMismatch, file: edit(func(t testing.TB, f *excelize.File) {
			set(t, f, E, "A20", "Transporter", "B20", "Personbilar", "R20", 74023.8, "A21", "Transporter", "B21", "Bussar", "R21", 50000)
		})},
		{name: "jump", code: CodeJump, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "T2", 20000) })},
		{name: "smhi_difference", code: CodeSMHIDifference, file: edit(func(t testing.TB, f *excelize.File) {}),
			ctx: ValidationContext{UploaderCode: "1281", Today: date(2025, 5, 1), KnownCode: knownCodes,
				SMHI: func(code string, year int, sector string) (float64, bool) {
					if code == "1281" && year == 2020 && sector == "Transporter" {
						return 150000, true
					}
					return 0, false
				}}},
		// Goals, plans, measures
		{name: "goal_base_year_not_before_target", code: CodeGoalYears, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "E2", 2030) })},
		{name: "goal_reduction_out_of_range", code: CodeGoalReduction, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "G2", 150) })},
		{name: "goal_reduction_zero", code: CodeGoalReduction, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "G2", 0) })},
		{name: "goal_reduction_fraction", code: CodeGoalReductionShare, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "G2", 0.5) })},
		{name: "goal_type_unknown", code: CodeGoalType, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "C2", "Relativ minskning") })},
		{name: "goal_missing_values", code: CodeMissingValue, file: edit(func(t testing.TB, f *excelize.File) {
			set(t, f, SheetGoals, "A4", "M3", "B4", "Ett mål utan siffror")
		})},
		{name: "goal_not_a_year", code: CodeNotAYear, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "E2", "nittonhundranittio") })},
		{name: "duplicate_id", code: CodeDuplicateID, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetGoals, "A3", "m1") })},
		{name: "plan_years_reversed", code: CodePlanYears, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetPlans, "D2", 2031) })},
		{name: "measure_status_unknown", code: CodeMeasureStatus, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetMeasures, "D2", "Klar") })},
		{name: "measure_start_after_end", code: CodeMeasureYears, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetMeasures, "E2", 2027) })},
		{name: "measure_negative_reduction", code: CodeNegative, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, SheetMeasures, "G2", -3) })},
		// SMHI layout
		{name: "smhi_several_municipalities", code: CodeSeveralMunicipalities, file: func(t testing.TB) []byte {
			return smhiWorkbook(t, [][]any{
				{"Alla", "Alla", "Skåne län", "Lund", 100, 100, 100},
				{"Transporter", "Alla", "Skåne län", "Lund", 100, 100, 100},
				{"Transporter", "Alla", "Skåne län", "Malmö", 300, 300, 300},
			})
		}, lim: Limits{NameToCode: func(n string) (string, bool) { return map[string]string{"Lund": "1281"}[n], n == "Lund" }}},
		{name: "smhi_unresolved_name", code: CodeUnknownMunicipality, file: func(t testing.TB) []byte {
			return smhiWorkbook(t, [][]any{{"Transporter", "Alla", "Skåne län", "Lund", 100, 100, 100}})
		}},
	}
}

// brokenFileCases: files that cannot be read as a workbook at all.
func brokenFileCases() []corpusCase {
	E := SheetEmissions
	return []corpusCase{
		// Broken files
		{name: "file_xls", problem: ProblemXLS, file: func(t testing.TB) []byte { return cfb("Workbook", "\x05SummaryInformation") }},
		{name: "file_encrypted", problem: ProblemEncrypted, file: func(t testing.TB) []byte { return cfb("EncryptionInfo", "EncryptedPackage") }},
		{name: "file_ods", problem: ProblemODS, file: func(t testing.TB) []byte {
			return zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<office:document-content/>")
		}},
		{name: "file_docx", problem: ProblemNotWorkbook, file: func(t testing.TB) []byte {
			return zipOf(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>")
		}},
		{name: "file_csv", problem: ProblemText, file: func(t testing.TB) []byte { return []byte("Sektor;År;Utsläpp\nTransporter;2020;1234,5\n") }},
		{name: "file_csv_utf16", problem: ProblemText, file: func(t testing.TB) []byte { return []byte("\xff\xfeS\x00e\x00k\x00t\x00o\x00r\x00") }},
		{name: "file_html", problem: ProblemHTML, file: func(t testing.TB) []byte {
			return []byte("<html><body><table><tr><td>Transporter</td></tr></table></body></html>")
		}},
		{name: "file_pdf", problem: ProblemPDF, file: func(t testing.TB) []byte { return []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n") }},
		{name: "file_png", problem: ProblemImage, file: func(t testing.TB) []byte { return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01") }},
		{name: "file_jpeg", problem: ProblemImage, file: func(t testing.TB) []byte { return []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01") }},
		{name: "file_truncated", problem: ProblemTruncated, file: func(t testing.TB) []byte {
			b := baseWorkbook(t, nil)
			return b[:len(b)/2]
		}},
		{name: "file_empty", problem: ProblemEmptyFile, file: func(t testing.TB) []byte { return nil }},
		{name: "file_binary", problem: ProblemUnknown, file: func(t testing.TB) []byte { return []byte{0, 1, 2, 3, 4, 5, 0xfe, 0x00, 0x99} }},
		{name: "workbook_no_known_sheet", problem: ProblemNoKnownSheet, file: func(t testing.TB) []byte {
			f := excelize.NewFile()
			f.SetCellValue("Sheet1", "A1", "Hej")
			return workbookBytes(t, f)
		}},
		{name: "workbook_empty", problem: ProblemNoData, file: func(t testing.TB) []byte {
			f := excelize.NewFile()
			f.SetSheetName("Sheet1", "Utsläpp")
			f.NewSheet("Mål")
			return workbookBytes(t, f)
		}},
		{name: "file_too_large", problem: ProblemTooLarge, file: func(t testing.TB) []byte { return baseWorkbook(t, nil) }, lim: Limits{MaxBytes: 2000}},
		{name: "zip_bomb", problem: ProblemUnzipLimit, file: func(t testing.TB) []byte {
			b := baseWorkbook(t, nil)
			r, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			var buf bytes.Buffer
			w := zip.NewWriter(&buf)
			for _, f := range r.File {
				fw, _ := w.Create(f.Name)
				rc, _ := f.Open()
				var content bytes.Buffer
				content.ReadFrom(rc)
				rc.Close()
				fw.Write(content.Bytes())
			}
			fw, _ := w.Create("xl/media/bomb.bin")
			fw.Write(make([]byte, 8<<20))
			w.Close()
			return buf.Bytes()
		}, lim: Limits{UnzipSizeLimit: 4 << 20, UnzipXMLSizeLimit: 1 << 20}},
		{name: "too_many_rows", problem: ProblemTooManyRows, file: func(t testing.TB) []byte {
			rows := make([][]any, 60)
			for i := range rows {
				rows[i] = []any{1990 + i%30, "Transporter", "", "", i, "", ""}
			}
			return longWorkbook(t, rows)
		}, lim: Limits{MaxRows: 50}},
		{name: "timeout", problem: ProblemTimeout, file: func(t testing.TB) []byte { return baseWorkbook(t, nil) }, lim: Limits{Timeout: time.Nanosecond}},
		{name: "too_many_columns", problem: ProblemTooManyCols, file: edit(func(t testing.TB, f *excelize.File) { set(t, f, E, "ZZ5", "x") }), lim: Limits{MaxCols: 100}},
	}
}

// caseResult is what a corpus case gives, as its golden file holds it.
type caseResult struct {
	Error *goldenError        `json:"error,omitempty"`
	Items klimatrapport.Items `json:"items"`
}

type goldenError struct {
	Kind    string `json:"kind"`
	Problem string `json:"problem"`
	Message string `json:"message"`
}

func runCase(t testing.TB, c corpusCase, b []byte) caseResult {
	ctx := c.ctx
	if ctx.Today.IsZero() && ctx.KnownCode == nil {
		ctx = stdCtx
	}
	items, err := Ingest(bytes.NewReader(b), int64(len(b)), c.lim, ctx, nil)
	if err != nil {
		return caseResult{Error: &goldenError{Kind: klimatrapport.KindOf(err).String(), Problem: FileProblem(err), Message: klimatrapport.MessageOf(err)}, Items: klimatrapport.Items{}}
	}
	if items == nil {
		items = klimatrapport.Items{}
	}
	return caseResult{Items: items}
}

// TestCorpus checks each generated file against its golden validation
// report in testdata/golden (go test -run TestCorpus -update rewrites them).
func TestCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	seen := map[string]bool{}
	for _, c := range corpus() {
		t.Run(c.name, func(t *testing.T) {
			if seen[c.name] {
				t.Fatalf("duplicate case %s", c.name)
			}
			seen[c.name] = true
			b := c.file(t)
			g := runCase(t, c, b)
			got, _ := json.MarshalIndent(g, "", "  ")
			got = append(got, '\n')
			golden.Check(t, filepath.Join(dir, c.name+".json"), string(got))
			// Each case must show what it is named after.
			checkCaseShowsRule(t, c, g)
			// Parse and Ingest agree.
			parsed, err := Parse(bytes.NewReader(b), int64(len(b)), c.lim)
			if (err != nil) != (g.Error != nil) {
				t.Fatalf("Parse error %v, Ingest error %v", err, g.Error)
			}
			if err == nil {
				ctx := c.ctx
				if ctx.Today.IsZero() && ctx.KnownCode == nil {
					ctx = stdCtx
				}
				v := Validate(parsed, ctx)
				if a, b := mustJSON(t, v), mustJSON(t, g.Items); a != b {
					t.Errorf("Parse+Validate differs from Ingest:\n%s\n%s", a, b)
				}
			}
		})
	}
}

// checkCaseShowsRule: a case produces the item code or file problem it
// says it shows; valid cases have no errors.
func checkCaseShowsRule(t testing.TB, c corpusCase, g caseResult) {
	t.Helper()
	switch {
	case strings.HasPrefix(c.name, "valid_"):
		if g.Error != nil || g.Items.HasErrors() {
			t.Errorf("valid file rejected: %+v", g)
		}
	case c.problem != "":
		if g.Error == nil || g.Error.Problem != c.problem {
			t.Errorf("want file problem %s, got %+v", c.problem, g.Error)
		}
	case c.code != "":
		if g.Error != nil || !slices.ContainsFunc(g.Items, func(it klimatrapport.Item) bool { return it.Code == c.code }) {
			t.Errorf("want item %s, got %+v", c.code, g)
		}
	default:
		t.Errorf("case %s has no expectation", c.name)
	}
}

// Every message is Swedish-looking and every error says what to do.
func TestMessagesAreSwedish(t *testing.T) {
	for _, c := range corpus() {
		g := runCase(t, c, c.file(t))
		msgs := []string{}
		if g.Error != nil {
			msgs = append(msgs, g.Error.Message)
		}
		for _, it := range g.Items {
			msgs = append(msgs, it.Message)
		}
		for _, m := range msgs {
			if m == "" || strings.Contains(m, "%!") || strings.Contains(m, "<nil>") {
				t.Errorf("%s: bad message %q", c.name, m)
			}
		}
	}
}
