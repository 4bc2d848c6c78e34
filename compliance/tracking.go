package compliance

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Sources of a tracked value.
const (
	SourceReported = "reported" // the member's own inventory
	SourceSMHI     = "smhi"     // SMHI's figure, for years the member has not fully reported
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
	// value come from (SourceReported or SourceSMHI).
	BaseSource   string `json:"base_source,omitempty"`
	LatestSource string `json:"latest_source,omitempty"`
	SMHIRelease  string `json:"smhi_release,omitempty"` // the SMHI release used, when one was
	// Summary is Swedish: the verdict, the rate needed against the rate
	// achieved, and which figures were used.
	Summary string `json:"summary"`
	// Points is the series used (with Query.Series); Path the straight
	// path from the base-year value to the target.
	Points []TrackPoint      `json:"points,omitempty"`
	Path   []analytics.Point `json:"path,omitempty"`
	Place  kr.Place          `json:"place"`
}

// trackingData is what goal tracking reads besides the facts.
type trackingData struct {
	smhi        map[string]map[int]float64            // code → year → total
	smhiSector  map[string]map[string]map[int]float64 // code → sector → year → value
	release     string                                // SMHI release date
	sectors     map[string]map[string][]sectorValue   // code → sector → reported values
	populations analytics.Populations
}

// loadTracking reads SMHI's totals (and, for sector goals, sector figures),
// the members' per-sector figures for sector goals, and the population for
// per-capita goals.
func (e *Engine) loadTracking(ctx context.Context, codes []string, facts map[string]*memberFacts, asOf time.Time) (trackingData, error) {
	td := trackingData{smhi: map[string]map[int]float64{}, smhiSector: map[string]map[string]map[int]float64{},
		sectors: map[string]map[string][]sectorValue{}}
	var pairs []string
	perCapita := false
	for code, f := range facts {
		for _, g := range f.goals {
			if g.Sector != "" {
				pairs = append(pairs, code+"|"+g.Sector)
			}
			perCapita = perCapita || g.Type == kr.GoalPerCapita
		}
	}
	sort.Strings(pairs)
	if e.National != nil {
		vals, rel, err := e.National.Values(ctx, national.Query{Codes: codes, Substance: national.AllGHG})
		if err != nil {
			return td, err
		}
		if rel.ID != "" {
			td.release = rel.ReleaseDate.Format(time.DateOnly)
		}
		for _, v := range vals {
			if td.smhi[v.AreaCode] == nil {
				td.smhi[v.AreaCode] = map[int]float64{}
			}
			td.smhi[v.AreaCode][int(v.Year)] = v.Tonnes
		}
		if len(pairs) > 0 {
			vals, _, err := e.National.Values(ctx, national.Query{Codes: codes, BySector: true, Substance: national.AllGHG})
			if err != nil {
				return td, err
			}
			for _, v := range vals {
				if td.smhiSector[v.AreaCode] == nil {
					td.smhiSector[v.AreaCode] = map[string]map[int]float64{}
				}
				if td.smhiSector[v.AreaCode][v.Sector] == nil {
					td.smhiSector[v.AreaCode][v.Sector] = map[int]float64{}
				}
				td.smhiSector[v.AreaCode][v.Sector][int(v.Year)] = v.Tonnes
			}
		}
		if perCapita {
			pop, err := e.National.Population(ctx)
			if err != nil {
				return td, err
			}
			td.populations = analytics.Populations{}
			for _, p := range pop {
				if td.populations[p.AreaCode] == nil {
					td.populations[p.AreaCode] = map[int]int64{}
				}
				td.populations[p.AreaCode][p.Year] = p.Persons
			}
		}
	}
	if len(pairs) > 0 {
		rows, err := loadSectors(ctx, e.DB, codes, pairs, asOf)
		if err != nil {
			return td, err
		}
		for _, r := range rows {
			if td.sectors[r.Code] == nil {
				td.sectors[r.Code] = map[string][]sectorValue{}
			}
			td.sectors[r.Code][r.Sector] = append(td.sectors[r.Code][r.Sector], r)
		}
	}
	return td, nil
}

// series builds the series a goal of code is tracked against: for each
// year the member's own figure when its inventory for that year is complete
// (every main sector has a value or a notation key; for a sector goal, that
// sector has a value), else SMHI's figure.
func (td trackingData) series(code, sector string, years []yearFact) []TrackPoint {
	byYear := map[int]TrackPoint{}
	if sector == "" {
		for y, v := range td.smhi[code] {
			byYear[y] = TrackPoint{Year: y, Value: v, Source: SourceSMHI}
		}
		for _, y := range years {
			if complete(y.Covered) {
				byYear[y.Year] = TrackPoint{Year: y.Year, Value: y.Total, Source: SourceReported, Submission: y.Submission}
			}
		}
	} else {
		for y, v := range td.smhiSector[code][sector] {
			byYear[y] = TrackPoint{Year: y, Value: v, Source: SourceSMHI}
		}
		sub := map[int]string{}
		for _, y := range years {
			sub[y.Year] = y.Submission
		}
		for _, v := range td.sectors[code][sector] {
			if v.NValues > 0 {
				byYear[int(v.Year)] = TrackPoint{Year: int(v.Year), Value: v.Tonnes, Source: SourceReported, Submission: sub[int(v.Year)]}
			}
		}
	}
	out := make([]TrackPoint, 0, len(byYear))
	for _, p := range byYear {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

// complete reports whether covered names all nine main sectors.
func complete(covered []string) bool {
	n := 0
	for _, s := range kr.MainSectors() {
		if contains(covered, s) {
			n++
		}
	}
	return n == len(kr.MainSectors())
}

// track follows up one goal.
func (td trackingData) track(code string, g goalFact, years []yearFact, withSeries bool) GoalTrack {
	t := GoalTrack{GoalID: g.GoalID, Name: g.Name, Type: g.Type, Sector: g.Sector, BaseYear: int(g.BaseYear),
		TargetYear: int(g.TargetYear), ReductionPct: g.ReductionPct, Unit: "ton CO2e",
		Place: kr.Place{Sheet: g.Sheet, Row: int(g.Row)}}
	goal := analytics.Goal{BaseYear: int(g.BaseYear), TargetYear: int(g.TargetYear), ReductionPct: g.ReductionPct}
	if g.Type == kr.GoalNetZero && goal.ReductionPct == 0 {
		goal.ReductionPct = 100 // net zero: the whole way
		t.ReductionPct = 100
	}
	switch {
	case g.BaseYear == 0:
		t.Problem = "Målet har inget basår, så det går inte att följa upp mot en rak väg från basåret."
	case g.TargetYear <= g.BaseYear:
		t.Problem = "Målåret ligger inte efter basåret."
	case goal.ReductionPct <= 0:
		t.Problem = "Målet anger ingen minskning."
	}
	if t.Problem != "" {
		t.Summary = t.Problem
		return t
	}
	points := td.series(code, g.Sector, years)
	if g.Type == kr.GoalPerCapita {
		t.Unit = "ton CO2e per invånare"
		var pc []TrackPoint
		for _, p := range points {
			if persons, _, ok := td.populations.Nearest(code, p.Year); ok && persons > 0 {
				p.Value /= float64(persons)
				pc = append(pc, p)
			}
		}
		points = pc
		if len(points) == 0 {
			t.Problem = "Befolkningsuppgifter saknas, så målet per invånare kan inte följas upp. Läs in SCB:s befolkningstabell."
			t.Summary = t.Problem
			return t
		}
	}
	var base *TrackPoint
	series := make(analytics.Series, 0, len(points))
	for i, p := range points {
		if p.Year == int(g.BaseYear) {
			base = &points[i]
		}
		series = append(series, analytics.Point{Year: p.Year, Tonnes: p.Value})
	}
	what := "utsläpp"
	if g.Sector != "" {
		what = "utsläpp i sektorn " + g.Sector
	}
	if base == nil {
		t.Problem = fmt.Sprintf("Basårets (%d) %s finns varken i medlemmens inventering eller hos SMHI, så målet kan inte följas upp. Rapportera inventeringen för %d.",
			g.BaseYear, what, g.BaseYear)
		t.Summary = t.Problem
		return t
	}
	tr, ok := analytics.TrackGoal(goal, base.Value, series)
	if !ok {
		last, _ := series.Last()
		t.Problem = fmt.Sprintf("Målet kan inte följas upp: basårets värde är inte positivt, eller det senaste året med uppgifter (%d) ligger före basåret.", last.Year)
		t.Summary = t.Problem
		return t
	}
	t.Tracking = &tr
	t.BaseSource = base.Source
	latest := points[len(points)-1]
	t.LatestSource = latest.Source
	for _, p := range points {
		if p.Source == SourceSMHI {
			t.SMHIRelease = td.release
		}
	}
	t.Summary = trackSummary(t, tr, td.release)
	if withSeries {
		t.Points = points
		t.Path = analytics.GoalPath(goal, base.Value)
	}
	return t
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
	fmt.Fprintf(&b, " Basåret är %s, %d %s.", sourceName(t.BaseSource, release), tr.LatestYear, sourceName(t.LatestSource, release))
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
			return "SMHI:s siffra (publicering " + release + ")"
		}
		return "SMHI:s siffra"
	}
	return "medlemmens egen inventering"
}
