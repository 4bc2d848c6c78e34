package figures

import (
	"context"
	"math"
	"slices"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// Subsectors holds SMHI's subsector figures of the main sectors the GPC
// view takes apart (kr.GPCSplit), for every municipality of one release:
// per area and year one value per (main sector, subsector) pair, NaN where
// SMHI has none. Dense, so that the published snapshot can keep every
// year of every municipality for about a megabyte.
type Subsectors struct {
	keys   []subsectorKey
	byArea map[string]map[int][]float64
}

type subsectorKey struct{ main, sub string }

// SMHISubsectors reads the subsector figures of release rel's split main
// sectors for every municipality.
func (d Data) SMHISubsectors(ctx context.Context, rel national.Release) (Subsectors, error) {
	s := Subsectors{byArea: map[string]map[int][]float64{}}
	var mains []string
	index := map[subsectorKey]int{}
	for _, m := range kr.MainSectors() {
		if !kr.GPCSplit(m) {
			continue
		}
		mains = append(mains, m)
		for _, sub := range kr.Subsectors(m) {
			index[subsectorKey{m, sub}] = len(s.keys)
			s.keys = append(s.keys, subsectorKey{m, sub})
		}
	}
	vals, err := d.National.SubsectorValues(ctx, rel, mains)
	if err != nil {
		return s, err
	}
	for _, v := range vals {
		i, ok := index[subsectorKey{v.Sector, v.Subsector}]
		if !ok {
			continue // a subsector SMHI added since: its sector goes whole to its row
		}
		years := s.byArea[v.AreaCode]
		if years == nil {
			years = map[int][]float64{}
			s.byArea[v.AreaCode] = years
		}
		row := years[int(v.Year)]
		if row == nil {
			row = slices.Repeat([]float64{math.NaN()}, len(s.keys))
			years[int(v.Year)] = row
		}
		row[i] = v.Tonnes
	}
	return s, nil
}

// Of returns an area's subsector figures of one year: main sector →
// subsector → tonnes (nil when SMHI has none).
func (s Subsectors) Of(area string, year int) map[string]map[string]float64 {
	row := s.byArea[area][year]
	if row == nil {
		return nil
	}
	out := map[string]map[string]float64{}
	for i, v := range row {
		if math.IsNaN(v) {
			continue
		}
		k := s.keys[i]
		if out[k.main] == nil {
			out[k.main] = map[string]float64{}
		}
		out[k.main][k.sub] = v
	}
	return out
}

// ReportedSubsectors are one municipality's current reported subsector
// figures: year → main sector → subsector → tonnes.
type ReportedSubsectors map[int]map[string]map[string]float64

// ReportedSubsectors reads the current reported subsector figures of the
// given municipalities (every one with reports when codes is empty),
// keyed by code; municipalities that report no subsectors are absent.
func (d Data) ReportedSubsectors(ctx context.Context, codes []string) (map[string]ReportedSubsectors, error) {
	rows, err := d.Reports.SubsectorSeries(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := map[string]ReportedSubsectors{}
	for _, r := range rows {
		area := out[r.Code]
		if area == nil {
			area = ReportedSubsectors{}
			out[r.Code] = area
		}
		y := int(r.Year)
		if area[y] == nil {
			area[y] = map[string]map[string]float64{}
		}
		if area[y][r.Sector] == nil {
			area[y][r.Sector] = map[string]float64{}
		}
		area[y][r.Sector][r.Subsector] = r.Tonnes
	}
	return out, nil
}
