package publish

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// smhiFigures are SMHI's series of the published release: the newest
// release of the default substance (national.Store.DefaultSubstance). Pages,
// the API and goal follow-up all read this one release.
type smhiFigures struct {
	Substance string
	Unit      string           // "ton CO2e", "ton CO2", …
	Release   national.Release // ID "" when there is none
	Total     map[string]analytics.Series
	Sectors   map[string]map[string]analytics.Series
}

// loadSMHI reads the published release's yearly totals and main-sector
// series of each list of areas (nil: every municipality; county codes and
// "00" for Sweden may be listed).
func (d Data) loadSMHI(ctx context.Context, areaLists ...[]string) (smhiFigures, error) {
	f := smhiFigures{Unit: "ton CO2e", Total: map[string]analytics.Series{}, Sectors: map[string]map[string]analytics.Series{}}
	sub, err := d.National.DefaultSubstance(ctx)
	if err != nil {
		return f, err
	}
	f.Substance = sub
	if sub != national.AllGHG {
		f.Unit = "ton " + sub
	}
	rel, ok, err := d.National.ReleaseFor(ctx, sub, time.Time{})
	if err != nil || !ok {
		return f, err
	}
	f.Release = rel
	for _, codes := range areaLists {
		for _, bySector := range []bool{false, true} {
			vals, _, err := d.National.Values(ctx, national.Query{Codes: codes, BySector: bySector, Substance: sub, Release: rel.ReleaseDate})
			if err != nil {
				return f, err
			}
			for _, v := range vals {
				p := analytics.Point{Year: int(v.Year), Tonnes: v.Tonnes}
				if !bySector {
					f.Total[v.AreaCode] = append(f.Total[v.AreaCode], p)
					continue
				}
				if f.Sectors[v.AreaCode] == nil {
					f.Sectors[v.AreaCode] = map[string]analytics.Series{}
				}
				f.Sectors[v.AreaCode][v.Sector] = append(f.Sectors[v.AreaCode][v.Sector], p)
			}
		}
	}
	return f, nil
}

// GoalFigures are the figures some members' goals are followed up against:
// SMHI's published release and the members' reported figures as they stood
// at one moment, with SCB's population for per-capita goals.
type GoalFigures struct {
	Release    national.Release // SMHI's; ID "" when there is none
	Reported   map[string]*Reported
	Population analytics.Populations
	smhi       smhiFigures
}

// LoadGoalFigures reads what following up the goals of codes needs: SMHI's
// figures of the release the public pages show, the reported figures visible
// at asOf (zero: now; see submissions.VisibleSQL) and the population. It is
// the one loader of goal follow-up besides the snapshot, which holds the
// same figures for every municipality; without a national store (nil) there
// are only the reported figures.
func (d Data) LoadGoalFigures(ctx context.Context, codes []string, asOf time.Time) (*GoalFigures, error) {
	f := &GoalFigures{smhi: smhiFigures{Unit: "ton CO2e"}}
	if d.National != nil {
		var err error
		if f.smhi, err = d.loadSMHI(ctx, codes); err != nil {
			return nil, err
		}
		f.Release = f.smhi.Release
		if f.Population, err = d.Populations(ctx); err != nil {
			return nil, err
		}
	}
	var err error
	f.Reported, err = d.reported(ctx, submissions.SeriesQuery{Codes: codes, AsOf: asOf, BySector: true})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Sources returns the sources code's goals are followed up against, with
// the data up to year, in the order the municipality page shows them.
func (f *GoalFigures) Sources(code string, year int) []analytics.GoalSource {
	return goalSources(f.smhi.Total[code], f.smhi.Sectors[code], f.smhi.Unit, f.Release.ID != "", f.Reported[code], year)
}

// goalSources are the sources a municipality's goals are followed up
// against, as of the year asOf: SMHI's figures of the published release (when
// there is one), then the member's own (when it has reported any). The
// municipality page and the compliance review both build them here.
func goalSources(smhiTotal analytics.Series, smhiSectors map[string]analytics.Series, smhiUnit string, hasRelease bool,
	rep *Reported, asOf int) []analytics.GoalSource {
	var out []analytics.GoalSource
	if hasRelease {
		out = append(out, analytics.GoalSource{Source: analytics.SourceSMHI, Unit: smhiUnit,
			Total: analytics.Until(smhiTotal, asOf), Sectors: untilAll(smhiSectors, asOf)})
	}
	if rep != nil && len(rep.Total) > 0 {
		out = append(out, analytics.GoalSource{Source: analytics.SourceReported, Unit: reportedUnit,
			Total: analytics.Until(rep.Total, asOf), Sectors: untilAll(rep.Sectors, asOf)})
	}
	return out
}

func ptr(v float64) *float64 { return &v }
