package submissions_test

import (
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// TestDateOutsideTheColumnIsAnItem: a goal decided in 1969 and a plan
// adopted in 2200 lie outside what a ClickHouse Date holds. The upload is
// rejected with an item on each cell — not a database error — and no row
// of it reaches the tables.
func TestDateOutsideTheColumnIsAnItem(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		rep := lundReport(2025)
		rep.Goals[0].DecidedOn = time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
		rep.Plans[0].Adopted = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
		res := submit(t, s, lundOfficer, templateFile(t, rep))
		if res.Accepted() {
			t.Fatalf("accepted dates the database cannot hold: %+v", res.Submission)
		}
		var sheets []string
		for _, it := range res.Submission.Items {
			if it.Code == workbook.CodeDateOutOfRange {
				sheets = append(sheets, it.Sheet+"!"+it.Cell)
			}
		}
		if len(sheets) != 2 {
			t.Fatalf("date items at %v, want one on Mål and one on Handlingsplan; items: %+v", sheets, res.Submission.Items)
		}
		for _, table := range []string{"goals", "action_plans", "measures"} {
			var n []struct {
				N uint64 `ch:"n"`
			}
			if err := db.Select(ctx, &n, "SELECT count() AS n FROM "+table+" WHERE submission_id = ?", res.Submission.ID); err != nil {
				t.Fatal(err)
			}
			if n[0].N != 0 {
				t.Errorf("%s: %d rows of the rejected file stored", table, n[0].N)
			}
		}
	})
}
