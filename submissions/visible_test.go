package submissions

import (
	"context"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestInterruptedSubmissionInvisible writes a submission's data but not its
// submissions row, as a crash between the two would, and checks that the
// visibility rule hides it from every reader.
func TestInterruptedSubmissionInvisible(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		v := 100.0
		id, code := "11111111-1111-4111-8111-111111111111", "1281"
		if err := db.Insert(ctx, "inventory_values", []inventoryRow{{SubmissionID: id, Code: code, Year: 2022, Sector: "Transporter", Tonnes: &v}}); err != nil {
			t.Fatal(err)
		}
		if err := db.Insert(ctx, "goals", []GoalRow{{SubmissionID: id, Code: code, GoalID: "M1"}}); err != nil {
			t.Fatal(err)
		}
		s := &Service{DB: db}
		cur, err := s.Current(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		series, err := s.Series(ctx, SeriesQuery{})
		if err != nil {
			t.Fatal(err)
		}
		goals, err := Goals(ctx, db, Scope{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cur.Inventory)+len(cur.Goals)+len(series)+len(goals) != 0 {
			t.Errorf("an uncommitted submission is visible: current %+v, series %+v, goals %+v", cur, series, goals)
		}
	})
}

func TestVisibleSQLOnlyForSubmittedTables(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("VisibleSQL accepted a table without submitted rows")
		}
	}()
	VisibleSQL("members", Scope{})
}
