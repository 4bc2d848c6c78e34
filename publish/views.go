package publish

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// LastTrendYear is the latest as-of year the trend accepts.
const LastTrendYear = analytics.EndYear

// MemberInfo is a member's status for pages and the API.
type MemberInfo struct {
	Kind          string     `json:"kind"`
	Joined        time.Time  `json:"joined"`
	Active        bool       `json:"active"`
	Observer      bool       `json:"observer"`
	ObserverUntil *time.Time `json:"observer_until,omitempty"`
	Ended         *time.Time `json:"ended,omitempty"`
}

func (snap *Snapshot) memberInfo(code string) *MemberInfo {
	m, ok := snap.member[code]
	if !ok {
		return nil
	}
	return &MemberInfo{Kind: m.Kind, Joined: m.Joined, Active: m.Active(snap.Today), Observer: m.Observer(snap.Today),
		ObserverUntil: m.ObserverUntil, Ended: m.Ended}
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

// CheckAsOf validates an as-of year (0 means the snapshot's default).
func (snap *Snapshot) CheckAsOf(asOf int) (int, error) {
	if asOf == 0 {
		return snap.AsOf, nil
	}
	if asOf < kr.FirstYear || asOf > LastTrendYear {
		return 0, kr.E(kr.Invalid, "as_of ska vara ett årtal mellan %d och %d.", kr.FirstYear, LastTrendYear)
	}
	return asOf, nil
}

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
	v, err := snap.Memo(fmt.Sprintf("municipality:%s:%d", code, asOf), func() (any, error) {
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
		total := snap.smhiTotal[code]
		r.SMHI = &SourceMetrics{Source: analytics.SourceSMHI, Release: snap.Release.ReleaseDate.Format(time.DateOnly),
			Substance: snap.Substance, Unit: snap.Unit, Sectors: untilAll(snap.smhiSectors[code], asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: muni.Name, Source: analytics.SourceSMHI, Total: total,
				Sectors: snap.smhiSectors[code], Population: pop, AsOf: asOf})}
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
	reported, err := snap.Reported(ctx, []string{code})
	if err != nil {
		return nil, err
	}
	if rep := reported[code]; rep != nil && len(rep.Total) > 0 {
		sm := &SourceMetrics{Source: analytics.SourceReported, Unit: "ton CO2e", Sectors: untilAll(rep.Sectors, asOf),
			Metrics: analytics.ComputeMetrics(analytics.MetricsInput{Code: code, Name: muni.Name, Source: analytics.SourceReported, Total: rep.Total,
				Sectors: rep.Sectors, Population: pop, AsOf: asOf})}
		for _, id := range rep.SubmissionIDs() {
			ref := SubmissionRef{ID: id}
			if sub, err := snap.data.Reports.Get(ctx, id); err == nil {
				ref.FileName, ref.ReportYear, ref.UploadedAt = sub.FileName, sub.ReportYear, sub.UploadedAt
			} else if kr.KindOf(err) != kr.NotFound {
				return nil, err
			}
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
	cur, err := snap.data.Reports.Current(ctx, code)
	if err != nil {
		return nil, unavailable(err)
	}
	if cur.Plans != nil {
		r.Plans = cur.Plans
	}
	if cur.Measures != nil {
		r.Measures = cur.Measures
	}
	sources := goalSources(snap.smhiTotal[code], snap.smhiSectors[code], snap.Unit, snap.Release.ID != "", reported[code], asOf)
	for _, g := range cur.Goals {
		r.Goals = append(r.Goals, analytics.FollowGoal(g, sources, pop))
	}
	return r, nil
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

func untilAll(m map[string]analytics.Series, year int) map[string]analytics.Series {
	out := make(map[string]analytics.Series, len(m))
	for k, s := range m {
		out[k] = analytics.Until(s, year)
	}
	return out
}

// groupArea is a group of municipalities taken as one area.
type groupArea struct {
	key   string // "sweden", "members", "county:12"
	avg   analytics.GroupAverage
	codes []string         // its municipalities
	total analytics.Series // SMHI totals (SMHI's own for Sweden and counties, the sum for members)
	pop   analytics.PopulationFunc
}

func groupFor(groups []groupArea, county string) groupArea {
	for _, g := range groups {
		if g.key == analytics.GroupCounty+":"+county {
			return g
		}
	}
	return groupArea{}
}

// groupAreas returns Sweden, the members and each county, in that order
// (memoised).
func (snap *Snapshot) groupAreas() []groupArea {
	v, _ := snap.Memo("groups", func() (any, error) {
		all := make([]string, 0, len(snap.Municipalities))
		byCounty := map[string][]string{}
		for _, m := range snap.Municipalities {
			all = append(all, m.Code)
			byCounty[m.CountyCode] = append(byCounty[m.CountyCode], m.Code)
		}
		sweden := snap.smhiTotal["00"]
		if len(sweden) == 0 {
			sweden = snap.sumSMHI(all)
		}
		swedenPop := analytics.AreaPopulation(snap.Population, "00")
		if _, ok := snap.Population["00"]; !ok {
			swedenPop = analytics.GroupPopulation(snap.Population, all)
		}
		mem := snap.ActiveMunicipalityMembers()
		groups := []groupArea{
			{key: analytics.GroupSweden, avg: analytics.GroupAverage{Group: analytics.GroupSweden, Code: "00", Name: "Sverige"}, codes: all, total: sweden, pop: swedenPop},
			{key: analytics.GroupMembers, avg: analytics.GroupAverage{Group: analytics.GroupMembers, Name: "Klimatkommunernas medlemmar"}, codes: mem,
				total: snap.sumSMHI(mem), pop: analytics.GroupPopulation(snap.Population, mem)},
		}
		for _, c := range snap.Counties {
			total := snap.smhiTotal[c.Code]
			if len(total) == 0 {
				total = snap.sumSMHI(byCounty[c.Code])
			}
			pop := analytics.AreaPopulation(snap.Population, c.Code)
			if _, ok := snap.Population[c.Code]; !ok {
				pop = analytics.GroupPopulation(snap.Population, byCounty[c.Code])
			}
			groups = append(groups, groupArea{key: analytics.GroupCounty + ":" + c.Code, avg: analytics.GroupAverage{Group: analytics.GroupCounty, Code: c.Code, Name: c.Name},
				codes: byCounty[c.Code], total: total, pop: pop})
		}
		return groups, nil
	})
	return v.([]groupArea)
}

func (snap *Snapshot) sumSMHI(codes []string) analytics.Series {
	ss := make([]analytics.Series, 0, len(codes))
	for _, c := range codes {
		ss = append(ss, snap.smhiTotal[c])
	}
	return analytics.SumSeries(ss)
}

// RankingQuery selects a ranking.
type RankingQuery struct {
	Metric     string // default analytics.MetricPerCapita
	Source     string // analytics.SourceSMHI (default) or analytics.SourceReported
	Year       int    // data year; 0: the latest
	AsOf       int    // 0: the calendar year
	Descending bool
}

// Ranking is every municipality ranked by one metric, with averages.
type Ranking struct {
	Metric    analytics.MetricInfo     `json:"metric"`
	Source    string                   `json:"source"`
	Release   string                   `json:"release,omitempty"`
	Substance string                   `json:"substance,omitempty"`
	Unit      string                   `json:"unit"`
	Year      int                      `json:"year"`
	AsOf      int                      `json:"as_of"`
	Order     string                   `json:"order"` // "asc" or "desc"
	Rows      []analytics.RankingRow   `json:"rows"`
	Averages  []analytics.GroupAverage `json:"averages"`
}

// CheckRankingQuery fills in defaults and validates q.
func (snap *Snapshot) CheckRankingQuery(ctx context.Context, q RankingQuery) (RankingQuery, error) {
	if q.Metric == "" {
		q.Metric = analytics.MetricPerCapita
	}
	if _, ok := analytics.MetricByName(q.Metric); !ok {
		names := make([]string, len(analytics.Metrics()))
		for i, m := range analytics.Metrics() {
			names[i] = m.Name
		}
		return q, kr.E(kr.Invalid, "Måttet %q finns inte. Välj ett av: %s.", q.Metric, strings.Join(names, ", "))
	}
	switch q.Source {
	case "":
		q.Source = analytics.SourceSMHI
	case analytics.SourceSMHI, analytics.SourceReported:
	default:
		return q, kr.E(kr.Invalid, "Källan %q finns inte. Välj smhi (SMHI:s officiella siffror) eller reported (medlemmarnas egna).", q.Source)
	}
	var err error
	if q.AsOf, err = snap.CheckAsOf(q.AsOf); err != nil {
		return q, err
	}
	if q.Year == 0 {
		q.Year = snap.LatestSMHIYear()
		if q.Source == analytics.SourceReported {
			q.Year = 0
			all, err := snap.Reported(ctx, nil)
			if err != nil {
				return q, err
			}
			for _, r := range all {
				if p, ok := r.Total.Last(); ok && p.Year > q.Year {
					q.Year = p.Year
				}
			}
		}
		if q.Year == 0 || q.Year > q.AsOf {
			q.Year = q.AsOf
		}
	}
	if q.Year < kr.FirstYear || q.Year > q.AsOf {
		return q, kr.E(kr.Invalid, "year ska vara ett årtal mellan %d och as_of (%d).", kr.FirstYear, q.AsOf)
	}
	return q, nil
}

// AllMetrics returns the metrics of every municipality with data from a
// source, as of asOf with data up to year (memoised).
func (snap *Snapshot) AllMetrics(ctx context.Context, source string, asOf, year int) (map[string]analytics.AreaMetrics, error) {
	v, err := snap.Memo(fmt.Sprintf("all:%s:%d:%d", source, asOf, year), func() (any, error) {
		out := map[string]analytics.AreaMetrics{}
		var reported map[string]*Reported
		if source == analytics.SourceReported {
			var err error
			if reported, err = snap.Reported(ctx, nil); err != nil {
				return nil, err
			}
		}
		for _, m := range snap.Municipalities {
			in := analytics.MetricsInput{Code: m.Code, Name: m.Name, Source: source, AsOf: asOf, DataYear: year,
				Population: analytics.AreaPopulation(snap.Population, m.Code)}
			if source == analytics.SourceReported {
				rep := reported[m.Code]
				if rep == nil {
					continue
				}
				in.Total = rep.Total
			} else {
				in.Total = snap.smhiTotal[m.Code]
			}
			out[m.Code] = analytics.ComputeMetrics(in)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]analytics.AreaMetrics), nil
}

// Ranking ranks every municipality (every one with reports, for the
// reported source) by a metric, with the averages of Sweden, the members
// and each county (memoised).
func (snap *Snapshot) Ranking(ctx context.Context, q RankingQuery) (*Ranking, error) {
	q, err := snap.CheckRankingQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	v, err := snap.Memo(fmt.Sprintf("ranking:%s:%s:%d:%d:%t", q.Metric, q.Source, q.Year, q.AsOf, q.Descending), func() (any, error) {
		all, err := snap.AllMetrics(ctx, q.Source, q.AsOf, q.Year)
		if err != nil {
			return nil, err
		}
		info, _ := analytics.MetricByName(q.Metric)
		r := &Ranking{Metric: info, Source: q.Source, Year: q.Year, AsOf: q.AsOf, Order: "asc", Rows: []analytics.RankingRow{}, Averages: []analytics.GroupAverage{}}
		if q.Descending {
			r.Order = "desc"
		}
		r.Unit = info.Unit
		if q.Source == analytics.SourceSMHI && snap.Release.ID != "" {
			r.Release, r.Substance = snap.Release.ReleaseDate.Format(time.DateOnly), snap.Substance
		}
		switch q.Metric {
		case analytics.MetricEmissions:
			r.Unit = snap.Unit
			if q.Source == analytics.SourceReported {
				r.Unit = "ton CO2e"
			}
		case analytics.MetricPerCapita:
			r.Unit = strings.TrimPrefix(snap.Unit, "ton ") + " ton per invånare"
			if q.Source == analytics.SourceReported {
				r.Unit = "ton CO2e per invånare"
			}
		}
		for _, m := range snap.Municipalities {
			am, ok := all[m.Code]
			if !ok {
				continue
			}
			r.Rows = append(r.Rows, analytics.RankingRow{Code: m.Code, Name: m.Name, CountyCode: m.CountyCode, CountyName: m.CountyName,
				Member: snap.IsActiveMember(m.Code), Year: am.LastYear, Value: am.Value(q.Metric)})
		}
		analytics.RankRows(r.Rows, q.Descending)
		for _, g := range snap.groupAreas() {
			avg := g.avg
			var vals []*float64
			for _, c := range g.codes {
				if am, ok := all[c]; ok {
					vals = append(vals, am.Value(q.Metric))
				}
			}
			avg.Mean, avg.Municipalities = analytics.MeanOf(vals)
			if q.Source == analytics.SourceSMHI {
				gm := analytics.ComputeMetrics(analytics.MetricsInput{Code: g.avg.Code, Name: g.avg.Name, Source: q.Source, Total: g.total,
					Population: g.pop, AsOf: q.AsOf, DataYear: q.Year})
				avg.Value, avg.Year = gm.Value(q.Metric), gm.LastYear
			}
			r.Averages = append(r.Averages, avg)
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Ranking), nil
}

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
// base year (memoised).
func (snap *Snapshot) Compare(ctx context.Context, q CompareQuery) (*Comparison, error) {
	if len(q.Codes) == 0 {
		return nil, kr.E(kr.Invalid, "Välj minst en kommun att jämföra.")
	}
	if len(q.Codes) > MaxCompare {
		return nil, kr.E(kr.Invalid, "Jämför högst %d kommuner åt gången.", MaxCompare)
	}
	switch q.Source {
	case "":
		q.Source = analytics.SourceSMHI
	case analytics.SourceSMHI, analytics.SourceReported:
	default:
		return nil, kr.E(kr.Invalid, "Källan %q finns inte. Välj smhi eller reported.", q.Source)
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
	key := fmt.Sprintf("compare:%s:%d:%d:%s", q.Source, q.BaseYear, asOf, strings.Join(codes, ","))
	v, err := snap.Memo(key, func() (any, error) {
		c := &Comparison{Source: q.Source, Unit: "ton CO2e", Areas: []CompareArea{}, Years: []int{}}
		totals := map[string]analytics.Series{}
		if q.Source == analytics.SourceSMHI {
			c.Unit, c.Substance = snap.Unit, snap.Substance
			if snap.Release.ID != "" {
				c.Release = snap.Release.ReleaseDate.Format(time.DateOnly)
			}
			for _, code := range codes {
				totals[code] = analytics.Until(snap.smhiTotal[code], asOf)
			}
		} else {
			rep, err := snap.Reported(ctx, codes)
			if err != nil {
				return nil, err
			}
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
			pop := analytics.AreaPopulation(snap.Population, code)
			pc := analytics.PerCapitaSeries(t, pop)
			idx, _ := analytics.IndexSeries(t, c.BaseYear)
			c.Areas = append(c.Areas, CompareArea{Code: code, Name: snap.names[code], Member: snap.IsActiveMember(code), Total: t,
				PerCapita: NamedSeries{Code: code, Name: snap.names[code], Series: pc, PopulationYears: snap.popYears(pop, pc)}, Index: idx})
			for _, p := range t {
				years[p.Year] = true
			}
		}
		for y := range years {
			c.Years = append(c.Years, y)
		}
		sort.Ints(c.Years)
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Comparison), nil
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

// MemberRow is one member on the overview.
type MemberRow struct {
	Code     string                `json:"code"`
	Name     string                `json:"name"`
	County   string                `json:"county"`
	Kind     string                `json:"kind"` // members.KindMunicipality or members.KindRegion
	Joined   time.Time             `json:"joined"`
	Observer bool                  `json:"observer"`
	SMHI     analytics.AreaMetrics `json:"smhi"`
	// LatestReported is the member's latest reported total, if any, and
	// the submission it comes from.
	LatestReported *analytics.Point `json:"latest_reported"`
	Submission     string           `json:"submission,omitempty"`
	ReportedPerCap *float64         `json:"reported_per_capita"`
}

// Overview is the front page: the association's headline figures and its
// members with their latest figures.
type Overview struct {
	AsOf      int    `json:"as_of"`
	Release   string `json:"release,omitempty"`
	Substance string `json:"substance,omitempty"`
	Unit      string `json:"unit"`
	Year      int    `json:"year"` // the latest SMHI year
	// Headline: the members' per capita (Σ tonnes / Σ inhabitants) against
	// Sweden's, in Year.
	Members    analytics.GroupAverage `json:"members_average"`
	Sweden     analytics.GroupAverage `json:"sweden_average"`
	PerCapita  []NamedSeries          `json:"per_capita"` // Sweden and the members, per year
	MemberRows []MemberRow            `json:"members"`
}

// Overview builds the front page's figures (memoised).
func (snap *Snapshot) Overview(ctx context.Context) (*Overview, error) {
	v, err := snap.Memo("overview", func() (any, error) {
		o := &Overview{AsOf: snap.AsOf, Unit: snap.Unit, Substance: snap.Substance, Year: snap.LatestSMHIYear(), MemberRows: []MemberRow{}}
		if snap.Release.ID != "" {
			o.Release = snap.Release.ReleaseDate.Format(time.DateOnly)
		}
		groups := snap.groupAreas()
		for i, g := range groups[:2] {
			s := analytics.PerCapitaSeries(analytics.Until(g.total, snap.AsOf), g.pop)
			o.PerCapita = append(o.PerCapita, NamedSeries{Code: g.avg.Code, Name: g.avg.Name, Series: s, PopulationYears: snap.popYears(g.pop, s)})
			avg := g.avg
			avg.Municipalities = len(g.codes)
			if v, ok := s.Value(o.Year); ok {
				avg.Value, avg.Year = ptr(v), o.Year
			}
			if i == 0 {
				o.Sweden = avg
			} else {
				o.Members = avg
			}
		}
		var codes []string
		for _, m := range snap.Members {
			if m.Active(snap.Today) {
				codes = append(codes, m.Code)
			}
		}
		reported, err := snap.Reported(ctx, codes)
		if err != nil {
			return nil, err
		}
		for _, m := range snap.Members {
			if !m.Active(snap.Today) {
				continue
			}
			row := MemberRow{Code: m.Code, Name: snap.names[m.Code], Kind: m.Kind, Joined: m.Joined, Observer: m.Observer(snap.Today)}
			if mu, ok := snap.muni[m.Code]; ok {
				row.County = mu.CountyName
			}
			if row.Name == "" {
				row.Name = m.Code
			}
			pop := analytics.AreaPopulation(snap.Population, m.Code)
			row.SMHI = analytics.ComputeMetrics(analytics.MetricsInput{Code: m.Code, Name: row.Name, Source: analytics.SourceSMHI, Total: snap.smhiTotal[m.Code],
				Population: pop, AsOf: snap.AsOf})
			if rep := reported[m.Code]; rep != nil {
				if p, ok := rep.Total.Last(); ok {
					row.LatestReported, row.Submission = &p, rep.Submissions[p.Year]
					if persons, _, ok := pop(p.Year); ok {
						if pc, ok := analytics.PerCapita(p.Tonnes, persons); ok {
							row.ReportedPerCap = ptr(pc)
						}
					}
				}
			}
			o.MemberRows = append(o.MemberRows, row)
		}
		return o, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Overview), nil
}

// ParseYear reads an optional year parameter ("" → 0).
func ParseYear(name, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < kr.FirstYear || y > 2100 {
		return 0, kr.E(kr.Invalid, "%s ska vara ett årtal mellan %d och 2100.", name, kr.FirstYear)
	}
	return y, nil
}

func ptr(v float64) *float64 { return &v }
