package figures

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// SMHI holds SMHI's series of the published release: the newest release of
// the default substance (national.Store.DefaultSubstance). Pages, the API
// and goal follow-up all read this one release.
type SMHI struct {
	Substance string
	Unit      string           // "ton CO2e", "ton CO2", …
	Release   national.Release // ID "" when there is none
	Total     map[string]analytics.Series
	Sectors   map[string]map[string]analytics.Series
}

// SMHI reads the published release's yearly totals and main-sector series
// of each list of areas (nil: every municipality; county codes and "00" for
// Sweden may be listed).
func (d Data) SMHI(ctx context.Context, areaLists ...[]string) (SMHI, error) {
	f := SMHI{Unit: "ton CO2e", Total: map[string]analytics.Series{}, Sectors: map[string]map[string]analytics.Series{}}
	rel, ok, err := d.SMHIRelease(ctx)
	if err != nil {
		return f, err
	}
	f.Substance = rel.Substance
	if rel.Substance != national.AllGHG {
		f.Unit = "ton " + rel.Substance
	}
	if !ok {
		return f, nil
	}
	return d.SMHIOf(ctx, rel.Substance, rel, areaLists...)
}

// SMHIRelease is the release SMHI reads: the newest of the default
// substance. Without one, ok is false and only the substance is set.
func (d Data) SMHIRelease(ctx context.Context) (rel national.Release, ok bool, err error) {
	sub, err := d.National.DefaultSubstance(ctx)
	if err != nil {
		return rel, false, err
	}
	rel, ok, err = d.National.ReleaseFor(ctx, sub, time.Time{})
	if !ok {
		rel = national.Release{Substance: sub}
	}
	return rel, ok, err
}

// SMHIOf reads release rel's (of substance sub) yearly totals and
// main-sector series of each list of areas, as SMHI does the published
// release's.
func (d Data) SMHIOf(ctx context.Context, sub string, rel national.Release, areaLists ...[]string) (SMHI, error) {
	f := SMHI{Substance: sub, Unit: "ton CO2e", Release: rel, Total: map[string]analytics.Series{}, Sectors: map[string]map[string]analytics.Series{}}
	if sub != national.AllGHG {
		f.Unit = "ton " + sub
	}
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
