package workbook

import (
	"bytes"
	"math"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// smhiSample is SMHI's sample export in shared/ beside the repository.
func smhiSample(t testing.TB) string { return samples.Path(t, samples.SMHI) }

// cutMunicipality copies the title and header rows and one municipality's
// rows of SMHI's export into a new workbook in the same layout, and returns
// it with the municipality's rows as read from the original.
func cutMunicipality(t testing.TB, path, name string) ([]byte, [][]string) {
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
		if !header && (len(cells) < 4 || cells[3] != name) {
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

// TestSubsectorTable: the embedded table matches the sample file (after
// normalising SMHI's spellings), and loose keys do not collide.
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
	keys := map[string]string{}
	for _, s := range klimatrapport.MainSectors() {
		for _, name := range append([]string{s}, klimatrapport.Subsectors(s)...) {
			k := s + "|" + looseKey(name)
			if prev, dup := keys[k]; dup && prev != name {
				t.Errorf("loose keys collide: %q %q", prev, name)
			}
			keys[k] = name
		}
	}
}
