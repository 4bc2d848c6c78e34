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
	// (the same year when SCB has it, else the nearest year SCB has).
	PerCapita      *float64 `json:"per_capita,omitempty"`
	PopulationYear int      `json:"population_year,omitempty"`
	Submission     string   `json:"submission,omitempty"` // reported figures: the submission it comes from
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

// Emissions returns the series a query asks for.
func (d Data) Emissions(ctx context.Context, q EmissionsQuery) (Emissions, error) {
	out := Emissions{Source: q.Source, PerCapita: q.PerCapita, Unit: "ton CO2e", Series: []EmissionSeries{}}
	var err error
	if out.Source, err = CheckSource(q.Source); err != nil {
		return out, err
	}
	type key struct{ code, sector string }
	points := map[key][]EmissionPoint{}
	switch out.Source {
	case analytics.SourceSMHI:
		vals, rel, err := d.National.Values(ctx, national.Query{Codes: q.Codes, From: q.From, To: q.To, BySector: q.BySector,
			Substance: q.Substance, Release: q.Release})
		if err != nil {
			return out, err
		}
		if rel.ID != "" {
			out.Substance, out.Release = rel.Substance, rel.ReleaseDate.Format(time.DateOnly)
			if rel.Substance != national.AllGHG {
				out.Unit = "ton " + rel.Substance
			}
		}
		for _, v := range vals {
			k := key{v.AreaCode, v.Sector}
			points[k] = append(points[k], EmissionPoint{Year: int(v.Year), Tonnes: v.Tonnes})
		}
	case analytics.SourceReported:
		vals, err := d.Reports.Series(ctx, submissions.SeriesQuery{Codes: q.Codes, From: q.From, To: q.To, BySector: q.BySector})
		if err != nil {
			return out, err
		}
		for _, v := range vals {
			k := key{v.Code, v.Sector}
			points[k] = append(points[k], EmissionPoint{Year: int(v.Year), Tonnes: v.Tonnes, Submission: v.SubmissionID})
		}
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
	for k, ps := range points {
		sort.Slice(ps, func(i, j int) bool { return ps[i].Year < ps[j].Year })
		if q.PerCapita {
			for i := range ps {
				if persons, year, ok := pop.Nearest(k.code, ps[i].Year); ok {
					if pc, ok := analytics.PerCapita(ps[i].Tonnes, persons); ok {
						ps[i].PerCapita, ps[i].PopulationYear = &pc, year
					}
				}
			}
		}
		out.Series = append(out.Series, EmissionSeries{Code: k.code, Name: names[k.code], Sector: k.sector, Points: ps})
	}
	sort.Slice(out.Series, func(i, j int) bool {
		a, b := out.Series[i], out.Series[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return analytics.SectorOrder(a.Sector) < analytics.SectorOrder(b.Sector)
	})
	return out, nil
}
