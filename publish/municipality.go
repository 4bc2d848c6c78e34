package publish

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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
	// Estimated lists the per-capita values that divide by another year's
	// population (the nearest SCB has), with that year: estimates.
	Estimated []analytics.PopulationUse `json:"estimated,omitempty"`
}

// perCapitaSeries is the named per-capita series of total with pop's
// population, and which years' population it used.
func perCapitaSeries(code, name string, total analytics.Series, pop analytics.PopulationFunc) NamedSeries {
	s, uses := analytics.PerCapitaUses(total, pop)
	ns := NamedSeries{Code: code, Name: name, Series: s}
	for _, u := range uses {
		if !slices.Contains(ns.PopulationYears, u.PopulationYear) {
			ns.PopulationYears = append(ns.PopulationYears, u.PopulationYear)
		}
		if u.Estimated() {
			ns.Estimated = append(ns.Estimated, u)
		}
	}
	slices.Sort(ns.PopulationYears)
	return ns
}

// EstimatedIn returns the population year of the value of year when it
// is an estimate (another year's population), and whether it is one.
func (ns NamedSeries) EstimatedIn(year int) (int, bool) {
	for _, u := range ns.Estimated {
		if u.Year == year {
			return u.PopulationYear, true
		}
	}
	return 0, false
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

// municipality returns the municipality code names, or a NotFound error.
func (snap *Snapshot) municipality(code string) (kr.Municipality, error) {
	if !codeRe.MatchString(code) {
		return kr.Municipality{}, kr.E(kr.NotFound, "%q är ingen kommunkod (fyra siffror).", code)
	}
	muni, ok := snap.muni[code]
	if !ok {
		return kr.Municipality{}, kr.E(kr.NotFound, "Det finns ingen kommun med koden %s.", code)
	}
	return muni, nil
}

// MunicipalityReport builds (once per snapshot) a municipality's report as
// of asOf (0: the calendar year).
func (snap *Snapshot) MunicipalityReport(ctx context.Context, code string, asOf int) (*MunicipalityReport, error) {
	muni, err := snap.municipality(code)
	if err != nil {
		return nil, err
	}
	asOf, err = snap.CheckAsOf(asOf)
	if err != nil {
		return nil, err
	}
	v, err := snap.memoAbout(fmt.Sprintf("municipality:%s:%d", code, asOf), []string{code}, func() (any, error) {
		groups := snap.groupAreas()
		return snap.buildAreaReport(muni, asOf, snap.smhi.Total[code], analytics.AreaPopulation(snap.Population, code),
			[]groupArea{groups[0], groupFor(groups, muni.CountyCode), groups[1]}), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*MunicipalityReport), nil
}

// buildAreaReport is the report of an area (a municipality, or a county as
// CountyReport gives it) with SMHI's total series and its population,
// compared per capita with the groups compared (Sweden, its county, the
// members: those with municipalities).
func (snap *Snapshot) buildAreaReport(area kr.Municipality, asOf int, total analytics.Series, pop analytics.PopulationFunc, compared []groupArea) *MunicipalityReport {
	code := area.Code
	r := &MunicipalityReport{Municipality: area, Member: snap.memberInfo(code), AsOf: asOf,
		Goals: []analytics.GoalReport{}, Plans: []kr.ActionPlan{}, Measures: []kr.Measure{}, PerCapita: []NamedSeries{}}
	if snap.Release.ID != "" {
		r.SMHI = &SourceMetrics{Source: analytics.SourceSMHI, Release: snap.Release.ReleaseDate.Format(time.DateOnly),
			Substance: snap.Substance, Unit: snap.Unit, Sectors: figures.SectorsUntil(snap.smhi.Sectors[code], asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: area.Name, Source: analytics.SourceSMHI, Total: total,
				Sectors: snap.smhi.Sectors[code], Population: pop, AsOf: asOf})}
		r.PerCapita = append(r.PerCapita, perCapitaSeries(code, area.Name, analytics.Until(total, asOf), pop))
		for _, g := range compared {
			if g.key == "" || len(g.codes) == 0 {
				continue
			}
			ns := perCapitaSeries(g.avg.Code, g.avg.Name, analytics.Until(g.total, asOf), g.pop)
			r.PerCapita = append(r.PerCapita, ns)
			r.Averages = append(r.Averages, ns.average(g.avg, r.SMHI.Metrics.LastYear))
		}
	}
	// Every municipality's reported figures, read once per snapshot: a page
	// of a municipality not seen before costs no query of its own for them.
	reported := snap.Reported(nil)
	if rep := reported[code]; rep != nil && len(rep.Total) > 0 {
		sm := &SourceMetrics{Source: analytics.SourceReported, Unit: figures.ReportedUnit, Sectors: figures.SectorsUntil(rep.Sectors, asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: area.Name, Source: analytics.SourceReported, Total: rep.Total,
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
	return r
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

// average is avg with the per-capita value of year (none for year 0 or
// a year the series lacks), marked when it is an estimate.
func (ns NamedSeries) average(avg analytics.GroupAverage, year int) analytics.GroupAverage {
	if v, ok := ns.Series.Value(year); ok && year > 0 {
		avg.Value, avg.Year, avg.PopulationYear = ptr(v), year, year
		if py, est := ns.EstimatedIn(year); est {
			avg.Estimated, avg.PopulationYear = true, py
		}
	}
	return avg
}

// ptr returns a pointer to v, for the optional figures of an answer.
func ptr(v float64) *float64 { return &v }
