package workbook

import (
	"bytes"
	"maps"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
)

// smhiSample is SMHI's sample export in shared/ beside the repository.
func smhiSample(t testing.TB) string { return samples.Path(t, samples.SMHI) }

// cutMunicipality copies the title and header rows and one municipality's
// rows of SMHI's export into a new workbook in the same layout, and returns
// it with the municipality's rows as read from the original.
func cutMunicipality(t testing.TB, path, name string) ([]byte, [][]string) {
	t.Helper()
	return cutRows(t, path, func(cells []string) bool { return cells[3] == name })
}

// cutRows is cutMunicipality for the data rows keep picks (their cells
// as in the original; each has at least four).
func cutRows(t testing.TB, path string, keep func(cells []string) bool) ([]byte, [][]string) {
	t.Helper()
	src, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sheet := src.GetSheetList()[0]
	rows, err := src.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	dst := excelize.NewFile()
	dst.SetSheetName("Sheet1", sheet)
	sw, err := dst.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var kept [][]string
	n, out := 0, 0
	for rows.Next() {
		n++
		cells, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		header := n <= 6
		if !header && (len(cells) < 4 || !keep(cells)) {
			continue
		}
		if !header {
			kept = append(kept, cells)
		}
		row := make([]any, len(cells))
		for i, c := range cells {
			if i >= 4 && !header {
				v, ok := parseNumber(c)
				if !ok {
					t.Fatalf("row %d: %q", n, c)
				}
				row[i] = v
			} else if y, ok := isYearHeader(c); ok && n == 5 {
				row[i] = y
			} else {
				row[i] = c
			}
		}
		out++
		cell, _ := excelize.CoordinatesToCellName(1, out)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	return workbookBytes(t, dst), kept
}

// TestSMHIExportCut: Lund's rows cut out of SMHI's real export are accepted
// as Lund's inventory, and the sums match the file.
func TestSMHIExportCut(t *testing.T) {
	path := smhiSample(t)
	b, kept := cutMunicipality(t, path, "Lund")
	if len(kept) != 62 {
		t.Fatalf("kept %d rows of Lund, want 62", len(kept))
	}
	lim := Limits{NameToCode: func(n string) (string, bool) { return "1281", n == "Lund" }}
	rep, items, err := Check(bytes.NewReader(b), int64(len(b)), lim,
		ValidationContext{UploaderCode: "1281", Today: date(2024, 5, 1), KnownCode: knownCodes})
	if err != nil {
		t.Fatal(err)
	}
	if items.HasErrors() {
		t.Fatalf("rejected: %s", mustJSON(t, items))
	}
	for _, it := range items {
		t.Logf("%s %s %s: %s", it.Severity, it.Code, it.Cell, it.Message)
	}
	if !rep.FromSMHI || rep.Details.Code != "1281" || rep.Details.Name != "Lund" || rep.Details.ReportYear != 2022 {
		t.Fatalf("details %+v from SMHI %v", rep.Details, rep.FromSMHI)
	}
	years := []int{1990, 2000, 2005, 2010, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022}
	// The original's municipality total, per year.
	var total []float64
	sumAll := 0.0 // every sector and subsector value of Lund in the original
	for _, r := range kept {
		if r[0] == "Alla" {
			for i := range years {
				v, _ := parseNumber(r[4+i])
				total = append(total, v)
			}
			continue
		}
		for i := range years {
			v, _ := parseNumber(r[4+i])
			sumAll += v
		}
	}
	sectorSum := map[int]float64{}
	parsedAll := 0.0
	for _, v := range rep.Inventory {
		if v.Gas != "CO2" || v.Source != "SMHI 2024-04-18" || v.Tonnes == nil {
			t.Fatalf("value %+v", v)
		}
		parsedAll += *v.Tonnes
		if v.Subsector == "" {
			sectorSum[v.Year] += *v.Tonnes
		}
	}
	if len(rep.Inventory) != 61*len(years) {
		t.Errorf("%d values, want %d", len(rep.Inventory), 61*len(years))
	}
	for i, y := range years {
		if math.Abs(sectorSum[y]-total[i]) > 1e-6*total[i] {
			t.Errorf("%d: sectors sum to %f, SMHI's total is %f", y, sectorSum[y], total[i])
		}
	}
	if math.Abs(parsedAll-sumAll) > 1e-9*sumAll {
		t.Errorf("parsed values sum to %f, the file's to %f", parsedAll, sumAll)
	}
	// SMHI's typos are normalised.
	found := false
	for _, v := range rep.Inventory {
		if v.Sector == "Egen uppvärmning av bostäder och lokaler" && v.Subsector == "Bostäder" && v.Year == 2022 {
			found = math.Abs(*v.Tonnes-1519.22178532595) < 1e-9
		}
		if v.Subsector == "Slitage fran däck och bromsar" {
			t.Errorf("typo kept: %+v", v)
		}
	}
	if !found {
		t.Error("Egen uppvärmning / Bostäder 2022 not found")
	}
}

// TestSubsectorTable: the domain package's sector table matches the sample
// file (after normalising SMHI's spellings). That loose keys do not collide
// is the domain package's own TestSectorTree.
func TestSubsectorTable(t *testing.T) {
	path := smhiSample(t)
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.Rows(f.GetSheetList()[0])
	defer rows.Close()
	want := map[string][]string{}
	seen := map[string]bool{}
	for n := 1; rows.Next(); n++ {
		c, _ := rows.Columns()
		if n <= 6 || len(c) < 2 || c[0] == "Alla" || seen[c[0]+"|"+c[1]] {
			continue
		}
		seen[c[0]+"|"+c[1]] = true
		s, ok := klimatrapport.MainSector(c[0])
		if !ok {
			t.Errorf("sector %q not recognised", c[0])
			continue
		}
		if c[1] == "Alla" {
			continue
		}
		sub, ok := klimatrapport.Subsector(s, c[1])
		if !ok {
			t.Errorf("subsector %q / %q not recognised", s, c[1])
		}
		want[s] = append(want[s], sub)
	}
	for _, s := range klimatrapport.MainSectors() {
		if mustJSON(t, want[s]) != mustJSON(t, klimatrapport.Subsectors(s)) && !(len(want[s]) == 0 && len(klimatrapport.Subsectors(s)) == 0) {
			t.Errorf("%s: file %v, table %v", s, want[s], klimatrapport.Subsectors(s))
		}
	}
}

// TestSMHISameFiguresBothPaths: a municipality's rows of SMHI's real files
// give exactly the same figures uploaded by the member (this package's
// reader feeding smhi.Reader) as in the national import (smhi.Parse over
// excelize): every main sector and subsector, every year, bit for bit.
func TestSMHISameFiguresBothPaths(t *testing.T) {
	names := scbNames(t)
	for _, c := range []struct {
		file, name, code, gas, source string
		today                         time.Time
	}{
		{samples.SMHI, "Lund", "1281", "CO2", "SMHI 2024-04-18", date(2024, 5, 1)},
		{samples.SMHI, "Kumla", "1881", "CO2", "SMHI 2024-04-18", date(2024, 5, 1)},
		{samples.GGT, "Lund", "1281", "", "SMHI 2026-04-15", date(2026, 5, 1)},
		{samples.GGT, "Göteborg", "1480", "", "SMHI 2026-04-15", date(2026, 5, 1)},
	} {
		t.Run(c.file+"/"+c.name, func(t *testing.T) {
			path := samples.Path(t, c.file)
			type key struct {
				year              int
				sector, subsector string
			}
			national := map[key]float64{}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := smhi.Parse(bytes.NewReader(b), names, func(r smhi.Row) error {
				if r.AreaCode == c.code && r.MainSector != "" {
					for _, v := range r.Values {
						national[key{v.Year, r.MainSector, r.Subsector}] = v.Tonnes
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			cut, _ := cutMunicipality(t, path, c.name)
			lim := Limits{NameToCode: names.Municipality}
			rep, items, err := Check(bytes.NewReader(cut), int64(len(cut)), lim,
				ValidationContext{UploaderCode: c.code, Today: c.today, KnownCode: func(string) bool { return true }})
			if err != nil {
				t.Fatal(err)
			}
			if items.HasErrors() || rep.Details.Code != c.code {
				t.Fatalf("upload rejected (code %q): %s", rep.Details.Code, mustJSON(t, items))
			}
			if len(rep.Inventory) != len(national) || len(national) == 0 {
				t.Errorf("upload has %d values, the national import %d", len(rep.Inventory), len(national))
			}
			for _, v := range rep.Inventory {
				want, ok := national[key{v.Year, v.Sector, v.Subsector}]
				if !ok || v.Tonnes == nil || *v.Tonnes != want || v.Gas != c.gas || v.Source != c.source {
					t.Errorf("upload %d %s / %s: %v %q %q; national import %v (%v)", v.Year, v.Sector, v.Subsector, v.Tonnes, v.Gas, v.Source, want, ok)
				}
			}
		})
	}
}

// TestSMHITypedNumbersBothPaths: numbers typed as text in SMHI's layout
// ("1 234,5", "1.234.567,8", "1,234.5") are read by the one number rule on
// both paths, and a cell that is not a number is an error on both, at the
// same cell.
func TestSMHITypedNumbersBothPaths(t *testing.T) {
	names := scbNames(t)
	file := func(cells ...any) []byte {
		return smhiTestWorkbook(t, [][]any{
			{"Alla", "Alla", "Skåne län", "Lund", cells[0], cells[1], cells[2]},
			{"Transporter", "Alla", "Skåne län", "Lund", cells[0], cells[1], cells[2]},
		})
	}
	good := file("1 234,5", "1.234.567,8", "1,234.5")
	var national []float64
	if _, err := smhi.Parse(bytes.NewReader(good), names, func(r smhi.Row) error {
		if r.MainSector != "" {
			for _, v := range r.Values {
				national = append(national, v.Tonnes)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	ctx := ValidationContext{UploaderCode: "1281", Today: date(2024, 5, 1), KnownCode: knownCodes}
	rep, items, err := Check(bytes.NewReader(good), int64(len(good)), Limits{NameToCode: names.Municipality}, ctx)
	if err != nil || items.HasErrors() {
		t.Fatalf("upload: %v %s", err, mustJSON(t, items))
	}
	var upload []float64
	for _, v := range rep.Inventory {
		upload = append(upload, *v.Tonnes)
	}
	if want := []float64{1234.5, 1234567.8, 1234.5}; !slices.Equal(national, want) || !slices.Equal(upload, want) {
		t.Errorf("national import %v, upload %v, want %v", national, upload, want)
	}

	bad := file("12", "-", "7")
	_, err = smhi.Parse(bytes.NewReader(bad), names, func(smhi.Row) error { return nil })
	code, place, _ := smhi.PlaceOf(err)
	_, items, err2 := Check(bytes.NewReader(bad), int64(len(bad)), Limits{NameToCode: names.Municipality}, ctx)
	if err2 != nil {
		t.Fatal(err2)
	}
	upCells := map[string]string{}
	for _, it := range items {
		if it.Severity == klimatrapport.SeverityError {
			upCells[it.Cell] = it.Code
		}
	}
	if code != smhi.CodeNotANumber || place.Cell != "F7" || len(upCells) != 2 || upCells["F7"] != code || upCells["F8"] != code {
		t.Errorf("national import: %s at %s; upload: %s", code, place.Cell, mustJSON(t, items))
	}
}

// smhiTestWorkbook writes data rows under SMHI's title and header rows
// (years 2020–2022, CO2), the first data row being row 7.
func smhiTestWorkbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	s := "Koldioxid (CO2)"
	f.SetSheetName("Sheet1", s)
	all := append([][]any{
		{"Rapportnamn:", "Länsrapport, 2024-04-18"}, {"Emissioner av Koldioxid (CO2)"}, {"Enhet: ton/år"}, {},
		{"", "", "", "", 2020, 2021, 2022}, {"Huvudsektor", "Undersektor", "Län", "Kommun", "CO2", "CO2", "CO2"},
	}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	return workbookBytes(t, f)
}

// scbNames is SCB's real municipality list as place names.
func scbNames(t testing.TB) *scb.Names {
	t.Helper()
	f, err := os.Open(samples.Path(t, samples.Municipalities))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names, err := scb.LoadNames(f)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestSMHIUploadProblems: what SMHI's reader finds in an upload becomes
// items at the cell; the total is checked against the main sectors with
// SMHI's one tolerance (0.01 t or one part in a million).
func TestSMHIUploadProblems(t *testing.T) {
	lim := Limits{NameToCode: func(n string) (string, bool) { return "1281", n == "Lund" }}
	ctx := ValidationContext{UploaderCode: "1281", Today: date(2024, 5, 1), KnownCode: knownCodes}
	check := func(rows ...[]any) map[string]string {
		t.Helper()
		b := smhiTestWorkbook(t, rows)
		_, items, err := Check(bytes.NewReader(b), int64(len(b)), lim, ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range items {
			got[it.Cell] = it.Severity + " " + it.Code
		}
		return got
	}
	got := check(
		[]any{"Alla", "Alla", "Skåne län", "Lund", 100.0, 100, 100},
		[]any{"Transporter", "Alla", "Skåne län", "Lund", 60.0, 60.005, 60}, // 2021: 0.005 t off, within
		[]any{"Jordbruk", "Alla", "Skåne län", "Lund", 40.5, 40, 40},
		[]any{"Sjöfart", "Alla", "Skåne län", "Lund", 1, 1, 1},
		[]any{"Transporter", "Personbilar", "Skåne län", "Lund", 60, 60, 60},
	)
	want := map[string]string{
		"E7":  "warning sum_mismatch",      // 100 against 100.5: half a tonne off
		"A10": "error unknown_main_sector", // the row is left out, the others read
	}
	if !maps.Equal(got, want) {
		t.Errorf("items %v, want %v", got, want)
	}
	got = check([]any{"Alla", "Alla", "Skåne län", "Lund", 1, 2, 3, 4})
	if got["H7"] != "error "+smhi.CodeValueWithoutYear {
		t.Errorf("a value beside the years: %v", got)
	}
}
