package figures

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// GoalFigures are the figures some members' goals are followed up against:
// SMHI's published release and the members' reported figures as they stood
// at one moment, with SCB's population for per-capita goals.
type GoalFigures struct {
	Reported   map[string]*Reported
	Population analytics.Populations
	smhi       SMHI
}

// LoadGoalFigures reads what following up the goals of codes needs: SMHI's
// figures of the release the public pages show, the reported figures visible
// at asOf (zero: now; see submissions.VisibleSQL) and the population. The
// public read service holds the same figures for every municipality; without
// a national store (nil) there are only the reported figures.
func (d Data) LoadGoalFigures(ctx context.Context, codes []string, asOf time.Time) (*GoalFigures, error) {
	f := &GoalFigures{smhi: SMHI{Unit: "ton CO2e"}}
	var err error
	if d.National != nil {
		if f.smhi, err = d.SMHI(ctx, codes); err != nil {
			return nil, err
		}
		if f.Population, err = d.Populations(ctx); err != nil {
			return nil, err
		}
	}
	if f.Reported, err = d.reported(ctx, submissions.SeriesQuery{Codes: codes, AsOf: asOf, BySector: true}); err != nil {
		return nil, err
	}
	return f, nil
}

// Release is SMHI's release the goals are followed up against; ID "" when
// there is none.
func (f *GoalFigures) Release() national.Release { return f.smhi.Release }

// Sources returns the sources code's goals are followed up against, with
// the data up to year, in the order the municipality page shows them.
func (f *GoalFigures) Sources(code string, year int) []analytics.GoalSource {
	return GoalSources(f.smhi, code, f.Reported[code], year)
}

// GoalSources are the sources a municipality's goals are followed up
// against, as of the year asOf: SMHI's figures of the published release (when
// there is one), then the member's own (when it has reported any). The
// municipality page and the compliance review both build them here.
func GoalSources(smhi SMHI, code string, rep *Reported, asOf int) []analytics.GoalSource {
	var out []analytics.GoalSource
	if smhi.Release.ID != "" {
		out = append(out, analytics.GoalSource{Source: analytics.SourceSMHI, Unit: smhi.Unit,
			Total: analytics.Until(smhi.Total[code], asOf), Sectors: SectorsUntil(smhi.Sectors[code], asOf)})
	}
	if rep != nil && len(rep.Total) > 0 {
		out = append(out, analytics.GoalSource{Source: analytics.SourceReported, Unit: ReportedUnit,
			Total: analytics.Until(rep.Total, asOf), Sectors: SectorsUntil(rep.Sectors, asOf)})
	}
	return out
}

// SectorsUntil returns each sector's series up to and including year.
func SectorsUntil(m map[string]analytics.Series, year int) map[string]analytics.Series {
	out := make(map[string]analytics.Series, len(m))
	for k, s := range m {
		out[k] = analytics.Until(s, year)
	}
	return out
}
