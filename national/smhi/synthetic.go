package smhi

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// syntheticCountyCodes are SCB's 21 county codes (codes only; the synthetic
// places get made-up names).
var syntheticCountyCodes = []string{"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
	"14", "17", "18", "19", "20", "21", "22", "23", "24", "25"}

// SyntheticPlaces returns the made-up places WriteSyntheticSMHI writes: 21
// counties with SCB's county codes named "Testlän CC" and 290 municipalities
// "Testkommun CCNN" spread over them.
func SyntheticPlaces() ([]klimatrapport.Municipality, []klimatrapport.County) {
	counties := make([]klimatrapport.County, len(syntheticCountyCodes))
	for i, c := range syntheticCountyCodes {
		counties[i] = klimatrapport.County{Code: c, Name: "Testlän " + c}
	}
	var munis []klimatrapport.Municipality
	for i, c := range counties {
		n := 290 / len(counties)
		if i < 290%len(counties) {
			n++
		}
		for j := 1; j <= n; j++ {
			code := fmt.Sprintf("%s%02d", c.Code, j)
			munis = append(munis, klimatrapport.Municipality{Code: code, Name: "Testkommun " + code, CountyCode: c.Code, CountyName: c.Name})
		}
	}
	return munis, counties
}

// SyntheticNames returns a Names for the places of WriteSyntheticSMHI.
func SyntheticNames() *Names {
	return NewNames(SyntheticPlaces())
}

// WriteSyntheticSMHI writes a workbook in SMHI's export layout for
// benchmarks: one sheet per substance (in the order given; nil means all
// seven), each with SMHI's title rows, row of years, header row and the real
// export's structure (Sweden, 21 counties and 290 municipalities × the total,
// the nine main sectors and their 52 subsectors, with SMHI's misspellings),
// and made-up values whose totals equal the sums of their parts (about 3 % of
// the leaf cells are empty). The places are SyntheticPlaces; read the file
// with SyntheticNames.
//
// scale sets the size: the workbook holds about scale times the value cells
// of SMHI's real single-substance export (19 344 rows × 12 years), spread
// over the substances by giving each sheet round(12·scale/len(substances))
// year columns (at least one). WriteSyntheticSMHI(w, nil, 10) is ten times
// the real file. The output is deterministic. It is written with excelize's
// StreamWriter.
func WriteSyntheticSMHI(w io.Writer, substances []string, scale int) error {
	munis, counties := SyntheticPlaces()
	return writeSynthetic(w, munis, counties, substances, scale)
}

// WriteSyntheticSMHIFor is WriteSyntheticSMHI with the places of names (for
// instance the real 290 municipalities from SCB's list) instead of made-up
// ones.
func WriteSyntheticSMHIFor(w io.Writer, names *Names, substances []string, scale int) error {
	if names == nil {
		return invalid(CodeNoNames, "", 0, 0, "Ortnamnslistan saknas.")
	}
	return writeSynthetic(w, names.Municipalities(), names.Counties(), substances, scale)
}

type synthArea struct {
	level     Level
	code      string
	county    string // name written in column C ("Alla" for Sweden)
	muni      string // name written in column D
	parent    int    // index of the county in areas (municipalities), -1 otherwise
	countyIdx int
}

func writeSynthetic(w io.Writer, munis []klimatrapport.Municipality, counties []klimatrapport.County, substances []string, scale int) error {
	if len(substances) == 0 {
		substances = Substances
	}
	if scale < 1 {
		return invalid(CodeSyntheticArguments, "", 0, 0, "Skalan måste vara minst 1.")
	}
	for _, s := range substances {
		if substanceCode(s) == "" {
			return invalid(CodeSyntheticArguments, "", 0, 0, "Okänt ämne %q; välj bland %v.", s, Substances)
		}
	}
	nYears := max(1, int(math.Round(12*float64(scale)/float64(len(substances)))))
	years := syntheticYears(nYears)

	// SMHI's order: Sweden, then each county (by name) followed by its
	// municipalities (by name).
	counties = append([]klimatrapport.County(nil), counties...)
	sort.Slice(counties, func(i, j int) bool { return counties[i].Name < counties[j].Name })
	byCounty := map[string][]klimatrapport.Municipality{}
	for _, m := range munis {
		byCounty[m.CountyCode] = append(byCounty[m.CountyCode], m)
	}
	areas := []synthArea{{level: LevelCountry, code: SwedenCode, county: "Alla", muni: "Alla", parent: -1}}
	var muniIdx []int
	for ci, c := range counties {
		cIdx := len(areas)
		areas = append(areas, synthArea{level: LevelCounty, code: c.Code, county: c.Name, muni: "Alla", parent: -1, countyIdx: ci})
		ms := byCounty[c.Code]
		sort.Slice(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
		for _, m := range ms {
			muniIdx = append(muniIdx, len(areas))
			areas = append(areas, synthArea{level: LevelMunicipality, code: m.Code, county: c.Name, muni: m.Name, parent: cIdx})
		}
	}

	// Sector keys in SMHI's order: the total, then per main sector its
	// total and its subsectors. parentOf points at the sector key a key is
	// summed into (-1 for the total).
	type sectorKey struct {
		main, sub string
		parent    int
		leaf      bool
	}
	keys := []sectorKey{{main: "Alla", sub: "Alla", parent: -1}}
	for _, g := range smhiSectors {
		mainIdx := len(keys)
		keys = append(keys, sectorKey{main: g[0], sub: "Alla", parent: 0, leaf: len(g) == 1})
		for _, s := range g[1:] {
			keys = append(keys, sectorKey{main: g[0], sub: s, parent: mainIdx, leaf: true})
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	nA, nK, nY := len(areas), len(keys), len(years)
	vals := make([]float64, nA*nK*nY) // NaN: empty cell
	at := func(a, k, y int) int { return (a*nK+k)*nY + y }
	for si, sub := range substances {
		sub = substanceCode(sub)
		rng := rand.New(rand.NewPCG(uint64(si+1), 0x736d6869))
		for i := range vals {
			vals[i] = math.NaN()
		}
		add := func(i int, v float64) {
			if math.IsNaN(vals[i]) {
				vals[i] = v
			} else {
				vals[i] += v
			}
		}
		// Leaves of municipalities, then sums up the sector tree, then up
		// to counties and Sweden.
		for _, a := range muniIdx {
			size := 0.2 + 3*rng.Float64()*rng.Float64()
			for k, key := range keys {
				if !key.leaf {
					continue
				}
				base := size * (50 + 20000*rng.Float64()*rng.Float64()*rng.Float64())
				for y := range years {
					if rng.IntN(33) == 0 {
						continue
					}
					v := base * (1.4 - 0.5*float64(y)/float64(max(1, nY-1))) * (0.9 + 0.2*rng.Float64())
					v = math.Round(v*1e9) / 1e9 // SMHI-like precision
					vals[at(a, k, y)] = v
				}
			}
			for k := nK - 1; k > 0; k-- { // subsectors before main sectors before the total
				p := keys[k].parent
				for y := range years {
					if v := vals[at(a, k, y)]; !math.IsNaN(v) {
						add(at(a, p, y), v)
					}
				}
			}
		}
		for _, a := range muniIdx {
			p := areas[a].parent
			for i := 0; i < nK*nY; i++ {
				if v := vals[a*nK*nY+i]; !math.IsNaN(v) {
					add(p*nK*nY+i, v)
				}
			}
		}
		for a := 1; a < nA; a++ {
			if areas[a].level != LevelCounty {
				continue
			}
			for i := 0; i < nK*nY; i++ {
				if v := vals[a*nK*nY+i]; !math.IsNaN(v) {
					add(i, v)
				}
			}
		}

		sheet := SubstanceNames[sub] + " (" + sub + ")"
		if si == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		unit := "ton/år"
		if sub != "CO2" {
			unit = "ton CO2-ekv/år"
		}
		header := []any{"Huvudsektor", "Undersektor", "Län", "Kommun"}
		yearRow := []any{nil, nil, nil, nil}
		for _, y := range years {
			header = append(header, sub)
			yearRow = append(yearRow, y)
		}
		rowNum := 1
		for _, r := range [][]any{
			{"Rapportnamn:", "Länsrapport, 2024-04-18"},
			{"Emissioner av " + sheet},
			{"Enhet: " + unit},
			nil,
			yearRow,
			header,
		} {
			if r != nil {
				cell, _ := excelize.CoordinatesToCellName(1, rowNum)
				if err := sw.SetRow(cell, r); err != nil {
					return err
				}
			}
			rowNum++
		}
		line := make([]any, 4+nY)
		for k, key := range keys {
			for a, area := range areas {
				line[0], line[1], line[2], line[3] = key.main, key.sub, area.county, area.muni
				for y := range years {
					if v := vals[at(a, k, y)]; math.IsNaN(v) {
						line[4+y] = nil
					} else {
						line[4+y] = v
					}
				}
				cell, _ := excelize.CoordinatesToCellName(1, rowNum)
				if err := sw.SetRow(cell, line); err != nil {
					return err
				}
				rowNum++
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// syntheticYears returns n year columns ending in 2022: 1990 and the n−1
// years before 2023 when that reaches back no further than 1991, else the n
// years up to 2022.
func syntheticYears(n int) []int {
	years := make([]int, 0, n)
	if n <= 33 {
		years = append(years, 1990)
		for y := 2023 - (n - 1); y <= 2022; y++ {
			years = append(years, y)
		}
		return years
	}
	for y := 2022 - n + 1; y <= 2022; y++ {
		years = append(years, y)
	}
	return years
}
