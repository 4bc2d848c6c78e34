package smhi

import (
	"strings"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// dataRow reads one row after the header. This is the hot path: no regular
// expressions, no maps built per row; the four name cells are looked up in
// caches keyed by the raw cell text.
func (r *Reader) dataRow(cells []string, row int) (Row, bool, error) {
	if len(cells) < 4 || (cells[1] == "" && cells[2] == "" && cells[3] == "") {
		// Empty rows and notes below the table (text in the first column
		// only) are skipped; numbers without a row label are not.
		for col := 1; col < len(cells); col++ {
			if strings.TrimSpace(cells[col]) != "" {
				return Row{}, false, invalid(CodeBadRow, r.sheet.Name, row, 0,
					"Blad %q, rad %d: raden har värden men saknar huvudsektor, undersektor, län eller kommun. Fyll i kolumnerna A–D (\"Alla\" för summor) eller ta bort raden.",
					r.sheet.Name, row)
			}
		}
		return Row{}, false, nil
	}
	out := Row{Sheet: r.sheet.Name, Row: row, Substance: r.substance,
		County: strings.TrimSpace(cells[2]), Municipality: strings.TrimSpace(cells[3])}
	if err := r.sectors(&out, cells); err != nil {
		return out, false, err
	}
	if err := r.place(&out, cells); err != nil {
		return out, false, err
	}
	if err := r.values(&out, cells); err != nil {
		return out, false, err
	}
	r.sheet.Rows++
	return out, true, nil
}

// sectors resolves the main sector and subsector of a row.
func (r *Reader) sectors(out *Row, cells []string) error {
	main, ok := r.mains[cells[0]]
	if !ok {
		var err error
		if main, err = r.resolveMain(cells[0], out.Row); err != nil {
			return err
		}
	}
	sub, ok := r.subs[[2]string{main, cells[1]}]
	if !ok {
		sub = r.resolveSub(main, cells[1])
	}
	if main == "" && sub != "" {
		return invalid(CodeBadRow, r.sheet.Name, out.Row, 2,
			"Blad %q, cell %s: undersektorn %q står utan huvudsektor (\"Alla\"). Ange huvudsektorn i kolumn A.",
			r.sheet.Name, cellName(2, out.Row), cells[1])
	}
	out.MainSector, out.Subsector = main, sub
	return nil
}

// area is a resolved place cell: SMHI's "Alla", or a name and its code
// ("" when the Reader has no Places).
type area struct {
	all  bool
	code string
}

// place resolves the county and municipality of a row and sets its level.
func (r *Reader) place(out *Row, cells []string) error {
	county, ok := r.counties[cells[2]]
	if !ok {
		var err error
		if county, err = r.resolve(r.counties, cells[2], out.Row, 3); err != nil {
			return err
		}
	}
	muni, ok := r.munis[cells[3]]
	if !ok {
		var err error
		if muni, err = r.resolve(r.munis, cells[3], out.Row, 4); err != nil {
			return err
		}
	}
	switch {
	case !muni.all && county.all:
		return invalid(CodeBadRow, r.sheet.Name, out.Row, 3,
			"Blad %q, cell %s: kommunen %q står utan län (\"Alla\"). Ange kommunens län.", r.sheet.Name, cellName(3, out.Row), cells[3])
	case !muni.all:
		if r.places != nil && !strings.HasPrefix(muni.code, county.code) {
			return invalid(CodeWrongCounty, r.sheet.Name, out.Row, 4,
				"Blad %q, cell %s: kommunen %q (%s) ligger inte i %q. Kontrollera kolumnerna Län och Kommun.",
				r.sheet.Name, cellName(4, out.Row), out.Municipality, muni.code, out.County)
		}
		out.Level, out.AreaCode, out.CountyCode = LevelMunicipality, muni.code, county.code
	case !county.all:
		out.Level, out.AreaCode, out.CountyCode = LevelCounty, county.code, county.code
	default:
		out.Level, out.AreaCode = LevelCountry, sheet.SwedenCode
	}
	return nil
}

// values reads the year cells of a row by klimatrapport.ParseNumber; an
// empty cell (or one of spaces only) is no value.
func (r *Reader) values(out *Row, cells []string) error {
	if len(cells) > 4 {
		out.Values = make([]YearValue, 0, min(len(cells)-4, len(r.sheet.Years)))
	}
	for col := 4; col < len(cells); col++ {
		s := cells[col]
		if s == "" {
			continue
		}
		v, ok := klimatrapport.ParseNumber(s)
		if !ok {
			if strings.TrimSpace(s) == "" {
				continue
			}
			return invalid(CodeNotANumber, r.sheet.Name, out.Row, col+1,
				"Blad %q, cell %s: %q är inte ett tal. Ange utsläppet i ton som ett tal (t.ex. 1234,5) eller lämna cellen tom.",
				r.sheet.Name, cellName(col+1, out.Row), s)
		}
		y := 0
		if col < len(r.yearOf) {
			y = r.yearOf[col]
		}
		if y == 0 {
			return invalid(CodeValueWithoutYear, r.sheet.Name, out.Row, col+1,
				"Blad %q, cell %s: värdet står i en kolumn utan årtal i rubrikraden. Ange året i rubriken eller ta bort värdet.",
				r.sheet.Name, cellName(col+1, out.Row))
		}
		out.Values = append(out.Values, YearValue{Year: y, Tonnes: v})
	}
	return nil
}

func (r *Reader) resolveMain(raw string, row int) (string, error) {
	if klimatrapport.IsAll(raw) {
		r.mains[raw] = ""
		return "", nil
	}
	if strings.TrimSpace(raw) == "" {
		return "", invalid(CodeBadRow, r.sheet.Name, row, 1,
			"Blad %q, cell %s: huvudsektor saknas. Skriv \"Alla\" för summan av alla sektorer eller en av SMHI:s nio huvudsektorer.",
			r.sheet.Name, cellName(1, row))
	}
	main, ok := klimatrapport.MainSector(raw)
	if !ok {
		return "", invalid(CodeUnknownMainSector, r.sheet.Name, row, 1,
			"Blad %q, cell %s: okänd huvudsektor %q. Huvudsektorn ska vara \"Alla\" eller en av SMHI:s nio: %s.",
			r.sheet.Name, cellName(1, row), raw, strings.Join(klimatrapport.MainSectors(), "; "))
	}
	if main != raw {
		r.normalised[raw] = main
	}
	r.mains[raw] = main
	return main, nil
}

// resolveSub returns a subsector of main as klimatrapport spells it, or, for
// one it does not know (SMHI adds subsectors now and then), the name with
// SMHI's typos corrected.
func (r *Reader) resolveSub(main, raw string) string {
	sub := ""
	if !klimatrapport.IsAll(raw) && strings.TrimSpace(raw) != "" {
		var ok bool
		if sub, ok = klimatrapport.Subsector(main, raw); !ok {
			sub = klimatrapport.SMHISpelling(raw)
		}
		if sub != raw {
			r.normalised[raw] = sub
		}
	}
	r.subs[[2]string{main, raw}] = sub
	return sub
}

// resolve turns the place cell in column col (3: county, 4:
// municipality) into an area and caches it.
func (r *Reader) resolve(cache map[string]area, raw string, row, col int) (area, error) {
	if klimatrapport.IsAll(raw) {
		cache[raw] = area{all: true}
		return cache[raw], nil
	}
	if strings.TrimSpace(raw) == "" {
		if col == 3 {
			return area{}, invalid(CodeBadRow, r.sheet.Name, row, 3,
				"Blad %q, cell %s: län saknas. Skriv \"Alla\" för hela Sverige eller länets namn.", r.sheet.Name, cellName(3, row))
		}
		return area{}, invalid(CodeBadRow, r.sheet.Name, row, 4,
			"Blad %q, cell %s: kommun saknas. Skriv \"Alla\" för hela länet eller kommunens namn.", r.sheet.Name, cellName(4, row))
	}
	var a area
	if r.places != nil {
		var ok bool
		if col == 3 {
			if a.code, ok = r.places.County(raw); !ok {
				return a, invalid(CodeUnknownCounty, r.sheet.Name, row, 3,
					"Blad %q, cell %s: okänt län %q. Kontrollera stavningen; länet ska finnas i SCB:s länslista (t.ex. \"Skåne län\").",
					r.sheet.Name, cellName(3, row), strings.TrimSpace(raw))
			}
		} else if a.code, ok = r.places.Municipality(raw); !ok {
			return a, invalid(CodeUnknownMunicipal, r.sheet.Name, row, 4,
				"Blad %q, cell %s: okänd kommun %q. Kontrollera stavningen; kommunen ska finnas i SCB:s kommunlista (t.ex. \"Lund\").",
				r.sheet.Name, cellName(4, row), strings.TrimSpace(raw))
		}
	}
	cache[raw] = a
	return a, nil
}
