package reporting

import (
	"context"
)

// SeriesValue is a reported figure for a municipality, year and main sector
// (Sector "" when the query asked for totals), with the submission it comes
// from.
type SeriesValue struct {
	Code         string  `ch:"municipality_code" json:"municipality"`
	Year         uint16  `ch:"year" json:"year"`
	Sector       string  `ch:"sector" json:"sector,omitempty"`
	Tonnes       float64 `ch:"tonnes" json:"tonnes"`
	SubmissionID string  `ch:"submission_id" json:"submission"`
}

// SeriesQuery selects reported figures.
type SeriesQuery struct {
	Codes    []string // empty: every municipality with reports
	From, To int      // years, inclusive; 0 for open
	BySector bool
}

// currentValues is the subquery of visible, current inventory rows: for each
// municipality and year, those of its latest accepted submission holding
// that year.
const currentValues = `SELECT * FROM inventory_values WHERE (municipality_code, year, toString(submission_id)) IN (
	SELECT municipality_code, year, toString(argMax(submission_id, seq)) FROM (
		SELECT DISTINCT municipality_code, year, submission_id FROM inventory_values
	) AS v ALL INNER JOIN (
		SELECT id AS submission_id, seq FROM submissions WHERE status = 'accepted'
	) AS a USING submission_id
	GROUP BY municipality_code, year)`

// SectorTonnesSQL is the SQL aggregate of a main sector's figure in a
// municipality's report (group inventory_values rows by municipality, year
// and sector): its total row for all gases when there is one, else the sum
// of its subsectors for all gases, else the sum of its per-gas totals.
// Notation keys count as nothing. Every reader of reported figures uses it.
const SectorTonnesSQL = `if(countIf(subsector = '' AND gas = '') > 0, sumIf(ifNull(tonnes, 0), subsector = '' AND gas = ''),
	if(countIf(subsector != '' AND gas = '') > 0, sumIf(ifNull(tonnes, 0), subsector != '' AND gas = ''),
		sumIf(ifNull(tonnes, 0), subsector = '' AND gas != '')))`

// Series returns the current reported figures, per main sector or summed to
// totals, ordered by municipality, sector and year.
func (s *Service) Series(ctx context.Context, q SeriesQuery) ([]SeriesValue, error) {
	to := q.To
	if to == 0 {
		to = 9999
	}
	where := "year >= ? AND year <= ?"
	args := []any{q.From, to}
	if len(q.Codes) > 0 {
		where += " AND has(?, municipality_code)"
		args = append(args, q.Codes)
	}
	bySector := `SELECT municipality_code, year, sector, ` + SectorTonnesSQL + ` AS tonnes,
		toString(any(submission_id)) AS submission_id
		FROM (` + currentValues + `) WHERE ` + where + ` GROUP BY municipality_code, year, sector`
	sql := bySector + " ORDER BY municipality_code, sector, year"
	if !q.BySector {
		sql = `SELECT municipality_code, year, '' AS sector, sum(tonnes) AS tonnes, any(submission_id) AS submission_id
			FROM (` + bySector + `) GROUP BY municipality_code, year ORDER BY municipality_code, year`
	}
	var out []SeriesValue
	if err := s.DB.Select(ctx, &out, sql, args...); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
