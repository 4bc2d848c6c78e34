package smhi

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// TestParseSMHIGGT reads SMHI's 2026 release of all greenhouse gases by
// main sector: another substance, other years, the same layout.
func TestParseSMHIGGT(t *testing.T) {
	var rows []Row
	c := NewChecker()
	meta, err := Parse(bytes.NewReader(samples.Read(t, samples.GGT)), testNames(t), func(r Row) error {
		rows = append(rows, r)
		c.Add(r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if meta.Substance != "GGT" || !meta.ReleaseDate.Equal(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("substance %q, release %v", meta.Substance, meta.ReleaseDate)
	}
	if !slices.Equal(meta.Years, []int{1990, 2000, 2005, 2010, 2015, 2020, 2021, 2022, 2023, 2024}) || len(meta.Normalised) != 0 {
		t.Errorf("years %v, normalised %v", meta.Years, meta.Normalised)
	}
	// 312 areas × the total and the nine main sectors; no subsectors.
	levels := map[Level]int{}
	for _, r := range rows {
		levels[r.Level]++
		if r.Subsector != "" || (r.MainSector != "" && !slices.Contains(klimatrapport.MainSectors(), r.MainSector)) {
			t.Errorf("row %d: %q / %q", r.Row, r.MainSector, r.Subsector)
		}
		if r.AreaCode == "1281" && r.MainSector == "" {
			if v, ok := r.Value(2024); !ok || v != 209790.69 || r.Row != 135 {
				t.Errorf("Lund 2024 = %v %v (row %d), want 209790.69 (cell N135)", v, ok, r.Row)
			}
		}
	}
	if len(rows) != 3120 || levels[LevelCountry] != 10 || levels[LevelCounty] != 210 || levels[LevelMunicipality] != 2900 {
		t.Errorf("%d rows, levels %v", len(rows), levels)
	}
	// Unlike the CO2 release of 2024, every total of this one equals the
	// sum of its parts, Sweden's of its counties too.
	if ms := c.Mismatches(); len(ms) != 0 {
		t.Errorf("%d mismatches, first %+v", len(ms), ms[0])
	}
}
