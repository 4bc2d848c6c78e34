package figures

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// Reported is one municipality's own reported figures: the current value of
// each year (from the latest accepted submission holding that year), per
// main sector and summed, with the submission each year comes from.
type Reported struct {
	Code        string                      `json:"municipality"`
	Total       analytics.Series            `json:"total"`
	Sectors     map[string]analytics.Series `json:"sectors"`
	Submissions map[int]string              `json:"submissions"` // year → submission id
}

// SubmissionIDs returns the distinct submissions the figures come from,
// newest year first.
func (r *Reported) SubmissionIDs() []string {
	years := slices.Sorted(maps.Keys(r.Submissions))
	slices.Reverse(years)
	seen := map[string]bool{}
	var out []string
	for _, y := range years {
		if id := r.Submissions[y]; !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ReportedSeries returns the current reported figures of the given
// municipalities (every municipality with reports when codes is empty) for
// the years from..to (0: open), keyed by code.
// It is the comparison query: submissions.Series, regrouped per municipality.
func (d Data) ReportedSeries(ctx context.Context, codes []string, from, to int) (map[string]*Reported, error) {
	return d.reported(ctx, submissions.SeriesQuery{Codes: codes, From: from, To: to, BySector: true})
}

// reported runs a per-sector series query and regroups its rows per
// municipality.
func (d Data) reported(ctx context.Context, q submissions.SeriesQuery) (map[string]*Reported, error) {
	rows, err := d.Reports.Series(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]*Reported{}
	totals := map[string]map[int]float64{}
	for _, r := range rows {
		rep := out[r.Code]
		if rep == nil {
			rep = &Reported{Code: r.Code, Sectors: map[string]analytics.Series{}, Submissions: map[int]string{}}
			out[r.Code] = rep
			totals[r.Code] = map[int]float64{}
		}
		y := int(r.Year)
		rep.Sectors[r.Sector] = append(rep.Sectors[r.Sector], analytics.Point{Year: y, Tonnes: r.Tonnes})
		rep.Submissions[y] = r.SubmissionID
		totals[r.Code][y] += r.Tonnes
	}
	for code, rep := range out {
		for y, t := range totals[code] {
			rep.Total = append(rep.Total, analytics.Point{Year: y, Tonnes: t})
		}
		slices.SortFunc(rep.Total, func(a, b analytics.Point) int { return cmp.Compare(a.Year, b.Year) })
	}
	return out, nil
}

// ReportedUnit is the unit of members' reported figures: the template asks
// for tonnes CO2e.
const ReportedUnit = "ton CO2e"
