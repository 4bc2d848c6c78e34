package submissions

import (
	"context"
	"strings"
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
	Codes    []string // empty: every municipality with reports
	From, To int      // years, inclusive; 0 for open
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

// Series returns the current reported figures, per main sector or summed to
// totals, ordered by municipality, sector and year: for each municipality
// and year, the values of its latest accepted submission holding that year.
//
// The filters sit inside every subquery, so that with a few municipalities
// ClickHouse reads only their part of inventory_values (ordered by
// municipality first) instead of finding the current submission of every
// municipality and year in the whole table.
func (s *Service) Series(ctx context.Context, q SeriesQuery) ([]SeriesValue, error) {
	to := q.To
	if to == 0 {
		to = 9999
	}
	codeCond, codeArgs := codeFilter(q.Codes)
	args := []any{q.From, to}
	args = append(args, codeArgs...)
	args = append(args, q.From, to)
	args = append(args, codeArgs...)
	args = append(args, codeArgs...)
	bySector := `SELECT municipality_code, year, sector, ` + SectorTonnesSQL + ` AS tonnes,
		toString(any(submission_id)) AS submission
		FROM inventory_values
		WHERE year >= ? AND year <= ?` + codeCond + ` AND (municipality_code, year, toString(submission_id)) IN (
			SELECT municipality_code, year, toString(argMax(submission_id, seq)) FROM (
				SELECT DISTINCT municipality_code, year, submission_id FROM inventory_values
				WHERE year >= ? AND year <= ?` + codeCond + `
			) AS v ALL INNER JOIN (
				SELECT id AS submission_id, seq FROM submissions WHERE status = 'accepted'` + codeCond + `
			) AS a USING submission_id
			GROUP BY municipality_code, year)
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

// maxKeyCodes is the most codes filtered with a chain of equalities.
const maxKeyCodes = 64

// codeFilter restricts a query to municipality codes. A few codes become
// "(municipality_code = ? OR …)", which both engines use to skip the parts
// of a table ordered by municipality that hold no such code (has(?, col)
// reads the whole column: ten times slower on ClickHouse 18.16 at a million
// rows); many codes use has(?, municipality_code). The values are always
// arguments, never SQL text.
func codeFilter(codes []string) (string, []any) {
	switch {
	case len(codes) == 0:
		return "", nil
	case len(codes) > maxKeyCodes:
		return " AND has(?, municipality_code)", []any{codes}
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	return " AND (municipality_code = ?" + strings.Repeat(" OR municipality_code = ?", len(codes)-1) + ")", args
}
