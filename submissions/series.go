package submissions

import (
	"context"
	"time"
)

// SeriesValue is a reported figure for a municipality, year and main sector
// (Sector "" when the query asked for totals), with the submission it comes
// from.
type SeriesValue struct {
	Code         string  `ch:"municipality_code" json:"municipality"`
	Year         uint16  `ch:"year" json:"year"`
	Sector       string  `ch:"sector" json:"sector,omitempty"`
	Tonnes       float64 `ch:"tonnes" json:"tonnes"`
	SubmissionID string  `ch:"submission" json:"submission"`
}

// SeriesQuery selects reported figures.
type SeriesQuery struct {
	Codes    []string  // empty: every municipality with reports
	From, To int       // years, inclusive; 0 for open
	AsOf     time.Time // zero: now; else as the figures stood then
	BySector bool
}

// SectorTonnesSQL is the SQL aggregate of a main sector's figure in a
// municipality's report (group inventory_values rows by municipality, year
// and sector): its total row for all gases when there is one, else the sum
// of its subsectors for all gases, else the sum of its per-gas totals.
// Notation keys count as nothing. Every reader of reported figures uses it.
const SectorTonnesSQL = `if(countIf(subsector = '' AND gas = '') > 0, sumIf(ifNull(tonnes, 0), subsector = '' AND gas = ''),
	if(countIf(subsector != '' AND gas = '') > 0, sumIf(ifNull(tonnes, 0), subsector != '' AND gas = ''),
		sumIf(ifNull(tonnes, 0), subsector = '' AND gas != '')))`

// Series returns the current reported figures (see VisibleSQL), per main
// sector or summed to totals, ordered by municipality, sector and year: for
// each municipality and year, the values of its latest accepted submission
// holding that year.
func (s *Service) Series(ctx context.Context, q SeriesQuery) ([]SeriesValue, error) {
	cond, args := VisibleSQL("inventory_values", Scope{Codes: q.Codes, From: q.From, To: q.To, AsOf: q.AsOf})
	bySector := `SELECT municipality_code, year, sector, ` + SectorTonnesSQL + ` AS tonnes,
		toString(any(submission_id)) AS submission
		FROM inventory_values WHERE ` + cond + `
		GROUP BY municipality_code, year, sector`
	sql := bySector + " ORDER BY municipality_code, sector, year"
	if !q.BySector {
		sql = `SELECT municipality_code, year, '' AS sector, sum(tonnes) AS tonnes, any(submission) AS submission
			FROM (` + bySector + `) GROUP BY municipality_code, year ORDER BY municipality_code, year`
	}
	var out []SeriesValue
	if err := s.DB.Select(ctx, &out, sql, args...); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
