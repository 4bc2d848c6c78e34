package figures

import (
	"context"
	"sort"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// EmissionsQuery selects emission series.
type EmissionsQuery struct {
	Source    string   // analytics.SourceSMHI (default) or analytics.SourceReported
	Codes     []string // municipalities (or counties, "00" for Sweden, SMHI only); empty: all municipalities
	From, To  int
	BySector  bool
	PerCapita bool
	Substance string    // SMHI only; default GGT when loaded, else the newest release's
	Release   time.Time // SMHI only; zero for the newest
}

// EmissionPoint is one year of a series.
type EmissionPoint struct {
	Year   int     `json:"year"`
	Tonnes float64 `json:"tonnes"`
	// PerCapita is tonnes per inhabitant; set when asked for and the
	// population is known. PopulationYear says whose population was used
	// (the same year when SCB has it, else the nearest year SCB has:
	// analytics.PerCapitaIn).
	PerCapita      *float64 `json:"per_capita,omitempty"`
	PopulationYear int      `json:"population_year,omitempty"`
	// PerCapitaEstimated is true when PopulationYear is not Year: the
	// value is an estimate with the nearest year's population.
	PerCapitaEstimated bool   `json:"per_capita_estimated,omitempty"`
	Submission         string `json:"submission,omitempty"` // reported figures: the submission it comes from
}

// EmissionSeries is one area's (and sector's) series.
type EmissionSeries struct {
	Code   string          `json:"municipality"`
	Name   string          `json:"name"`
	Sector string          `json:"sector,omitempty"`
	Points []EmissionPoint `json:"values"`
}

// Emissions is the answer to an EmissionsQuery.
type Emissions struct {
	Source    string           `json:"source"`
	Substance string           `json:"substance,omitempty"`
	Release   string           `json:"release,omitempty"` // SMHI's release date
	Unit      string           `json:"unit"`
	PerCapita bool             `json:"per_capita"`
	Series    []EmissionSeries `json:"series"`
}

// seriesKey names one series of an answer: an area and a sector ("" for
// the totals).
type seriesKey struct{ code, sector string }

// Emissions returns the series a query asks for, read from the database.
// Reported totals are the sums of the sectors' figures in the order of
// the sectors (as Reported's), the same whichever engine runs the query.
func (d Data) Emissions(ctx context.Context, q EmissionsQuery) (Emissions, error) {
	out, err := newEmissions(q)
	if err != nil {
		return out, err
	}
	c := newCollector(q)
	switch out.Source {
	case analytics.SourceSMHI:
		vals, rel, err := d.National.Values(ctx, national.Query{Codes: q.Codes, From: q.From, To: q.To, BySector: q.BySector,
			Substance: q.Substance, Release: q.Release})
		if err != nil {
			return out, err
		}
		out.setRelease(rel)
		for _, v := range vals {
			k := seriesKey{v.AreaCode, v.Sector}
			c.points[k] = append(c.points[k], EmissionPoint{Year: int(v.Year), Tonnes: v.Tonnes})
		}
	case analytics.SourceReported:
		reps, err := d.reported(ctx, submissions.SeriesQuery{Codes: q.Codes, From: q.From, To: q.To, BySector: true})
		if err != nil {
			return out, err
		}
		c.reported(reps)
	}
	names, err := d.AreaNames(ctx)
	if err != nil {
		return out, err
	}
	var pop analytics.Populations
	if q.PerCapita {
		if pop, err = d.Populations(ctx); err != nil {
			return out, err
		}
	}
	out.fill(c.points, names, pop)
	return out, nil
}

// Loaded are figures already in memory, for EmissionsFrom.
type Loaded struct {
	// SMHI is the published release as Data.SMHI loads it for every
	// municipality (nil), and for the counties and "00".
	SMHI SMHI
	// Reported are the reported figures of every municipality with reports
	// (or at least of those asked for), all years.
	Reported   map[string]*Reported
	Names      map[string]string // Names' map
	Population analytics.Populations
}

// EmissionsFrom answers q from figures in memory, with the same answer
// Data.Emissions reads from the database as long as f holds what q asks
// for: SMHI's release and substance of f.SMHI (q's Release and Substance
// are not read), and every area q names.
func EmissionsFrom(q EmissionsQuery, f Loaded) (Emissions, error) {
	out, err := newEmissions(q)
	if err != nil {
		return out, err
	}
	c := newCollector(q)
	switch out.Source {
	case analytics.SourceSMHI:
		if f.SMHI.Release.ID == "" {
			break
		}
		out.setRelease(f.SMHI.Release)
		for code, s := range f.SMHI.Total {
			if c.wanted(code) && !q.BySector {
				c.add(code, "", s, nil)
			}
		}
		for code, sectors := range f.SMHI.Sectors {
			if !c.wanted(code) || !q.BySector {
				continue
			}
			for sector, s := range sectors {
				c.add(code, sector, s, nil)
			}
		}
	case analytics.SourceReported:
		c.reported(f.Reported)
	}
	out.fill(c.points, f.Names, f.Population)
	return out, nil
}

// collector gathers the points of the series a query asks for.
type collector struct {
	q      EmissionsQuery
	to     int
	asked  map[string]bool
	points map[seriesKey][]EmissionPoint
}

func newCollector(q EmissionsQuery) *collector {
	c := &collector{q: q, to: q.To, asked: map[string]bool{}, points: map[seriesKey][]EmissionPoint{}}
	if c.to == 0 {
		c.to = 9999
	}
	for _, code := range q.Codes {
		c.asked[code] = true
	}
	return c
}

// wanted reports whether code's series are asked for: it is named, or
// none is and it is a municipality's (the database's level
// 'municipality': a four-digit code).
func (c *collector) wanted(code string) bool {
	return c.asked[code] || len(c.asked) == 0 && len(code) == 4
}

// add adds the points of s within the years asked for, with the
// submission of each year when the figures are reported.
func (c *collector) add(code, sector string, s analytics.Series, submission map[int]string) {
	for _, p := range s {
		if p.Year >= c.q.From && p.Year <= c.to {
			k := seriesKey{code, sector}
			c.points[k] = append(c.points[k], EmissionPoint{Year: p.Year, Tonnes: p.Tonnes, Submission: submission[p.Year]})
		}
	}
}

// reported adds the reported figures asked for: per sector or the totals.
func (c *collector) reported(reps map[string]*Reported) {
	for code, rep := range reps {
		switch {
		case len(c.asked) > 0 && !c.asked[code]:
		case c.q.BySector:
			for sector, s := range rep.Sectors {
				c.add(code, sector, s, rep.Submissions)
			}
		default:
			c.add(code, "", rep.Total, rep.Submissions)
		}
	}
}

// newEmissions is the answer to q before its series, or q's error.
func newEmissions(q EmissionsQuery) (Emissions, error) {
	out := Emissions{Source: q.Source, PerCapita: q.PerCapita, Unit: "ton CO2e", Series: []EmissionSeries{}}
	var err error
	out.Source, err = CheckSource(q.Source)
	return out, err
}

// setRelease names SMHI's release the series come from, and its unit.
func (e *Emissions) setRelease(rel national.Release) {
	if rel.ID == "" {
		return
	}
	e.Substance, e.Release = rel.Substance, rel.ReleaseDate.Format(time.DateOnly)
	if rel.Substance != national.AllGHG {
		e.Unit = "ton " + rel.Substance
	}
}

// fill sets the answer's series from their points: by year, per capita
// when asked (from pop), ordered by area and sector.
func (e *Emissions) fill(points map[seriesKey][]EmissionPoint, names map[string]string, pop analytics.Populations) {
	for k, ps := range points {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Year < ps[j].Year })
		if e.PerCapita {
			areaPop := analytics.AreaPopulation(pop, k.code)
			for i := range ps {
				if pc, ok := analytics.PerCapitaIn(ps[i].Tonnes, ps[i].Year, areaPop); ok {
					ps[i].PerCapita, ps[i].PopulationYear, ps[i].PerCapitaEstimated = &pc.Value, pc.PopulationYear, pc.Estimated
				}
			}
		}
		e.Series = append(e.Series, EmissionSeries{Code: k.code, Name: names[k.code], Sector: k.sector, Points: ps})
	}
	sort.Slice(e.Series, func(i, j int) bool {
		a, b := e.Series[i], e.Series[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if oa, ob := analytics.SectorOrder(a.Sector), analytics.SectorOrder(b.Sector); oa != ob {
			return oa < ob
		}
		return a.Sector < b.Sector
	})
}
