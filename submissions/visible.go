package submissions

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Scope narrows what a reader of current data asks about. The zero Scope is
// every municipality and every year, as of now.
type Scope struct {
	Codes []string  // municipality codes; empty: every municipality
	AsOf  time.Time // zero: every accepted submission; else only those uploaded at or before AsOf
	// From and To bound the inventory years, inclusive (0: open). They apply
	// to inventory_values only.
	From, To int
}

// VisibleSQL owns the rule of which stored rows are current. A data row is
// visible only if its submission has a submissions row with status
// accepted, uploaded at or before scope.AsOf when that is set: rejected
// submissions and rows without a submissions row (an upload in progress or
// interrupted) are never visible. Of the accepted submissions,
//
//   - in inventory_values, for each municipality and inventory year, the
//     rows of the newest one (highest seq) holding that year are current;
//   - in goals, action_plans and measures, for each municipality, the rows of
//     the newest one with rows in that table are current.
//
// It returns a condition for the WHERE clause of a query on table (which
// also applies the scope's codes and years) and its arguments, in order.
// The values are always "?" arguments, never SQL text. The filters sit
// inside the subqueries too, so that ClickHouse reads only the scope's part
// of a table ordered by municipality. Every reader of current data builds
// on it: Current, Series, the loaders below and the compliance facts.
func VisibleSQL(table string, scope Scope) (string, []any) {
	keys := "municipality_code"
	switch table {
	case "inventory_values":
		keys = "municipality_code, year"
	case "goals", "action_plans", "measures":
	default:
		panic(fmt.Sprintf("submissions: %s holds no submitted rows", table))
	}
	rows, rowArgs := scope.rowFilter(table)
	codes, codeArgs := codeFilter(scope.Codes)
	accepted, acceptedArgs := "status = 'accepted'", []any(nil)
	if !scope.AsOf.IsZero() {
		accepted, acceptedArgs = accepted+" AND uploaded_at <= ?", []any{scope.AsOf.UTC()}
	}
	accepted, acceptedArgs = accepted+codes, append(acceptedArgs, codeArgs...)
	cond := rows + ` AND (` + keys + `, toString(submission_id)) IN (
		SELECT ` + keys + `, toString(argMax(submission_id, seq)) FROM (
			SELECT DISTINCT ` + keys + `, submission_id FROM ` + table + ` WHERE ` + rows + `
		) AS v ALL INNER JOIN (
			SELECT id AS submission_id, seq FROM submissions WHERE ` + accepted + `
		) AS a USING submission_id
		GROUP BY ` + keys + `)`
	return cond, slices.Concat(rowArgs, rowArgs, acceptedArgs)
}

// rowFilter is the scope's condition on a data table's own rows.
func (sc Scope) rowFilter(table string) (string, []any) {
	cond, args := "1 = 1", []any(nil)
	if table == "inventory_values" && (sc.From != 0 || sc.To != 0) {
		to := sc.To
		if to == 0 {
			to = 9999
		}
		cond, args = "year >= ? AND year <= ?", []any{sc.From, to}
	}
	codes, codeArgs := codeFilter(sc.Codes)
	return cond + codes, append(args, codeArgs...)
}

// maxKeyCodes is the most codes filtered with a chain of equalities.
const maxKeyCodes = 64

// codeFilter restricts a query to municipality codes, as " AND …". A few
// codes become "(municipality_code = ? OR …)", which both engines use to
// skip the parts of a table ordered by municipality that hold no such code
// (has(?, col) reads the whole column: ten times slower on ClickHouse 18.16
// at a million rows); many codes use has(?, municipality_code).
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

// selectVisible reads the visible rows of table in scope.
func selectVisible[T any](ctx context.Context, db storage.DB, table, columns, order string, scope Scope) ([]T, error) {
	cond, args := VisibleSQL(table, scope)
	var rows []T
	if err := db.Select(ctx, &rows, "SELECT "+columns+" FROM "+table+" WHERE "+cond+" ORDER BY "+order, args...); err != nil {
		return nil, err
	}
	return rows, nil
}

// Goals returns the current goals in scope, by municipality and row.
func Goals(ctx context.Context, db storage.DB, scope Scope) ([]GoalRow, error) {
	return selectVisible[GoalRow](ctx, db, "goals", goalColumns, "municipality_code, row", scope)
}

// Plans returns the current action plans in scope, by municipality and row.
func Plans(ctx context.Context, db storage.DB, scope Scope) ([]PlanRow, error) {
	return selectVisible[PlanRow](ctx, db, "action_plans", planColumns, "municipality_code, row", scope)
}

func measures(ctx context.Context, db storage.DB, scope Scope) ([]measureRow, error) {
	return selectVisible[measureRow](ctx, db, "measures", measureColumns, "municipality_code, row", scope)
}

func inventory(ctx context.Context, db storage.DB, scope Scope) ([]inventoryRow, error) {
	return selectVisible[inventoryRow](ctx, db, "inventory_values", inventoryColumns, "municipality_code, year, sector, subsector, gas", scope)
}
