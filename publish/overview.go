package publish

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// MemberRow is one member on the overview.
type MemberRow struct {
	Code     string                `json:"code"`
	Name     string                `json:"name"`
	County   string                `json:"county"`
	Kind     string                `json:"kind"` // members.KindMunicipality or members.KindRegion
	Joined   time.Time             `json:"joined"`
	Observer bool                  `json:"observer"`
	Example  bool                  `json:"example,omitempty"` // members.Member.Example
	SMHI     analytics.AreaMetrics `json:"smhi"`
	// LatestReported is the member's latest reported total, if any, and
	// the submission it comes from.
	LatestReported *analytics.Point `json:"latest_reported"`
	Submission     string           `json:"submission,omitempty"`
	ReportedPerCap *float64         `json:"reported_per_capita"`
	// ReportedPerCapEstimated: ReportedPerCap divides by another year's
	// population (the nearest SCB has).
	ReportedPerCapEstimated bool `json:"reported_per_capita_estimated,omitempty"`
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
			ns := perCapitaSeries(g.avg.Code, g.avg.Name, analytics.Until(g.total, snap.AsOf), g.pop)
			o.PerCapita = append(o.PerCapita, ns)
			avg := ns.average(g.avg, o.Year)
			avg.Municipalities = len(g.codes)
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
		reported := snap.Reported(codes)
		for _, m := range snap.Members {
			if !m.Active(snap.Today) {
				continue
			}
			row := MemberRow{Code: m.Code, Name: snap.names[m.Code], Kind: m.Kind, Joined: m.Joined, Observer: m.Observer(snap.Today),
				Example: m.Example}
			if mu, ok := snap.muni[m.Code]; ok {
				row.County = mu.CountyName
			}
			if row.Name == "" {
				row.Name = m.Code
			}
			pop := analytics.AreaPopulation(snap.Population, m.Code)
			row.SMHI = analytics.ComputeMetrics(analytics.MetricsInput{Code: m.Code, Name: row.Name, Source: analytics.SourceSMHI, Total: snap.smhi.Total[m.Code],
				Population: pop, AsOf: snap.AsOf})
			if rep := reported[m.Code]; rep != nil {
				if p, ok := rep.Total.Last(); ok {
					row.LatestReported, row.Submission = &p, rep.Submissions[p.Year]
					if pc, ok := analytics.PerCapitaIn(p.Tonnes, p.Year, pop); ok {
						row.ReportedPerCap, row.ReportedPerCapEstimated = ptr(pc.Value), pc.Estimated
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
