package submissions

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// YearSummary is what a municipality submitted for one report year: how
// many submissions were accepted and rejected, and the first and the latest
// accepted one.
type YearSummary struct {
	Code           string    `ch:"code"`
	Accepted       uint64    `ch:"n_accepted"`
	Rejected       uint64    `ch:"n_rejected"`
	FirstID        string    `ch:"first_id"`
	FirstAt        time.Time `ch:"first_at"`
	LastID         string    `ch:"last_id"`
	LastAt         time.Time `ch:"last_at"`
	LastRejectedAt time.Time `ch:"last_rejected_at"`
}

// YearSummaries returns the summary of report year for each municipality
// in codes (empty: every one) with submissions for it, counting those
// uploaded at or before asOf; by code.
func YearSummaries(ctx context.Context, db storage.DB, codes []string, year int, asOf time.Time) ([]YearSummary, error) {
	var rows []YearSummary
	codeCond, codeArgs := codeFilter(codes)
	q := `SELECT municipality_code AS code,
		countIf(status = 'accepted') AS n_accepted, countIf(status = 'rejected') AS n_rejected,
		argMinIf(toString(id), seq, status = 'accepted') AS first_id, minIf(uploaded_at, status = 'accepted') AS first_at,
		argMaxIf(toString(id), seq, status = 'accepted') AS last_id, maxIf(uploaded_at, status = 'accepted') AS last_at,
		maxIf(uploaded_at, status = 'rejected') AS last_rejected_at
	FROM submissions WHERE report_year = ? AND uploaded_at <= ?` + codeCond + `
	GROUP BY municipality_code ORDER BY code`
	if err := db.Select(ctx, &rows, q, append([]any{year, asOf.UTC()}, codeArgs...)...); err != nil {
		return nil, err
	}
	return rows, nil
}

// UploadTimes returns when each of the given submissions was uploaded.
func UploadTimes(ctx context.Context, db storage.DB, ids []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID string    `ch:"id"`
		At time.Time `ch:"uploaded_at"`
	}
	// UUIDs compared as text, as everywhere: both engines agree on that.
	if err := db.Select(ctx, &rows, "SELECT toString(id) AS id, uploaded_at FROM submissions WHERE has(?, toString(id))", ids); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.At
	}
	return out, nil
}
