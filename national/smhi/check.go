package smhi

import (
	"math"
	"sort"

	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// The consistency checks of SMHI's totals. Every check is made per
// substance, per year and for every combination it applies to: the
// geographic checks for every main sector and subsector row, the sector
// checks for every area.
const (
	CheckCounties       = "counties"       // Sweden = sum of the 21 counties
	CheckMunicipalities = "municipalities" // a county = sum of its municipalities
	CheckMainSectors    = "main_sectors"   // an area's total ("Alla") = sum of its main sectors
	CheckSubsectors     = "subsectors"     // a main sector's total = sum of its subsectors
)

// Tolerance is how far a total may be from the sum of its parts and still
// count as equal: |total − sum| ≤ max(Abs, Rel·max(|total|, |sum|)).
type Tolerance struct {
	Abs float64 // tonnes
	Rel float64 // fraction
}

// TotalsTolerance is the one tolerance SMHI's totals are checked with, by
// the national import and by a member's upload of SMHI's export alike: 0.01
// tonne (10 kg) or one part in a million, whichever is larger. SMHI
// publishes unrounded doubles (15–16 significant digits), so the only
// legitimate difference is floating-point summation order, which is many
// orders of magnitude smaller; anything beyond this is a real inconsistency
// in the published data (or a row missing from the file) and is reported.
func TotalsTolerance() Tolerance { return Tolerance{Abs: 0.01, Rel: 1e-6} }

// Mismatch is a total that does not equal the sum of its parts. It is data
// for an import report, not an error.
type Mismatch struct {
	Check      string // CheckCounties, CheckMunicipalities, CheckMainSectors or CheckSubsectors
	Substance  string
	Level      Level  // level of the total
	AreaCode   string // area of the total
	MainSector string // "" for all sectors
	Subsector  string // "" for the main sector's total
	Year       int
	Total      float64 // the total as published; 0 when MissingTotal
	Sum        float64 // the sum of the parts that have a value for Year
	Diff       float64 // Total − Sum
	Parts      int     // number of part rows
	// MissingTotal is set when the parts have values for Year but the total
	// has none (an empty cell, or no total row at all: then Row is 0).
	MissingTotal bool
	Sheet        string
	Row          int // the total's row
}

// CheckTotals checks a complete set of rows (see Checker) with
// TotalsTolerance.
func CheckTotals(rows []Row) []Mismatch {
	c := NewChecker()
	for _, r := range rows {
		c.Add(r)
	}
	return c.Mismatches()
}

// Checker checks SMHI's totals incrementally: Add every row as Parse
// emits it, then call Mismatches. It keeps one value per row and year (no
// rows), about 20 000 areas × sectors per substance.
type Checker struct {
	years  map[int]int // year → index
	yearOf []int       // index → year
	nodes  map[nodeKey]*checkNode
}

type nodeKey struct {
	substance, area, main, sub string
}

type checkNode struct {
	key   nodeKey
	level Level
	sheet string
	row   int       // 0 until the node's own row is added
	total []float64 // by year index; NaN: no value
	parts [2]partSums
}

// partSums accumulates the parts of a node for one check: [0] is the
// geographic check, [1] the sector check.
type partSums struct {
	check string
	n     int
	sum   []float64 // by year index; NaN: no part had a value
}

// NewChecker returns a checker.
func NewChecker() *Checker {
	return &Checker{
		years: map[int]int{},
		nodes: map[nodeKey]*checkNode{},
	}
}

func (c *Checker) node(k nodeKey, level Level) *checkNode {
	n := c.nodes[k]
	if n == nil {
		n = &checkNode{key: k, level: level}
		c.nodes[k] = n
	}
	return n
}

func (c *Checker) yearIndex(y int) int {
	i, ok := c.years[y]
	if !ok {
		i = len(c.yearOf)
		c.years[y] = i
		c.yearOf = append(c.yearOf, y)
	}
	return i
}

func grow(s []float64, n int) []float64 {
	for len(s) < n {
		s = append(s, math.NaN())
	}
	return s
}

// Add records a row: its own values, and its values as a part of its
// geographic parent (county or Sweden) and its sector parent (main sector
// or the area's total).
func (c *Checker) Add(r Row) {
	k := nodeKey{r.Substance, r.AreaCode, r.MainSector, r.Subsector}
	n := c.node(k, r.Level)
	n.level, n.sheet, n.row = r.Level, r.Sheet, r.Row
	for _, v := range r.Values {
		i := c.yearIndex(v.Year)
		n.total = grow(n.total, i+1)
		n.total[i] = v.Tonnes
	}

	switch r.Level {
	case LevelMunicipality:
		c.addPart(nodeKey{r.Substance, r.CountyCode, r.MainSector, r.Subsector}, LevelCounty, 0, CheckMunicipalities, r.Values)
	case LevelCounty:
		c.addPart(nodeKey{r.Substance, sheet.SwedenCode, r.MainSector, r.Subsector}, LevelCountry, 0, CheckCounties, r.Values)
	}
	switch {
	case r.Subsector != "":
		c.addPart(nodeKey{r.Substance, r.AreaCode, r.MainSector, ""}, r.Level, 1, CheckSubsectors, r.Values)
	case r.MainSector != "":
		c.addPart(nodeKey{r.Substance, r.AreaCode, "", ""}, r.Level, 1, CheckMainSectors, r.Values)
	}
}

func (c *Checker) addPart(parent nodeKey, level Level, which int, check string, values []YearValue) {
	ps := &c.node(parent, level).parts[which]
	ps.check = check
	ps.n++
	for _, v := range values {
		i := c.yearIndex(v.Year)
		ps.sum = grow(ps.sum, i+1)
		if math.IsNaN(ps.sum[i]) {
			ps.sum[i] = v.Tonnes
		} else {
			ps.sum[i] += v.Tonnes
		}
	}
}

// Mismatches returns every total that differs from the sum of its parts by
// more than the tolerance, ordered by substance, the total's row (missing
// totals last), check and year.
func (c *Checker) Mismatches() []Mismatch {
	var out []Mismatch
	for _, n := range c.nodes {
		for _, ps := range n.parts {
			if ps.n == 0 {
				continue
			}
			for i, year := range c.yearOf {
				total, sum := math.NaN(), math.NaN()
				if i < len(n.total) {
					total = n.total[i]
				}
				if i < len(ps.sum) {
					sum = ps.sum[i]
				}
				hasTotal, hasSum := !math.IsNaN(total), !math.IsNaN(sum)
				if !hasTotal && !hasSum {
					continue
				}
				if !hasSum {
					sum = 0
				}
				m := Mismatch{
					Check: ps.check, Substance: n.key.substance, Level: n.level, AreaCode: n.key.area,
					MainSector: n.key.main, Subsector: n.key.sub, Year: year, Sum: sum, Parts: ps.n,
					Sheet: n.sheet, Row: n.row,
				}
				if !hasTotal {
					if TotalsTolerance().equal(0, sum) {
						continue
					}
					m.MissingTotal, m.Diff = true, -sum
					out = append(out, m)
					continue
				}
				if TotalsTolerance().equal(total, sum) {
					continue
				}
				m.Total, m.Diff = total, total-sum
				out = append(out, m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Substance != b.Substance {
			return a.Substance < b.Substance
		}
		if (a.Row == 0) != (b.Row == 0) {
			return b.Row == 0
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if a.AreaCode != b.AreaCode || a.MainSector != b.MainSector || a.Subsector != b.Subsector {
			return a.AreaCode+"\x00"+a.MainSector+"\x00"+a.Subsector < b.AreaCode+"\x00"+b.MainSector+"\x00"+b.Subsector
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Year < b.Year
	})
	return out
}

func (t Tolerance) equal(total, sum float64) bool {
	d := math.Abs(total - sum)
	return d <= t.Abs || d <= t.Rel*math.Max(math.Abs(total), math.Abs(sum))
}
