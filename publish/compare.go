package publish

import (
	"context"
	"sort"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

// CompareQuery selects areas to compare.
type CompareQuery struct {
	Codes    []string // municipalities; for SMHI also counties and "00"
	Source   string   // analytics.SourceSMHI (default) or analytics.SourceReported
	BaseYear int      // the index year (=100); 0: 1990 for SMHI, else the first common year
	AsOf     int      // data after it is left out; 0: the calendar year
}

// MaxCompare is the most areas one comparison takes.
const MaxCompare = 12

// CompareArea is one area of a comparison.
type CompareArea struct {
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Member    bool             `json:"member"`
	Total     analytics.Series `json:"total"`
	PerCapita NamedSeries      `json:"per_capita"`
	Index     analytics.Series `json:"index"` // nil when the base year is missing
}

// Comparison is several areas side by side.
type Comparison struct {
	Source    string        `json:"source"`
	Release   string        `json:"release,omitempty"`
	Substance string        `json:"substance,omitempty"`
	Unit      string        `json:"unit"`
	BaseYear  int           `json:"base_year"`
	Years     []int         `json:"years"` // every year any area has
	Areas     []CompareArea `json:"areas"`
}

// Compare puts areas side by side: absolute, per capita and indexed to the
// base year (computed for each call; the page showing it is kept).
func (snap *Snapshot) Compare(ctx context.Context, q CompareQuery) (*Comparison, error) {
	if len(q.Codes) == 0 {
		return nil, kr.E(kr.Invalid, "Välj minst en kommun att jämföra.")
	}
	if len(q.Codes) > MaxCompare {
		return nil, kr.E(kr.Invalid, "Jämför högst %d kommuner åt gången.", MaxCompare)
	}
	var err error
	if q.Source, err = figures.CheckSource(q.Source); err != nil {
		return nil, err
	}
	asOf, err := snap.CheckAsOf(q.AsOf)
	if err != nil {
		return nil, err
	}
	var codes []string
	seen := map[string]bool{}
	for _, c := range q.Codes {
		_, isMuni := snap.muni[c]
		_, isArea := snap.names[c]
		if !isMuni && !(q.Source == analytics.SourceSMHI && isArea) {
			return nil, kr.E(kr.NotFound, "Det finns ingen kommun med koden %q.", c)
		}
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	if q.BaseYear != 0 && (q.BaseYear < kr.FirstYear || q.BaseYear > asOf) {
		return nil, kr.E(kr.Invalid, "Basåret ska vara ett årtal mellan %d och %d.", kr.FirstYear, asOf)
	}
	// Not memoised: the page that shows it is (Snapshot.Body), and a
	// crawler's distinct sets would fill the memo with views it cannot
	// count the size of.
	return snap.compare(ctx, q, codes, asOf)
}

// compare computes the comparison of codes (checked and de-duplicated).
func (snap *Snapshot) compare(ctx context.Context, q CompareQuery, codes []string, asOf int) (*Comparison, error) {
	c := &Comparison{Source: q.Source, Unit: figures.ReportedUnit, Areas: []CompareArea{}, Years: []int{}}
	totals := map[string]analytics.Series{}
	if q.Source == analytics.SourceSMHI {
		c.Unit, c.Substance = snap.Unit, snap.Substance
		if snap.Release.ID != "" {
			c.Release = snap.Release.ReleaseDate.Format(time.DateOnly)
		}
		for _, code := range codes {
			totals[code] = analytics.Until(snap.smhi.Total[code], asOf)
		}
	} else {
		rep := snap.Reported(codes)
		for _, code := range codes {
			if r := rep[code]; r != nil {
				totals[code] = analytics.Until(r.Total, asOf)
			}
		}
	}
	c.BaseYear = q.BaseYear
	if c.BaseYear == 0 {
		c.BaseYear = commonFirstYear(totals, codes)
	}
	years := map[int]bool{}
	for _, code := range codes {
		t := totals[code]
		if t == nil {
			t = analytics.Series{}
		}
		idx, _ := analytics.IndexSeries(t, c.BaseYear)
		c.Areas = append(c.Areas, CompareArea{Code: code, Name: snap.names[code], Member: snap.IsActiveMember(code), Total: t,
			PerCapita: perCapitaSeries(code, snap.names[code], t, analytics.AreaPopulation(snap.Population, code)), Index: idx})
		for _, p := range t {
			years[p.Year] = true
		}
	}
	for y := range years {
		c.Years = append(c.Years, y)
	}
	sort.Ints(c.Years)
	return c, nil
}

// commonFirstYear is 1990 when every area has it, else the first year every
// area has, else 0.
func commonFirstYear(totals map[string]analytics.Series, codes []string) int {
	count := map[int]int{}
	for _, c := range codes {
		for _, p := range totals[c] {
			count[p.Year]++
		}
	}
	best := 0
	for y, n := range count {
		if n == len(codes) && (best == 0 || y < best) {
			best = y
		}
	}
	return best
}
