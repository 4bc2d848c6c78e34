package analytics

import (
	"fmt"
	"math"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Goal is an emission goal: reduce emissions by ReductionPct per cent from
// BaseYear to TargetYear. It holds the numeric part of klimatrapport.Goal. For
// a per-capita goal ("Minskning per invånare") pass a per-capita base value
// and series; for a net-zero goal use ReductionPct 100.
type Goal struct {
	BaseYear     int     `json:"base_year"`
	TargetYear   int     `json:"target_year"`
	ReductionPct float64 `json:"reduction_pct"`
}

// Target returns the goal's level for the target year: base·(1 − ReductionPct/100).
func (g Goal) Target(base float64) float64 {
	return base * (1 - g.ReductionPct/100)
}

// PathAt returns the value of the straight path from (BaseYear, base) to
// (TargetYear, Target(base)) at year: base before the base year, the target
// after the target year. It assumes TargetYear > BaseYear.
func (g Goal) PathAt(base float64, year int) float64 {
	switch {
	case year <= g.BaseYear:
		return base
	case year >= g.TargetYear:
		return g.Target(base)
	}
	frac := float64(year-g.BaseYear) / float64(g.TargetYear-g.BaseYear)
	return base + (g.Target(base)-base)*frac
}

// GoalPath returns the straight path of PathAt for every year from the base
// year to the target year, for charts. It returns nil unless TargetYear >
// BaseYear.
func GoalPath(g Goal, base float64) []Point {
	if g.TargetYear <= g.BaseYear {
		return nil
	}
	path := make([]Point, 0, g.TargetYear-g.BaseYear+1)
	for y := g.BaseYear; y <= g.TargetYear; y++ {
		path = append(path, Point{Year: y, Tonnes: g.PathAt(base, y)})
	}
	return path
}

// GoalTracking compares an area's latest data with the straight path to its
// goal. Optional numbers are nil when undefined.
type GoalTracking struct {
	Goal         Goal    `json:"goal"`
	BaseTonnes   float64 `json:"base_tonnes"`   // the goal's base-year value, as given
	TargetTonnes float64 `json:"target_tonnes"` // base·(1 − reduction/100)

	LatestYear   int     `json:"latest_year"`   // the last year of the actual series
	LatestTonnes float64 `json:"latest_tonnes"` // its value
	PathTonnes   float64 `json:"path_tonnes"`   // the straight path's value for LatestYear

	// DiffTonnes is LatestTonnes − PathTonnes: negative is below the path
	// (ahead of it), positive above (behind).
	DiffTonnes float64 `json:"diff_tonnes"`
	// DiffPct is DiffTonnes in per cent of PathTonnes; nil when the path
	// value is not positive (a net-zero goal at or after its target year).
	DiffPct *float64 `json:"diff_pct"`

	// RequiredRatePct is the compound yearly change, in per cent, that
	// takes LatestTonnes to TargetTonnes by TargetYear:
	// 100·((target/latest)^(1/(T−latest year)) − 1). It is −100 for a
	// target of zero. Nil when the target year has been reached, the
	// latest value is not positive or the target is negative.
	RequiredRatePct *float64 `json:"required_rate_pct"`
	// RequiredTonnesPerYear is the same requirement as a straight line:
	// (target − latest)/(T − latest year); nil when the target year has
	// been reached. It is the more telling number for net-zero goals.
	RequiredTonnesPerYear *float64 `json:"required_tonnes_per_year"`

	// RateSinceBasePct is the compound yearly change achieved from the
	// base-year value to the latest value; nil when the latest year is the
	// base year or a value makes the rate undefined.
	RateSinceBasePct *float64 `json:"rate_since_base_pct"`
	// RateSince2015Pct is AnnualRate(actual, 2015); nil when the series has
	// no 2015 value or no later year, or the rate is undefined.
	RateSince2015Pct *float64 `json:"rate_since_2015_pct"`

	// OnTrack is true when the latest value is at or below the path.
	OnTrack bool `json:"on_track"`
	// Verdict is one Swedish sentence saying whether the area is on track
	// and by how much, e.g. "I fas: 12 % under den raka vägen till målet."
	Verdict string `json:"verdict"`
}

// TrackGoal compares the actual series with the straight path from the base
// year's value base to the goal's target. The base value is given separately
// because it often predates the series or comes from another source; the
// series' own value for the base year, if any, is not used.
//
// The straight (linear) path is the simplest reading of a goal "−X % by year
// T from year B" and the one a reader can check by hand. The verdict compares
// the latest year with that path; the rates say how fast emissions have fallen
// and how fast they must fall.
//
// ok is false when the goal's target year is not after its base year, base is
// not a positive finite number, the series is invalid or empty, or its last
// year is before the base year.
func TrackGoal(g Goal, base float64, actual Series) (GoalTracking, bool) {
	if g.TargetYear <= g.BaseYear || !(base > 0) || math.IsInf(base, 0) ||
		math.IsNaN(g.ReductionPct) || math.IsInf(g.ReductionPct, 0) || actual.Valid() != nil {
		return GoalTracking{}, false
	}
	latest, found := actual.Last()
	if !found || latest.Year < g.BaseYear {
		return GoalTracking{}, false
	}
	t := GoalTracking{
		Goal:         g,
		BaseTonnes:   base,
		TargetTonnes: g.Target(base),
		LatestYear:   latest.Year,
		LatestTonnes: latest.Tonnes,
		PathTonnes:   g.PathAt(base, latest.Year),
	}
	t.DiffTonnes = t.LatestTonnes - t.PathTonnes
	if t.PathTonnes > 0 {
		t.DiffPct = ptr(100 * t.DiffTonnes / t.PathTonnes)
	}
	if left := g.TargetYear - latest.Year; left > 0 {
		t.RequiredTonnesPerYear = ptr((t.TargetTonnes - t.LatestTonnes) / float64(left))
		if r, ok := compoundRate(t.LatestTonnes, t.TargetTonnes, left); ok {
			t.RequiredRatePct = ptr(r)
		}
	}
	if r, ok := compoundRate(base, t.LatestTonnes, latest.Year-g.BaseYear); ok {
		t.RateSinceBasePct = ptr(r)
	}
	if r, ok := AnnualRate(actual, 2015); ok {
		t.RateSince2015Pct = ptr(r)
	}
	t.OnTrack = t.DiffTonnes <= 0
	t.Verdict = t.verdict()
	return t, true
}

// verdict writes the Swedish sentence of GoalTracking.Verdict.
func (t GoalTracking) verdict() string {
	// Before the target year the reference is the path, from then on the
	// target level itself.
	status, ref := "I fas", "den raka vägen till målet"
	if !t.OnTrack {
		status = "Inte i fas"
	}
	if t.LatestYear >= t.Goal.TargetYear {
		status = "Målet är nått"
		if !t.OnTrack {
			status = "Målet är inte nått"
		}
		ref = fmt.Sprintf("målnivån för %d", t.Goal.TargetYear)
	}
	if t.DiffTonnes == 0 {
		return fmt.Sprintf("%s: precis på %s.", status, ref)
	}
	side := "under"
	if t.DiffTonnes > 0 {
		side = "över"
	}
	if t.DiffPct != nil {
		return fmt.Sprintf("%s: %s %s %s.", status, verdictPercent(math.Abs(*t.DiffPct)), side, ref)
	}
	// The path is zero (a net-zero goal): a share of the path means nothing,
	// so express the gap as a share of the base-year value.
	share := 100 * math.Abs(t.DiffTonnes) / t.BaseTonnes
	return fmt.Sprintf("%s: %s av basårets utsläpp %s %s.", status, verdictPercent(share), side, ref)
}

// verdictPercent formats a non-negative percentage for the verdict: whole
// per cent from 10 % up, one decimal below that ("12 %", "8,5 %").
func verdictPercent(p float64) string {
	if p >= 10 {
		return swedish.Percent(p, 0)
	}
	return swedish.Percent(p, 1)
}

func ptr(v float64) *float64 { return &v }

// GoalSource is one source's figures a goal is followed up against: the
// area's yearly totals and main-sector series, cut at the year the follow-up
// is made for. Sources are never mixed in one series.
type GoalSource struct {
	Source  string // SourceSMHI or SourceReported
	Unit    string // of Total, e.g. "ton CO2e"
	Total   Series
	Sectors map[string]Series
}

// GoalTrack is a goal followed up against one source's figures.
type GoalTrack struct {
	Source string `json:"source"`
	Unit   string `json:"unit"`
	GoalTracking
	Path Series `json:"path"` // the straight path from the base year to the target
}

// GoalReport is a member's goal with its follow-up against each source.
type GoalReport struct {
	kr.Goal
	Tracking []GoalTrack `json:"tracking"`
	Note     string      `json:"note,omitempty"` // Swedish: why it cannot be followed up, when it cannot
}

// FollowGoal follows a member's goal up against each source, in the order
// given, whose series has the goal's base year: the goal's sector's series
// for a sector goal, the totals otherwise, divided by pop's population for a
// per-capita goal (pop may be nil when there is no population). A net-zero
// goal without a reduction counts as −100 %. It is the one follow-up of a
// goal: the public pages and the compliance review both show what it says.
func FollowGoal(g kr.Goal, sources []GoalSource, pop PopulationFunc) GoalReport {
	gr := GoalReport{Goal: g, Tracking: []GoalTrack{}}
	ag := Goal{BaseYear: g.BaseYear, TargetYear: g.TargetYear, ReductionPct: g.ReductionPct}
	if g.Type == kr.GoalNetZero && ag.ReductionPct == 0 {
		ag.ReductionPct = 100 // net zero: the whole way
	}
	switch {
	case g.BaseYear == 0:
		gr.Note = "Målet har inget basår, så det går inte att följa upp mot en rak väg från basåret."
		return gr
	case g.TargetYear <= g.BaseYear:
		gr.Note = "Målåret ligger inte efter basåret."
		return gr
	case !(ag.ReductionPct > 0):
		gr.Note = "Målet anger ingen minskning."
		return gr
	}
	anyFigures := false
	for _, src := range sources {
		s, unit := GoalSeries(g, src, pop)
		anyFigures = anyFigures || len(src.Total) > 0
		base, ok := s.Value(g.BaseYear)
		if !ok {
			continue
		}
		t, ok := TrackGoal(ag, base, s)
		if !ok {
			continue
		}
		gr.Tracking = append(gr.Tracking, GoalTrack{Source: src.Source, Unit: unit, GoalTracking: t, Path: GoalPath(ag, base)})
	}
	if len(gr.Tracking) > 0 {
		return gr
	}
	if g.Type == kr.GoalPerCapita && anyFigures && !hasPopulation(sources, pop) {
		gr.Note = "Befolkningsuppgifter saknas, så målet per invånare kan inte följas upp. Läs in SCB:s befolkningstabell."
		return gr
	}
	what := "utsläppen"
	if g.Sector != "" {
		what = "sektorns utsläpp"
	}
	gr.Note = fmt.Sprintf("Målet kan inte följas upp: varken SMHI:s eller kommunens egna siffror har %s för basåret %d.", what, g.BaseYear)
	return gr
}

// GoalSeries is the series of src that goal g is followed up against, and
// its unit: the goal's sector's series for a sector goal, else the totals;
// per inhabitant (years without a population left out) for a per-capita goal.
func GoalSeries(g kr.Goal, src GoalSource, pop PopulationFunc) (Series, string) {
	s := src.Total
	if g.Sector != "" {
		s = src.Sectors[g.Sector]
	}
	if g.Type == kr.GoalPerCapita {
		return PerCapitaSeries(s, pop), src.Unit + " per invånare"
	}
	return s, src.Unit
}

// hasPopulation reports whether pop has a figure for any year of the
// sources' totals.
func hasPopulation(sources []GoalSource, pop PopulationFunc) bool {
	for _, src := range sources {
		if len(PerCapitaSeries(src.Total, pop)) > 0 {
			return true
		}
	}
	return false
}
