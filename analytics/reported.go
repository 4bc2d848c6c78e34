package analytics

import (
	"context"
	"sort"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/reporting"
)

// Reported is one municipality's own reported figures: the current value of
// each year (from the latest accepted submission holding that year), per
// main sector and summed, with the submission each year comes from.
type Reported struct {
	Code        string            `json:"municipality"`
	Total       Series            `json:"total"`
	Sectors     map[string]Series `json:"sectors"`
	Submissions map[int]string    `json:"submissions"` // year → submission id
}

// SubmissionIDs returns the distinct submissions the figures come from,
// newest year first.
func (r *Reported) SubmissionIDs() []string {
	years := make([]int, 0, len(r.Submissions))
	for y := range r.Submissions {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
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

type reportedRow struct {
	Code       string  `ch:"municipality_code"`
	Year       uint16  `ch:"year"`
	Sector     string  `ch:"sector"`
	Tonnes     float64 `ch:"t"`
	Submission string  `ch:"sub"`
}

// ReportedSeries returns the current reported figures of the given
// municipalities (every municipality with reports when codes is empty) for
// the years from..to (0: open), keyed by code.
//
// This is the comparison query. Unlike reporting.Series it restricts every
// level of the query to the municipalities asked for, in a form the primary
// key can use (see codeFilter), so ClickHouse reads only their part of
// inventory_values (ordered by municipality first) instead of finding the
// current submission of every municipality and year in the whole table.
func (d Data) ReportedSeries(ctx context.Context, codes []string, from, to int) (map[string]*Reported, error) {
	if to == 0 {
		to = 9999
	}
	codeCond, codeArgs := codeFilter(codes)
	args := []any{from, to}
	args = append(args, codeArgs...)
	args = append(args, from, to)
	args = append(args, codeArgs...)
	args = append(args, codeArgs...)
	sql := `SELECT municipality_code, year, sector, ` + reporting.SectorTonnesSQL + ` AS t, toString(any(submission_id)) AS sub
		FROM inventory_values
		WHERE year >= ? AND year <= ?` + codeCond + ` AND (municipality_code, year, toString(submission_id)) IN (
			SELECT municipality_code, year, toString(argMax(submission_id, seq)) FROM (
				SELECT DISTINCT municipality_code, year, submission_id FROM inventory_values
				WHERE year >= ? AND year <= ?` + codeCond + `
			) AS v ALL INNER JOIN (
				SELECT id AS submission_id, seq FROM submissions WHERE status = 'accepted'` + codeCond + `
			) AS a USING submission_id
			GROUP BY municipality_code, year)
		GROUP BY municipality_code, year, sector
		ORDER BY municipality_code, sector, year`
	var rows []reportedRow
	if err := d.Reports.DB.Select(ctx, &rows, sql, args...); err != nil {
		return nil, kr.Wrap(kr.Unavailable, err, "Databasen svarar inte just nu. Försök igen om en stund.")
	}
	out := map[string]*Reported{}
	totals := map[string]map[int]float64{}
	for _, r := range rows {
		rep := out[r.Code]
		if rep == nil {
			rep = &Reported{Code: r.Code, Sectors: map[string]Series{}, Submissions: map[int]string{}}
			out[r.Code] = rep
			totals[r.Code] = map[int]float64{}
		}
		y := int(r.Year)
		rep.Sectors[r.Sector] = append(rep.Sectors[r.Sector], Point{Year: y, Tonnes: r.Tonnes})
		rep.Submissions[y] = r.Submission
		totals[r.Code][y] += r.Tonnes
	}
	for code, rep := range out {
		for y, t := range totals[code] {
			rep.Total = append(rep.Total, Point{Year: y, Tonnes: t})
		}
		sort.Slice(rep.Total, func(i, j int) bool { return rep.Total[i].Year < rep.Total[j].Year })
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
