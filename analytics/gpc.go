package analytics

import (
	"maps"
	"math"
	"slices"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// GPCLine is one row of an inventory by GPC sector and scope in one year:
// its tonnes, or a notation key when it has none, and the SMHI sectors
// (and subsectors, "Transporter: Personbilar") summed into it.
type GPCLine struct {
	kr.GPCRow
	Year     int      `json:"year"`
	Tonnes   *float64 `json:"tonnes"`
	Notation string   `json:"notation,omitempty"` // NO, IE, NE when Tonnes is nil
	Included []string `json:"smhi_sectors"`
	Share    *float64 `json:"share_pct"` // of the year's total, per cent
}

// SectorFigures are one year's figures by SMHI main sector and, where
// known, by subsector (main → subsector → tonnes).
type SectorFigures struct {
	Sectors    map[string]float64
	Subsectors map[string]map[string]float64
}

// Subsectors are taken apart only when they sum to their main sector's
// figure within this share or this many tonnes (SMHI rounds each figure).
const (
	gpcCoverShare  = 0.005
	gpcCoverTonnes = 1.0
	// gpcRestTonnes: a rest below this is SMHI's rounding, not named
	gpcRestTonnes = 0.5
)

// GPC maps one year's figures to the GPC rows (kr.GPCRows) through the
// one mapping table (kr.GPCRowOf). Each main sector's figure is counted
// once: a sector that maps to one row goes there whole; a split sector
// (kr.GPCSplit) is taken apart by its subsectors when they cover its
// figure, the small rest going to the row of its total, and else goes
// whole to that row, its other rows marked IE. So the lines always sum to
// the sectors' sum. A row without a value gets its fixed notation, IE, or
// NO (no figure for it).
func GPC(year int, f SectorFigures) []GPCLine {
	rows := kr.GPCRows()
	idx := make(map[string]int, len(rows))
	lines := make([]GPCLine, len(rows))
	for i, r := range rows {
		idx[r.Code] = i
		lines[i] = GPCLine{GPCRow: r, Year: year}
	}
	add := func(code string, t float64, label string) {
		l := &lines[idx[code]]
		if l.Tonnes == nil {
			l.Tonnes = new(float64)
		}
		*l.Tonnes += t
		if label != "" && !slices.Contains(l.Included, label) {
			l.Included = append(l.Included, label)
		}
	}
	included := map[string]string{} // row → the row whose value holds it (IE)
	var total float64
	for _, main := range sectorOrder(f.Sectors) {
		t := f.Sectors[main]
		total += t
		home := kr.GPCRowOf(main, "")
		subs := f.Subsectors[main]
		if !kr.GPCSplit(main) || !covers(t, subs) {
			add(home, t, main)
			if kr.GPCSplit(main) {
				for _, r := range kr.GPCSplitRows(main) {
					if r != home {
						included[r] = home
					}
				}
			}
			continue
		}
		rest := t
		for _, sub := range keysInOrder(kr.Subsectors(main), subs) {
			add(kr.GPCRowOf(main, sub), subs[sub], main+": "+sub)
			rest -= subs[sub]
		}
		if math.Abs(rest) > gpcRestTonnes {
			add(home, rest, main+" (rest)")
		} else {
			add(home, rest, "")
		}
	}
	for i := range lines {
		l := &lines[i]
		switch {
		case l.Tonnes != nil:
			if total != 0 {
				l.Share = new(float64)
				*l.Share = 100 * *l.Tonnes / total
			}
			l.Notation = ""
		case l.GPCRow.Notation != "":
			l.Notation = l.GPCRow.Notation
		case included[l.Code] != "":
			l.Notation = kr.NotationIncluded
			l.Note = "Ingår i " + included[l.Code] + ": siffrorna är inte uppdelade på undersektorer."
		default:
			l.Notation = kr.NotationNotOccurring
		}
	}
	return lines
}

// covers reports whether subsectors sum to a main sector's figure.
func covers(total float64, subs map[string]float64) bool {
	if len(subs) == 0 {
		return false
	}
	var sum float64
	for _, v := range subs {
		sum += v
	}
	return math.Abs(total-sum) <= max(gpcCoverShare*math.Abs(total), gpcCoverTonnes)
}

// keysInOrder is the keys of m in the order of order, then any others
// alphabetically.
func keysInOrder(order []string, m map[string]float64) []string {
	var out []string
	for _, k := range order {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// sectorOrder is SMHI's main sectors in order, then any others
// alphabetically, of those in sectors.
func sectorOrder(sectors map[string]float64) []string {
	return keysInOrder(kr.MainSectors(), sectors)
}
