package smhi

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// syntheticCountyCodes are SCB's 21 county codes (codes only; the synthetic
// places get made-up names).
var syntheticCountyCodes = []string{"01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
	"14", "17", "18", "19", "20", "21", "22", "23", "24", "25"}

// SyntheticPlaces returns the made-up places WriteSynthetic writes: 21
// counties with SCB's county codes named "Testlän CC" and 290 municipalities
// "Testkommun CCNN" spread over them. scb.NewNames(SyntheticPlaces()) reads
// them back.
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

// WriteSynthetic writes a workbook in SMHI's export layout for
// benchmarks: one sheet per substance (in the order given; nil means all
// seven), each with SMHI's title rows, row of years, header row and the real
// export's structure (Sweden, 21 counties and 290 municipalities × the total,
// the nine main sectors and their 52 subsectors, spelled as SMHI does, typos
// included), and made-up values whose totals equal the sums of their parts
// (about 3 % of the leaf cells are empty). The places are SyntheticPlaces.
//
// scale sets the size: the workbook holds about scale times the value cells
// of SMHI's real single-substance export (19 344 rows × 12 years), spread
// over the substances by giving each sheet round(12·scale/len(substances))
// year columns (at least one). WriteSynthetic(w, nil, 10) is ten times
// the real file. The output is deterministic. It is written with excelize's
// StreamWriter.
func WriteSynthetic(w io.Writer, substances []string, scale int) error {
	munis, counties := SyntheticPlaces()
	return WriteSyntheticFor(w, munis, counties, substances, scale)
}

// WriteSyntheticFor is WriteSynthetic with the given places (for
// instance the real 290 municipalities from SCB's list) instead of made-up
// ones.
func WriteSyntheticFor(w io.Writer, munis []klimatrapport.Municipality, counties []klimatrapport.County, substances []string, scale int) error {
	if len(munis) == 0 {
		return invalid(CodeNoNames, "", 0, 0, "Ortnamnslistan saknas.")
	}
	if len(substances) == 0 {
		substances = klimatrapport.Substances()
	}
	if scale < 1 {
		return invalid(CodeSyntheticArguments, "", 0, 0, "Skalan måste vara minst 1.")
	}
	codes := make([]string, len(substances))
	for i, s := range substances {
		if codes[i] = strings.ToUpper(strings.TrimSpace(s)); !slices.Contains(klimatrapport.Substances(), codes[i]) {
			return invalid(CodeSyntheticArguments, "", 0, 0, "Okänt ämne %q; välj bland %v.", s, klimatrapport.Substances())
		}
	}
	g := synthGrid{areas: synthAreas(munis, counties), keys: synthKeys(), years: syntheticYears(max(1, int(math.Round(12*float64(scale)/float64(len(codes))))))}
	g.vals = make([]float64, len(g.areas)*len(g.keys)*len(g.years))
	f := excelize.NewFile()
	defer f.Close()
	for si, sub := range codes {
		g.fill(rand.New(rand.NewPCG(uint64(si+1), 0x736d6869)))
		name := klimatrapport.SubstanceName(sub) + " (" + sub + ")"
		var err error
		if si == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err == nil {
			err = g.writeSheet(f, name, sub)
		}
		if err != nil {
			return err
		}
	}
	_, err := f.WriteTo(w)
	return err
}

// synthArea is one place of a synthetic file.
type synthArea struct {
	level  Level
	county string // name written in column C ("Alla" for Sweden)
	muni   string // name written in column D
	parent int    // index of the county in areas (municipalities), -1 otherwise
}

// synthKey is one sector row of an area: parent is the index of the key it
// is summed into (-1 for the total); leaves get made-up values.
type synthKey struct {
	main, sub string
	parent    int
	leaf      bool
}

// synthGrid is the values of one sheet: area × sector key × year; NaN is an
// empty cell.
type synthGrid struct {
	areas []synthArea
	keys  []synthKey
	years []int
	vals  []float64
}

// synthAreas puts the places in SMHI's order: Sweden, then each county (by
// name) followed by its municipalities (by name).
func synthAreas(munis []klimatrapport.Municipality, counties []klimatrapport.County) []synthArea {
	counties = slices.Clone(counties)
	slices.SortFunc(counties, func(a, b klimatrapport.County) int { return strings.Compare(a.Name, b.Name) })
	byCounty := map[string][]klimatrapport.Municipality{}
	for _, m := range munis {
		byCounty[m.CountyCode] = append(byCounty[m.CountyCode], m)
	}
	areas := []synthArea{{level: LevelCountry, county: "Alla", muni: "Alla", parent: -1}}
	for _, c := range counties {
		cIdx := len(areas)
		areas = append(areas, synthArea{level: LevelCounty, county: c.Name, muni: "Alla", parent: -1})
		ms := byCounty[c.Code]
		slices.SortFunc(ms, func(a, b klimatrapport.Municipality) int { return strings.Compare(a.Name, b.Name) })
		for _, m := range ms {
			areas = append(areas, synthArea{level: LevelMunicipality, county: c.Name, muni: m.Name, parent: cIdx})
		}
	}
	return areas
}

// synthKeys are the sector rows in SMHI's order and spelling: the total,
// then per main sector its total and its subsectors.
func synthKeys() []synthKey {
	keys := []synthKey{{main: "Alla", sub: "Alla", parent: -1}}
	for _, main := range klimatrapport.MainSectors() {
		subs := klimatrapport.Subsectors(main)
		mainIdx := len(keys)
		raw := klimatrapport.SMHIPublishedSpelling(main)
		keys = append(keys, synthKey{main: raw, sub: "Alla", parent: 0, leaf: len(subs) == 0})
		for _, s := range subs {
			keys = append(keys, synthKey{main: raw, sub: klimatrapport.SMHIPublishedSpelling(s), parent: mainIdx, leaf: true})
		}
	}
	return keys
}

func (g *synthGrid) at(a, k, y int) int { return (a*len(g.keys)+k)*len(g.years) + y }

// add adds v to the cell at i; an empty cell becomes v.
func (g *synthGrid) add(i int, v float64) {
	if math.IsNaN(g.vals[i]) {
		g.vals[i] = v
	} else {
		g.vals[i] += v
	}
}

// fill makes up the municipalities' leaves, then sums them up the sector
// tree, then up to the counties and Sweden.
func (g *synthGrid) fill(rng *rand.Rand) {
	for i := range g.vals {
		g.vals[i] = math.NaN()
	}
	nK, nY := len(g.keys), len(g.years)
	for a, area := range g.areas {
		if area.level != LevelMunicipality {
			continue
		}
		size := 0.2 + 3*rng.Float64()*rng.Float64()
		for k, key := range g.keys {
			if !key.leaf {
				continue
			}
			base := size * (50 + 20000*rng.Float64()*rng.Float64()*rng.Float64())
			for y := range g.years {
				if rng.IntN(33) == 0 {
					continue
				}
				v := base * (1.4 - 0.5*float64(y)/float64(max(1, nY-1))) * (0.9 + 0.2*rng.Float64())
				g.vals[g.at(a, k, y)] = math.Round(v*1e9) / 1e9 // SMHI-like precision
			}
		}
		for k := nK - 1; k > 0; k-- { // subsectors before main sectors before the total
			for y := range g.years {
				if v := g.vals[g.at(a, k, y)]; !math.IsNaN(v) {
					g.add(g.at(a, g.keys[k].parent, y), v)
				}
			}
		}
	}
	g.sumInto(LevelMunicipality, func(a synthArea) int { return a.parent })
	g.sumInto(LevelCounty, func(synthArea) int { return 0 })
}

// sumInto adds every cell of the areas of level into the area parent says.
func (g *synthGrid) sumInto(level Level, parent func(synthArea) int) {
	n := len(g.keys) * len(g.years)
	for a, area := range g.areas {
		if area.level != level {
			continue
		}
		p := parent(area)
		for i := range n {
			if v := g.vals[a*n+i]; !math.IsNaN(v) {
				g.add(p*n+i, v)
			}
		}
	}
}

// writeSheet writes the grid as the sheet of substance sub: SMHI's title
// rows, the row of years, the header row and one row per sector key and
// area.
func (g *synthGrid) writeSheet(f *excelize.File, name, sub string) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	unit := "ton/år"
	if sub != "CO2" {
		unit = "ton CO2-ekv/år"
	}
	header := []any{"Huvudsektor", "Undersektor", "Län", "Kommun"}
	yearRow := []any{nil, nil, nil, nil}
	for _, y := range g.years {
		header = append(header, sub)
		yearRow = append(yearRow, y)
	}
	rowNum := 0
	setRow := func(r []any) error {
		rowNum++
		if r == nil {
			return nil
		}
		cell, _ := excelize.CoordinatesToCellName(1, rowNum)
		return sw.SetRow(cell, r)
	}
	for _, r := range [][]any{
		{"Rapportnamn:", "Länsrapport, 2024-04-18"},
		{"Emissioner av " + name},
		{"Enhet: " + unit},
		nil,
		yearRow,
		header,
	} {
		if err := setRow(r); err != nil {
			return err
		}
	}
	line := make([]any, 4+len(g.years))
	for k, key := range g.keys {
		for a, area := range g.areas {
			line[0], line[1], line[2], line[3] = key.main, key.sub, area.county, area.muni
			for y := range g.years {
				if v := g.vals[g.at(a, k, y)]; math.IsNaN(v) {
					line[4+y] = nil
				} else {
					line[4+y] = v
				}
			}
			if err := setRow(line); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
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
