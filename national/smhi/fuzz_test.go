package smhi

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// FuzzReader feeds the row-fed reader arbitrary rows (lines of tab-separated
// cells), with and without place names to resolve, as both the national
// import and a member's upload do, carrying on after errors as an upload
// does. It must not panic, every error must name its place, and every row
// it returns must hold known sectors, finite values of the sheet's years
// and a level that fits its codes.
func FuzzReader(f *testing.F) {
	var seed strings.Builder
	for _, r := range smhiRows() {
		cells := make([]string, len(r))
		for i, c := range r {
			if c != nil {
				cells[i] = fmt.Sprint(c)
			}
		}
		seed.WriteString(strings.Join(cells, "\t") + "\n")
	}
	f.Add(seed.String())
	f.Add(strings.ReplaceAll(seed.String(), "Skåne län", "Testlän 12"))
	f.Add("Huvudsektor\tUndersektor\tLän\tKommun\t2020\t2020\nAlla\tAlla\tAlla\tAlla\t1\n")
	f.Add("Emissioner av Metan\nHuvudsektor\tUndersektor\tLän\tKommun\t2021\nTransporter\tPersonbilar\tTestlän 12\tTestkommun 1201\t1.234.567,8\n" +
		"Transporter\tPersonbilar\tTestlän 12\tTestkommun 1201\t-\nx\t\t\t\t5\n")
	munis, counties := SyntheticPlaces()
	names := scb.NewNames(munis, counties)
	f.Fuzz(func(t *testing.T, data string) {
		lines := strings.Split(data, "\n")
		if len(lines) > 200 {
			lines = lines[:200]
		}
		for _, places := range []Places{nil, names} {
			rd := NewReader(places)
			rd.StartSheet("Blad")
			for i, line := range lines {
				cells := strings.Split(line, "\t")
				if len(cells) > 40 {
					cells = cells[:40]
				}
				r, ok, err := rd.Row(i+1, cells)
				if err != nil {
					if _, _, isParse := PlaceOf(err); !isParse || klimatrapport.KindOf(err) != klimatrapport.Invalid {
						t.Fatalf("row %d: error without a place: %v", i+1, err)
					}
					continue
				}
				if ok {
					checkRow(t, rd, r, places != nil)
				}
			}
			rd.EndSheet()
			rd.Meta()
		}
	})
}

func checkRow(t *testing.T, rd *Reader, r Row, resolved bool) {
	t.Helper()
	if r.MainSector != "" && !slices.Contains(klimatrapport.MainSectors(), r.MainSector) {
		t.Fatalf("row %d: main sector %q", r.Row, r.MainSector)
	}
	if r.MainSector == "" && r.Subsector != "" {
		t.Fatalf("row %d: subsector %q without a main sector", r.Row, r.Subsector)
	}
	years := rd.Sheet().Years
	for _, v := range r.Values {
		if math.IsNaN(v.Tonnes) || math.IsInf(v.Tonnes, 0) || !slices.Contains(years, v.Year) {
			t.Fatalf("row %d: value %+v (years %v)", r.Row, v, years)
		}
	}
	switch {
	case r.Level == LevelCountry && r.AreaCode != sheet.SwedenCode:
		t.Fatalf("row %d: Sweden as %q", r.Row, r.AreaCode)
	case resolved && r.Level == LevelMunicipality && (len(r.AreaCode) != 4 || r.AreaCode[:2] != r.CountyCode):
		t.Fatalf("row %d: municipality %q in county %q", r.Row, r.AreaCode, r.CountyCode)
	case resolved && r.Level == LevelCounty && len(r.AreaCode) != 2:
		t.Fatalf("row %d: county %q", r.Row, r.AreaCode)
	}
}
