package compliance

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// The facts the rules need, read from ClickHouse as aggregates per member:
// never the raw rows of every member at once. Which rows are current (as of
// the evaluation) is submissions' rule (VisibleSQL); goals, plans, the
// report-year summary and upload times are read through its loaders, and
// only the inventory and measure aggregates are written here. The SQL runs on ClickHouse
// 18.16 and current releases alike: "?" arguments only, has(?, col) for
// lists, UUIDs compared as text, ALL INNER JOIN with aliased subqueries, and
// aggregate aliases that never shadow a column another aggregate reads.

// yearFact is one inventory year of a member: its current values (from the
// latest visible submission holding that year) summed up.
type yearFact struct {
	Year       int
	Total      float64  // the sum of the main sectors' figures
	Covered    []string // main sectors with a value or a notation key with a comment
	KeySectors int      // … of which only by notation keys
	Submission string
	Sheet      string
	Rows       []int
}

// goalFact and planFact are a member's current goals and plans as
// submissions stores them.
type (
	goalFact = submissions.GoalRow
	planFact = submissions.PlanRow
)

// measureFact counts a member's current measures of one status.
type measureFact struct {
	Code       string   `ch:"code"`
	Status     string   `ch:"mstatus"`
	N          uint64   `ch:"n"`
	Submission string   `ch:"sid"`
	Sheet      string   `ch:"sheet_name"`
	Rows       []uint32 `ch:"row_list"`
}

// reportFact summarises a member's submissions for the report year.
type reportFact = submissions.YearSummary

// memberFacts is everything known about one member.
type memberFacts struct {
	years    []yearFact // by year
	goals    []goalFact // by row
	plans    []planFact // by row
	measures []measureFact
	report   reportFact
}

// sectorFacts is the current inventory per member, year and main sector,
// with its arguments.
func sectorFacts(codes []string, asOf time.Time) (string, []any) {
	visible, args := submissions.VisibleSQL("inventory_values", submissions.Scope{Codes: codes, AsOf: asOf})
	return `SELECT municipality_code, year, sector, ` + submissions.SectorTonnesSQL + ` AS sector_tonnes,
		countIf(isNotNull(tonnes)) AS n_values,
		countIf(isNull(tonnes) AND notation_key != '' AND comment != '') AS n_keys,
		any(submission_id) AS sub_id, any(sheet) AS sheet_name, groupArray(row) AS row_list
	FROM inventory_values
	WHERE ` + visible + `
	GROUP BY municipality_code, year, sector`, args
}

type yearRow struct {
	Code       string   `ch:"code"`
	Year       uint16   `ch:"year"`
	Total      float64  `ch:"total"`
	Covered    []string `ch:"covered"`
	KeySectors uint64   `ch:"key_sectors"`
	Submission string   `ch:"sid"`
	Sheet      string   `ch:"sheet"`
	Rows       []uint32 `ch:"rows_all"`
}

// maxEvidenceRows bounds the rows listed as evidence for one year.
const maxEvidenceRows = 200

func loadYears(ctx context.Context, db storage.DB, codes []string, asOf time.Time) (map[string][]yearFact, error) {
	var rows []yearRow
	facts, args := sectorFacts(codes, asOf)
	q := `SELECT municipality_code AS code, year, sum(sector_tonnes) AS total,
		groupArrayIf(sector, n_values + n_keys > 0) AS covered,
		countIf(n_values = 0 AND n_keys > 0) AS key_sectors,
		toString(any(sub_id)) AS sid, any(sheet_name) AS sheet,
		arraySlice(arraySort(groupUniqArrayArray(row_list)), 1, ?) AS rows_all
	FROM (` + facts + `)
	GROUP BY municipality_code, year ORDER BY code, year`
	if err := db.Select(ctx, &rows, q, append([]any{maxEvidenceRows}, args...)...); err != nil {
		return nil, err
	}
	out := map[string][]yearFact{}
	for _, r := range rows {
		out[r.Code] = append(out[r.Code], yearFact{Year: int(r.Year), Total: r.Total, Covered: r.Covered,
			KeySectors: int(r.KeySectors), Submission: r.Submission, Sheet: r.Sheet, Rows: ints(r.Rows)})
	}
	return out, nil
}

// maxMeasureRows bounds the rows listed per member and measure status.
const maxMeasureRows = 50

func loadMeasures(ctx context.Context, db storage.DB, codes []string, asOf time.Time) ([]measureFact, error) {
	var rows []measureFact
	visible, args := submissions.VisibleSQL("measures", submissions.Scope{Codes: codes, AsOf: asOf})
	q := `SELECT municipality_code AS code, status AS mstatus, count() AS n, toString(any(submission_id)) AS sid,
		any(sheet) AS sheet_name, arraySlice(arraySort(groupArray(row)), 1, ?) AS row_list
	FROM measures WHERE ` + visible + `
	GROUP BY municipality_code, status ORDER BY code, mstatus`
	if err := db.Select(ctx, &rows, q, append([]any{maxMeasureRows}, args...)...); err != nil {
		return nil, err
	}
	return rows, nil
}

// loadFacts reads everything the rules need for the members codes.
func loadFacts(ctx context.Context, db storage.DB, codes []string, year int, asOf time.Time) (map[string]*memberFacts, error) {
	years, err := loadYears(ctx, db, codes, asOf)
	if err != nil {
		return nil, err
	}
	scope := submissions.Scope{Codes: codes, AsOf: asOf}
	goals, err := submissions.Goals(ctx, db, scope)
	if err != nil {
		return nil, err
	}
	plans, err := submissions.Plans(ctx, db, scope)
	if err != nil {
		return nil, err
	}
	measures, err := loadMeasures(ctx, db, codes, asOf)
	if err != nil {
		return nil, err
	}
	reports, err := submissions.YearSummaries(ctx, db, codes, year, asOf)
	if err != nil {
		return nil, err
	}
	goalsOf := byCode(goals, func(g goalFact) string { return g.Code })
	plansOf := byCode(plans, func(p planFact) string { return p.Code })
	measuresOf := byCode(measures, func(m measureFact) string { return m.Code })
	reportOf := byCode(reports, func(r reportFact) string { return r.Code })
	out := make(map[string]*memberFacts, len(codes))
	for _, c := range codes {
		f := &memberFacts{years: years[c], goals: goalsOf[c], plans: plansOf[c], measures: measuresOf[c]}
		if r := reportOf[c]; len(r) > 0 {
			f.report = r[0]
		}
		out[c] = f
	}
	return out, nil
}

// byCode groups rows by their member's code, keeping their order.
func byCode[T any](rows []T, code func(T) string) map[string][]T {
	out := map[string][]T{}
	for _, r := range rows {
		out[code(r)] = append(out[code(r)], r)
	}
	return out
}

func ints(us []uint32) []int {
	if len(us) == 0 {
		return nil
	}
	out := make([]int, len(us))
	for i, u := range us {
		out[i] = int(u)
	}
	return out
}
