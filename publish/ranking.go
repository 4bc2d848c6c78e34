package publish

import (
	"context"
	"fmt"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

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
	var err error
	if q.Source, err = figures.CheckSource(q.Source); err != nil {
		return q, err
	}
	if q.AsOf, err = snap.CheckAsOf(q.AsOf); err != nil {
		return q, err
	}
	if q.Year == 0 {
		q.Year = snap.LatestSMHIYear()
		if q.Source == analytics.SourceReported {
			q.Year = 0
			for _, r := range snap.Reported(nil) {
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
		reported := snap.Reported(nil)
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
				in.Total = snap.smhi.Total[m.Code]
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
				r.Unit = figures.ReportedUnit
			}
		case analytics.MetricPerCapita:
			r.Unit = strings.TrimPrefix(snap.Unit, "ton ") + " ton per invånare"
			if q.Source == analytics.SourceReported {
				r.Unit = figures.ReportedUnit + " per invånare"
			}
		}
		for _, m := range snap.Municipalities {
			am, ok := all[m.Code]
			if !ok {
				continue
			}
			row := analytics.RankingRow{Code: m.Code, Name: m.Name, CountyCode: m.CountyCode, CountyName: m.CountyName,
				Member: snap.IsActiveMember(m.Code), Year: am.LastYear, Value: am.Value(q.Metric)}
			if q.Metric == analytics.MetricPerCapita {
				row.PopulationYear, row.Estimated = am.PopulationYear, am.PerCapitaEstimated
			}
			r.Rows = append(r.Rows, row)
		}
		analytics.RankRows(r.Rows, q.Descending)
		var groups []analytics.AreaMetrics
		if q.Source == analytics.SourceSMHI {
			groups = snap.groupMetrics(q.AsOf, q.Year)
		}
		var vals []*float64
		for i, g := range snap.groupAreas() {
			avg := g.avg
			vals = vals[:0]
			perCapita := q.Metric == analytics.MetricPerCapita
			for _, c := range g.codes {
				if am, ok := all[c]; ok {
					vals = append(vals, am.Value(q.Metric))
					avg.Estimated = avg.Estimated || perCapita && am.PerCapitaEstimated
				}
			}
			avg.Mean, avg.Municipalities = analytics.MeanOf(vals)
			if groups != nil {
				avg.Value, avg.Year = groups[i].Value(q.Metric), groups[i].LastYear
				if perCapita {
					avg.PopulationYear = groups[i].PopulationYear
					avg.Estimated = avg.Estimated || groups[i].PerCapitaEstimated
				}
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

// groupMetrics returns the SMHI metrics of Sweden, the members and each
// county (in groupAreas' order), as of asOf with data up to year: computed
// once per snapshot for every ranking of that year, whatever its metric and
// order.
func (snap *Snapshot) groupMetrics(asOf, year int) []analytics.AreaMetrics {
	v, _ := snap.Memo(fmt.Sprintf("group-metrics:%d:%d", asOf, year), func() (any, error) {
		groups := snap.groupAreas()
		out := make([]analytics.AreaMetrics, len(groups))
		for i, g := range groups {
			out[i] = analytics.ComputeMetrics(analytics.MetricsInput{Code: g.avg.Code, Name: g.avg.Name, Source: analytics.SourceSMHI, Total: g.total,
				Population: g.pop, AsOf: asOf, DataYear: year})
		}
		return out, nil
	})
	return v.([]analytics.AreaMetrics)
}
