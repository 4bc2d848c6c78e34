package compliance

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Sources of a tracked value: the same as the public pages'.
const (
	SourceReported = analytics.SourceReported // the member's own inventory
	SourceSMHI     = analytics.SourceSMHI     // SMHI's published figures
)

// TrackPoint is one year of the series a goal is tracked against.
type TrackPoint struct {
	Year   int     `json:"year"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
	// Submission is the member's submission the value comes from
	// (reported values only).
	Submission string `json:"submission,omitempty"`
}

// GoalTrack is one goal followed up against the member's emissions.
//
// The follow-up is analytics.FollowGoal over the figures package figures
// loads, the same as on the municipality's public page: Sources holds it per
// source (SMHI's, then the member's own), with the same verdicts. Tracking is
// the one the review counts: the member's own figures when the goal can be
// followed up on them, else SMHI's.
type GoalTrack struct {
	GoalID       string  `json:"goal_id"`
	Name         string  `json:"name"`
	Type         string  `json:"type"`
	Sector       string  `json:"sector,omitempty"`
	BaseYear     int     `json:"base_year"`
	TargetYear   int     `json:"target_year"`
	ReductionPct float64 `json:"reduction_pct"`
	Unit         string  `json:"unit"`
	// Tracking is nil when the goal cannot be followed up; Problem says
	// why.
	Tracking *analytics.GoalTracking `json:"tracking"`
	Problem  string                  `json:"problem,omitempty"`
	// BaseSource and LatestSource say where the base-year and the latest
	// value of Tracking come from (SourceReported or SourceSMHI): one
	// source, never mixed.
	BaseSource   string `json:"base_source,omitempty"`
	LatestSource string `json:"latest_source,omitempty"`
	SMHIRelease  string `json:"smhi_release,omitempty"` // the SMHI release used, when one was
	// Summary is Swedish: the verdict, the rate needed against the rate
	// achieved, and which figures were used.
	Summary string `json:"summary"`
	// Sources is the follow-up against every source that has the goal's
	// base year, as the public page shows it.
	Sources []analytics.GoalTrack `json:"sources"`
	// Points is the series used (with Query.Series); Path the straight
	// path from the base-year value to the target.
	Points []TrackPoint      `json:"points,omitempty"`
	Path   []analytics.Point `json:"path,omitempty"`
	Place  kr.Place          `json:"place"`
}

// loadTracking reads the figures the members' goals are followed up
// against, as they stood at asOf.
func (e *Engine) loadTracking(ctx context.Context, codes []string, asOf time.Time) (*figures.GoalFigures, error) {
	return figures.Data{National: e.National, Reports: &submissions.Service{DB: e.DB}}.LoadGoalFigures(ctx, codes, asOf)
}

// GoalRelease names the SMHI release goals are followed up against now
// (as Evaluate with tracking would), without loading its figures; nil when
// none is imported.
func (e *Engine) GoalRelease(ctx context.Context) (*figures.ReleaseRef, error) {
	if e.National == nil {
		return nil, nil
	}
	rel, ok, err := figures.Data{National: e.National}.SMHIRelease(ctx)
	if err != nil || !ok {
		return nil, err
	}
	return figures.RefOf(rel), nil
}

// track follows up one goal of code with the data up to year.
func track(fig *figures.GoalFigures, code string, g goalFact, year int, withSeries bool) GoalTrack {
	goal := g.Goal()
	t := GoalTrack{GoalID: g.GoalID, Name: g.Name, Type: g.Type, Sector: g.Sector, BaseYear: goal.BaseYear,
		TargetYear: goal.TargetYear, ReductionPct: g.ReductionPct, Unit: "ton CO2e",
		Place: kr.Place{Sheet: g.Sheet, Row: int(g.Row)}}
	if g.Type == kr.GoalNetZero && t.ReductionPct == 0 {
		t.ReductionPct = 100 // net zero: the whole way
	}
	if g.Type == kr.GoalPerCapita {
		t.Unit = "ton CO2e per invånare"
	}
	sources := fig.Sources(code, year)
	pop := analytics.AreaPopulation(fig.Population, code)
	gr := analytics.FollowGoal(goal, sources, pop)
	t.Sources = gr.Tracking
	if len(gr.Tracking) == 0 {
		t.Problem, t.Summary = gr.Note, gr.Note
		return t
	}
	chosen := gr.Tracking[0]
	for _, gt := range gr.Tracking {
		if gt.Source == SourceReported {
			chosen = gt
		}
	}
	t.Tracking = &chosen.GoalTracking
	t.Unit = chosen.Unit
	t.BaseSource, t.LatestSource = chosen.Source, chosen.Source
	release := ""
	if chosen.Source == SourceSMHI {
		release = fig.Release().ReleaseDate.Format(time.DateOnly)
		t.SMHIRelease = release
	}
	t.Summary = trackSummary(t, chosen.GoalTracking, release)
	if withSeries {
		for _, src := range sources {
			if src.Source == chosen.Source {
				t.Points = trackPoints(goal, src, pop, fig.Reported[code])
			}
		}
		t.Path = chosen.Path
	}
	return t
}

// trackPoints is the series a goal was followed up against, with where each
// value comes from.
func trackPoints(g kr.Goal, src analytics.GoalSource, pop analytics.PopulationFunc, rep *figures.Reported) []TrackPoint {
	s, _ := analytics.GoalSeries(g, src, pop)
	out := make([]TrackPoint, 0, len(s))
	for _, p := range s {
		tp := TrackPoint{Year: p.Year, Value: p.Tonnes, Source: src.Source}
		if src.Source == SourceReported && rep != nil {
			tp.Submission = rep.Submissions[p.Year]
		}
		out = append(out, tp)
	}
	return out
}

// trackSummary writes the Swedish summary of a tracked goal.
func trackSummary(t GoalTrack, tr analytics.GoalTracking, release string) string {
	var b strings.Builder
	b.WriteString(tr.Verdict)
	decimals := 0
	if t.Type == kr.GoalPerCapita {
		decimals = 2
	}
	unit := " " + t.Unit
	fmt.Fprintf(&b, " %d: %s%s mot den raka vägens %s%s.", tr.LatestYear,
		swedish.Number(tr.LatestTonnes, decimals), unit, swedish.Number(tr.PathTonnes, decimals), unit)
	if tr.RequiredRatePct != nil {
		fmt.Fprintf(&b, " För att nå målet (%s%s %d) %s per år från %d.",
			swedish.Number(tr.TargetTonnes, decimals), unit, t.TargetYear, required(*tr.RequiredRatePct), tr.LatestYear)
	} else if tr.RequiredTonnesPerYear != nil {
		fmt.Fprintf(&b, " För att nå målet (%s%s %d) behöver utsläppen minska med %s%s per år från %d.",
			swedish.Number(tr.TargetTonnes, decimals), unit, t.TargetYear,
			swedish.Number(math.Abs(*tr.RequiredTonnesPerYear), decimals), unit, tr.LatestYear)
	}
	if tr.RateSinceBasePct != nil {
		fmt.Fprintf(&b, " Sedan basåret %d har de %s per år", t.BaseYear, changed(*tr.RateSinceBasePct))
		if tr.RateSince2015Pct != nil && t.BaseYear != 2015 {
			fmt.Fprintf(&b, ", sedan 2015 %s per år", changed(*tr.RateSince2015Pct))
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " Siffrorna är %s.", sourceName(t.BaseSource, release))
	return b.String()
}

// required says "behöver utsläppen minska med 4,2 %" or "får utsläppen öka
// med högst 1,0 %".
func required(pct float64) string {
	if pct <= 0 {
		return "behöver utsläppen minska med " + swedish.Percent(-pct, 1)
	}
	return "får utsläppen öka med högst " + swedish.Percent(pct, 1)
}

// changed says "minskat med 2,1 %" or "ökat med 0,5 %".
func changed(pct float64) string {
	if pct <= 0 {
		return "minskat med " + swedish.Percent(-pct, 1)
	}
	return "ökat med " + swedish.Percent(pct, 1)
}

func sourceName(source, release string) string {
	if source == SourceSMHI {
		if release != "" {
			return "SMHI:s (publicering " + release + ")"
		}
		return "SMHI:s"
	}
	return "medlemmens egen inventering"
}
