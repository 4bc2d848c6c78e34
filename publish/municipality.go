package publish

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

// MemberInfo is a member's status for pages and the API.
type MemberInfo struct {
	Kind          string     `json:"kind"`
	Joined        time.Time  `json:"joined"`
	Active        bool       `json:"active"`
	Observer      bool       `json:"observer"`
	ObserverUntil *time.Time `json:"observer_until,omitempty"`
	Ended         *time.Time `json:"ended,omitempty"`
	Example       bool       `json:"example,omitempty"` // a made-up member with made-up reports (members.Member.Example)
}

func (snap *Snapshot) memberInfo(code string) *MemberInfo {
	m, ok := snap.member[code]
	if !ok {
		return nil
	}
	return &MemberInfo{Kind: m.Kind, Joined: m.Joined, Active: m.Active(snap.Today), Observer: m.Observer(snap.Today),
		ObserverUntil: m.ObserverUntil, Ended: m.Ended, Example: m.Example}
}

// SubmissionRef says where reported figures come from.
type SubmissionRef struct {
	ID         string    `json:"id"`
	FileName   string    `json:"file_name"`
	ReportYear int       `json:"report_year"`
	UploadedAt time.Time `json:"uploaded_at"`
	Years      []int     `json:"years"` // the years whose current figures come from it
}

// SourceMetrics are an area's metrics from one source, with where they
// come from.
type SourceMetrics struct {
	Source      string                      `json:"source"`
	Release     string                      `json:"release,omitempty"`   // SMHI: the release date
	Substance   string                      `json:"substance,omitempty"` // SMHI
	Unit        string                      `json:"unit"`
	Submissions []SubmissionRef             `json:"submissions,omitempty"` // reported: newest first
	Metrics     analytics.AreaMetrics       `json:"metrics"`
	Sectors     map[string]analytics.Series `json:"sector_series"`
}

// NamedSeries is a series with a label, for comparisons.
type NamedSeries struct {
	Code   string           `json:"code"`
	Name   string           `json:"name"`
	Series analytics.Series `json:"values"`
	// PopulationYears lists the SCB years whose population per-capita
	// values use (a year's own when SCB has it).
	PopulationYears []int `json:"population_years,omitempty"`
}

// MunicipalityReport is what the municipality page and GET
// /api/v1/municipalities/{code}/metrics show.
type MunicipalityReport struct {
	Municipality kr.Municipality `json:"municipality"`
	Member       *MemberInfo     `json:"member"`
	AsOf         int             `json:"as_of"`
	SMHI         *SourceMetrics  `json:"smhi"`     // nil without an SMHI release
	Reported     *SourceMetrics  `json:"reported"` // nil without accepted reports
	// PerCapita compares the municipality's SMHI per-capita series with
	// Sweden's, its county's and the members' (taken together).
	PerCapita []NamedSeries            `json:"per_capita_comparison"`
	Averages  []analytics.GroupAverage `json:"averages"` // per capita in the municipality's last SMHI year
	Goals     []analytics.GoalReport   `json:"goals"`
	Plans     []kr.ActionPlan          `json:"action_plans"`
	Measures  []kr.Measure             `json:"measures"`
}

var codeRe = regexp.MustCompile(`^\d{4}$`)

// MunicipalityReport builds (once per snapshot) a municipality's report as
// of asOf (0: the calendar year).
func (snap *Snapshot) MunicipalityReport(ctx context.Context, code string, asOf int) (*MunicipalityReport, error) {
	if !codeRe.MatchString(code) {
		return nil, kr.E(kr.NotFound, "%q är ingen kommunkod (fyra siffror).", code)
	}
	muni, ok := snap.muni[code]
	if !ok {
		return nil, kr.E(kr.NotFound, "Det finns ingen kommun med koden %s.", code)
	}
	asOf, err := snap.CheckAsOf(asOf)
	if err != nil {
		return nil, err
	}
	v, err := snap.memoAbout(fmt.Sprintf("municipality:%s:%d", code, asOf), []string{code}, func() (any, error) {
		return snap.buildMunicipalityReport(ctx, muni, asOf)
	})
	if err != nil {
		return nil, err
	}
	return v.(*MunicipalityReport), nil
}

func (snap *Snapshot) buildMunicipalityReport(ctx context.Context, muni kr.Municipality, asOf int) (*MunicipalityReport, error) {
	code := muni.Code
	r := &MunicipalityReport{Municipality: muni, Member: snap.memberInfo(code), AsOf: asOf,
		Goals: []analytics.GoalReport{}, Plans: []kr.ActionPlan{}, Measures: []kr.Measure{}, PerCapita: []NamedSeries{}}
	pop := analytics.AreaPopulation(snap.Population, code)
	if snap.Release.ID != "" {
		total := snap.smhi.Total[code]
		r.SMHI = &SourceMetrics{Source: analytics.SourceSMHI, Release: snap.Release.ReleaseDate.Format(time.DateOnly),
			Substance: snap.Substance, Unit: snap.Unit, Sectors: figures.SectorsUntil(snap.smhi.Sectors[code], asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: muni.Name, Source: analytics.SourceSMHI, Total: total,
				Sectors: snap.smhi.Sectors[code], Population: pop, AsOf: asOf})}
		mine := analytics.PerCapitaSeries(analytics.Until(total, asOf), pop)
		r.PerCapita = append(r.PerCapita, NamedSeries{Code: code, Name: muni.Name, Series: mine, PopulationYears: snap.popYears(pop, mine)})
		groups := snap.groupAreas()
		for _, g := range []groupArea{groups[0], groupFor(groups, muni.CountyCode), groups[1]} {
			if g.key == "" || len(g.codes) == 0 {
				continue
			}
			s := analytics.PerCapitaSeries(analytics.Until(g.total, asOf), g.pop)
			r.PerCapita = append(r.PerCapita, NamedSeries{Code: g.avg.Code, Name: g.avg.Name, Series: s, PopulationYears: snap.popYears(g.pop, s)})
			avg := g.avg
			if r.SMHI.Metrics.LastYear > 0 {
				if v, ok := s.Value(r.SMHI.Metrics.LastYear); ok {
					avg.Value, avg.Year = ptr(v), r.SMHI.Metrics.LastYear
				}
			}
			r.Averages = append(r.Averages, avg)
		}
	}
	// Every municipality's reported figures, read once per snapshot: a page
	// of a municipality not seen before costs no query of its own for them.
	reported := snap.Reported(nil)
	if rep := reported[code]; rep != nil && len(rep.Total) > 0 {
		sm := &SourceMetrics{Source: analytics.SourceReported, Unit: figures.ReportedUnit, Sectors: figures.SectorsUntil(rep.Sectors, asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: muni.Name, Source: analytics.SourceReported, Total: rep.Total,
				Sectors: rep.Sectors, Population: pop, AsOf: asOf})}
		for _, id := range rep.SubmissionIDs() {
			ref := snap.submissionRef(id)
			for y, s := range rep.Submissions {
				if s == id && y <= asOf {
					ref.Years = append(ref.Years, y)
				}
			}
			sort.Ints(ref.Years)
			if len(ref.Years) > 0 {
				sm.Submissions = append(sm.Submissions, ref)
			}
		}
		r.Reported = sm
	}
	cur := snap.reports.sheets[code]
	if cur == nil {
		cur = &kr.Report{}
	}
	if cur.Plans != nil {
		r.Plans = cur.Plans
	}
	if cur.Measures != nil {
		r.Measures = cur.Measures
	}
	sources := figures.GoalSources(snap.smhi, code, reported[code], asOf)
	for _, g := range cur.Goals {
		r.Goals = append(r.Goals, analytics.FollowGoal(g, sources, pop))
	}
	return r, nil
}

// submissionRef is where a submission's figures come from (its file, report
// year and upload time; only the id when it is not found), from the
// snapshot. Years is the caller's to fill.
func (snap *Snapshot) submissionRef(id string) SubmissionRef {
	if ref, ok := snap.reports.refs[id]; ok {
		return ref
	}
	return SubmissionRef{ID: id}
}

// popYears lists the population years a per-capita series used.
func (snap *Snapshot) popYears(pop analytics.PopulationFunc, s analytics.Series) []int {
	seen := map[int]bool{}
	var out []int
	for _, p := range s {
		if _, y, ok := pop(p.Year); ok && !seen[y] {
			seen[y] = true
			out = append(out, y)
		}
	}
	sort.Ints(out)
	return out
}

// ptr returns a pointer to v, for the optional figures of an answer.
func ptr(v float64) *float64 { return &v }
