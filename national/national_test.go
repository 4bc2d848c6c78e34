package national_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var ctx = context.Background()

// lund2022CO2 is cell P126 of SMHI's sample file (samples.SMHI).
const lund2022CO2 = 122064.91323369

// loaded returns the wired store with the municipality list imported.
func loaded(t *testing.T, db storage.DB) *national.Store {
	t.Helper()
	s := testworld.Over(t, db, testworld.Options{}).National
	sum, err := s.ImportMunicipalities(ctx, kr.System(), samples.Open(t, samples.Municipalities))
	if err != nil || sum.Municipalities != 290 || sum.Counties != 21 {
		t.Fatalf("municipalities: %+v %v", sum, err)
	}
	return s
}

func count(t *testing.T, db storage.DB, sql string, args ...any) uint64 {
	t.Helper()
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &n, sql, args...); err != nil {
		t.Fatal(err)
	}
	return n[0].N
}

func TestImportSMHI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := loaded(t, db)
		content := samples.Read(t, samples.SMHI)
		var progress []int
		sum, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "smhi-co2-2024-04-18.xlsx", Content: content,
			Progress: func(n int) { progress = append(progress, n) }})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Municipalities != 290 || sum.Counties != 21 || sum.Release.Substance != "CO2" ||
			sum.Release.ReleaseDate.Format(time.DateOnly) != "2024-04-18" || len(progress) == 0 {
			t.Fatalf("summary: %+v (progress %v)", sum, progress)
		}
		t.Logf("%d rows, %d values, years %v, %d total mismatches", sum.Rows, sum.Release.Values, sum.Years, len(sum.Mismatches))

		vals, rel, err := s.Values(ctx, national.Query{Codes: []string{"1281"}, From: 2022, To: 2022})
		if err != nil || len(vals) != 1 || math.Abs(vals[0].Tonnes-lund2022CO2) > 1e-6 || rel.ID != sum.Release.ID {
			t.Fatalf("Lund 2022: %+v %v", vals, err)
		}
		// What holds exactly in SMHI's file: each county is the sum of its
		// municipalities, and each area's total the sum of its main sectors.
		if n := count(t, db, `SELECT count() AS n FROM (
			SELECT v.year AS year, v.tonnes AS total, m.parts AS parts FROM (
				SELECT area_code, year, tonnes FROM smhi_values WHERE level = 'county' AND sector = '' AND subsector = ''
			) AS v ALL INNER JOIN (
				SELECT substring(area_code, 1, 2) AS area_code, year, sum(tonnes) AS parts FROM smhi_values
				WHERE level = 'municipality' AND sector = '' AND subsector = '' GROUP BY area_code, year
			) AS m USING (area_code, year)) WHERE abs(total - parts) > greatest(0.01, 1e-6 * abs(total))`); n != 0 {
			t.Errorf("%d county totals differ from the sum of their municipalities", n)
		}
		if n := count(t, db, `SELECT count() AS n FROM (
			SELECT area_code, year, sumIf(tonnes, sector = '') AS total, sumIf(tonnes, sector != '') AS parts
			FROM smhi_values WHERE subsector = '' GROUP BY area_code, year)
			WHERE abs(total - parts) > greatest(0.01, 1e-6 * abs(total))`); n != 0 {
			t.Errorf("%d area totals differ from the sum of their main sectors", n)
		}
		// What does not, and must be reported rather than hidden: Sweden
		// exceeds its counties by the emissions SMHI allocates to no county
		// (0.4–0.8 % a year), and some main sectors differ from their
		// subsectors. The import's report and SQL agree on them.
		var gaps []struct {
			Year   uint16  `ch:"year"`
			Sweden float64 `ch:"sweden"`
			Sum    float64 `ch:"counties"`
		}
		if err := db.Select(ctx, &gaps, `SELECT year, sumIf(tonnes, level = 'country') AS sweden, sumIf(tonnes, level = 'county') AS counties
			FROM smhi_values WHERE sector = '' AND subsector = '' GROUP BY year ORDER BY year`); err != nil {
			t.Fatal(err)
		}
		if len(gaps) != len(sum.Years) {
			t.Errorf("%d years checked, file has %d", len(gaps), len(sum.Years))
		}
		for _, g := range gaps {
			if share := (g.Sweden - g.Sum) / g.Sweden; share < 0.004 || share > 0.008 {
				t.Errorf("%d: Sweden exceeds Σ counties by %.3f %%, expected SMHI's unallocated 0.4–0.8 %%", g.Year, 100*share)
			}
		}
		subsectorGaps := count(t, db, `SELECT count() AS n FROM (
			SELECT area_code, sector, year, sumIf(tonnes, subsector = '') AS total, sumIf(tonnes, subsector != '') AS parts,
				countIf(subsector != '') AS nparts
			FROM smhi_values WHERE sector != '' GROUP BY area_code, sector, year)
			WHERE nparts > 0 AND abs(total - parts) > greatest(0.01, 1e-6 * abs(total))`)
		bySubsector, byCounty := 0, 0
		for _, m := range sum.Mismatches {
			switch m.Check {
			case smhi.CheckSubsectors:
				bySubsector++
			case smhi.CheckCounties:
				byCounty++
			}
		}
		if subsectorGaps == 0 || uint64(bySubsector) != subsectorGaps || byCounty == 0 || len(sum.Mismatches) != bySubsector+byCounty {
			t.Errorf("import reported %d mismatches (%d subsector, %d county); SQL finds %d subsector gaps",
				len(sum.Mismatches), bySubsector, byCounty, subsectorGaps)
		}

		// The same file again changes nothing.
		before := count(t, db, "SELECT count() AS n FROM smhi_values")
		again, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "again.xlsx", Content: content})
		if err != nil || !again.AlreadyPresent || again.Release.ID != sum.Release.ID {
			t.Fatalf("second import: %+v %v", again, err)
		}
		if after := count(t, db, "SELECT count() AS n FROM smhi_values"); after != before {
			t.Fatalf("values %d → %d after importing the same file", before, after)
		}
		if n := count(t, db, "SELECT count() AS n FROM smhi_releases"); n != 1 {
			t.Fatalf("%d releases after importing the same file twice", n)
		}

		// A revised release: both kept, the newer answers by default.
		revised := revise(t, content, "P126", 100000, "2025-04-15")
		sum2, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "smhi-co2-2025.xlsx", Content: revised})
		if err != nil || sum2.Release.ReleaseDate.Format(time.DateOnly) != "2025-04-15" {
			t.Fatalf("revised release: %+v %v", sum2, err)
		}
		newest, _, _ := s.Values(ctx, national.Query{Codes: []string{"1281"}, From: 2022, To: 2022})
		older, _, _ := s.Values(ctx, national.Query{Codes: []string{"1281"}, From: 2022, To: 2022, Release: time.Date(2024, 4, 18, 0, 0, 0, 0, time.UTC)})
		if len(newest) != 1 || newest[0].Tonnes != 100000 || len(older) != 1 || math.Abs(older[0].Tonnes-lund2022CO2) > 1e-6 {
			t.Fatalf("newest %+v, older %+v", newest, older)
		}
		rels, _ := s.Releases(ctx)
		if len(rels) != 2 || rels[0].ID != sum2.Release.ID {
			t.Fatalf("releases: %+v", rels)
		}
		// The revised total no longer equals its parts: reported, not hidden.
		if len(sum2.Mismatches) <= len(sum.Mismatches) {
			t.Errorf("a changed total gave %d mismatches, the original %d", len(sum2.Mismatches), len(sum.Mismatches))
		}
	})
}

// revise changes one cell and the release date in the title.
func revise(t *testing.T, content []byte, cell string, v float64, date string) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	if err := f.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 5; r++ {
		for _, c := range []string{"A", "B"} {
			ref := c + string(rune('0'+r))
			s, _ := f.GetCellValue(sheet, ref)
			if strings.Contains(s, "2024-04-18") {
				f.SetCellValue(sheet, ref, strings.ReplaceAll(s, "2024-04-18", date))
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBrokenSMHIFilesChangeNothing(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := loaded(t, db)
		content := samples.Read(t, samples.SMHI)
		f, err := excelize.OpenReader(bytes.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetList()[0]
		variant := func(edit func(f *excelize.File)) []byte {
			g, _ := excelize.OpenReader(bytes.NewReader(content))
			edit(g)
			var b bytes.Buffer
			g.Write(&b)
			return b.Bytes()
		}
		_ = f
		cases := map[string]struct {
			file []byte
			want string
		}{
			"missing header row": {variant(func(g *excelize.File) { g.RemoveRow(sheet, 6) }), "rubrik"},
			"text in a number":   {variant(func(g *excelize.File) { g.SetCellValue(sheet, "P126", "mycket") }), "P126"},
			"unknown name":       {variant(func(g *excelize.File) { g.SetCellValue(sheet, "D126", "Lundaby") }), "Lundaby"},
			"not a workbook":     {[]byte("%PDF-1.4 nothing here"), ""},
		}
		for name, c := range cases {
			_, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: name + ".xlsx", Content: c.file})
			if err == nil || kr.KindOf(err) != kr.Invalid {
				t.Errorf("%s: %v, want an Invalid error", name, err)
				continue
			}
			if c.want != "" && !strings.Contains(strings.ToLower(kr.MessageOf(err)), strings.ToLower(c.want)) {
				t.Errorf("%s: message %q does not mention %q", name, kr.MessageOf(err), c.want)
			}
		}
		if n := count(t, db, "SELECT count() AS n FROM smhi_releases"); n != 0 {
			t.Fatalf("%d releases after broken files", n)
		}
		vals, _, _ := s.Values(ctx, national.Query{})
		if len(vals) != 0 {
			t.Fatalf("%d values visible after broken files", len(vals))
		}
	})
}

func TestPopulationAndReference(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := loaded(t, db)
		sum, err := s.ImportPopulation(ctx, kr.System(), samples.Open(t, samples.Population), 0)
		if err != nil || sum.Year != 2024 || sum.Sweden != 10587710 || sum.Municipalities != 290 || sum.Counties != 21 {
			t.Fatalf("population: %+v %v", sum, err)
		}
		pop, _ := s.Population(ctx)
		lund := int64(0)
		for _, p := range pop {
			if p.AreaCode == "1281" && p.Year == 2024 {
				lund = p.Persons
			}
		}
		if lund != 131590 {
			t.Fatalf("Lund 2024: %d", lund)
		}
		munis, _ := s.Municipalities(ctx)
		if len(munis) != 290 || munis[0].CountyName == "" {
			t.Fatalf("municipalities: %d, first %+v", len(munis), munis[0])
		}
		ref := &national.Lookup{Store: s}
		if known, ok := ref.KnownCode(ctx, "1281"); !known || !ok {
			t.Error("1281 unknown")
		}
		if known, ok := ref.KnownCode(ctx, "9999"); known || !ok {
			t.Error("9999 known")
		}
		if code, ok := ref.CodeForName("Lunds kommun"); !ok || code != "1281" {
			t.Errorf("Lunds kommun → %q %v", code, ok)
		}
	})
}

// TestMultiSubstanceFile: a file with a sheet per substance is one release
// of each; queries keep the substances apart.
func TestMultiSubstanceFile(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := &national.Store{DB: db}
		munis, _ := smhi.SyntheticPlaces()
		if _, err := s.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(placesCSV(munis))); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := smhi.WriteSynthetic(&buf, []string{"GGT", "N2O"}, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "två.xlsx", Content: buf.Bytes(), Release: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		rels, _ := s.Releases(ctx)
		if len(rels) != 2 || rels[0].ID != rels[1].ID {
			t.Fatalf("releases: %+v", rels)
		}
		if sub, _ := s.DefaultSubstance(ctx); sub != "GGT" {
			t.Errorf("default substance %q", sub)
		}
		code := munis[0].Code
		ggt, _, _ := s.Values(ctx, national.Query{Codes: []string{code}, Substance: "GGT"})
		n2o, _, _ := s.Values(ctx, national.Query{Codes: []string{code}, Substance: "N2O"})
		if len(ggt) == 0 || len(ggt) != len(n2o) || ggt[0].Tonnes == n2o[0].Tonnes {
			t.Fatalf("GGT %d values, N2O %d: substances mixed up", len(ggt), len(n2o))
		}
	})
}
