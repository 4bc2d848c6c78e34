package analytics

import (
	"fmt"
	"math"

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
