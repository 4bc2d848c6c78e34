package compliance

import (
	"bytes"
	"context"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// visibleReport is a valid report for Lund with every main sector in 2023
// at tonnes, and a goal named goal.
func visibleReport(tonnes float64, goal string) *kr.Report {
	rep := &kr.Report{
		Details: kr.Details{Code: "1281", ReportYear: 2024, Contact: "Anna Andersson", Email: "anna@lund.se"},
		Goals: []kr.Goal{{ID: "M1", Name: goal, Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030,
			ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)}},
	}
	for _, s := range kr.MainSectors() {
		t := tonnes
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2023, Sector: s, Tonnes: &t})
	}
	return rep
}

// TestOneVisibleRule pins the rule of which submission is current: with two
// accepted versions, a rejected one between them that has data rows, and an
// as-of between the accepted ones, Current, Series and the compliance facts
// all pick the first version; without the as-of, all pick the second.
func TestOneVisibleRule(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		var now time.Time
		svc := &submissions.Service{DB: db, Now: func() time.Time { return now }}
		officer := kr.Actor{ID: "a1", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}
		upload := func(at time.Time, rep *kr.Report) kr.Submission {
			t.Helper()
			now = at
			var b bytes.Buffer
			if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: "1281", Year: 2024, Prefill: rep}); err != nil {
				t.Fatal(err)
			}
			res, err := svc.Submit(ctx, officer, submissions.Upload{FileName: "lund.xlsx", Content: b.Bytes()})
			if err != nil {
				t.Fatal(err)
			}
			return res.Submission
		}
		day := func(d int) time.Time { return time.Date(2025, 3, d, 12, 0, 0, 0, time.UTC) }

		first := upload(day(1), visibleReport(100, "Första"))
		bad := visibleReport(-5, "Avvisad") // a negative value: rejected
		rejected := upload(day(2), bad)
		second := upload(day(5), visibleReport(300, "Andra"))
		if first.Status != kr.SubmissionAccepted || second.Status != kr.SubmissionAccepted || rejected.Status != kr.SubmissionRejected {
			t.Fatalf("statuses %s, %s, %s; want accepted, rejected, accepted", first.Status, rejected.Status, second.Status)
		}
		// Give the rejected submission data rows (as an interrupted clean-up
		// would leave them): the rule must still never show them.
		for table, cols := range map[string]string{
			"inventory_values": "municipality_code, year, sector, subsector, gas, tonnes, notation_key, source, comment, sheet, cell, row",
			"goals":            "municipality_code, goal_id, name, type, sector, base_year, target_year, reduction_pct, decided_by, decided_on, link, sheet, cell, row",
		} {
			if err := db.Exec(ctx, "INSERT INTO "+table+" (submission_id, "+cols+") SELECT toUUID(?), "+cols+" FROM "+table+
				" WHERE toString(submission_id) = ?", rejected.ID, first.ID); err != nil {
				t.Fatal(err)
			}
		}

		for _, c := range []struct {
			name   string
			asOf   time.Time
			want   kr.Submission
			goal   string
			tonnes float64
		}{{"as of between", day(3), first, "Första", 100}, {"now", time.Time{}, second, "Andra", 300}} {
			cur, err := svc.CurrentAsOf(ctx, "1281", c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			if len(cur.Goals) != 1 || len(cur.Inventory) != len(kr.MainSectors()) {
				t.Fatalf("%s: Current has %d goals and %d values", c.name, len(cur.Goals), len(cur.Inventory))
			}
			series, err := svc.Series(ctx, submissions.SeriesQuery{Codes: []string{"1281"}, AsOf: c.asOf})
			if err != nil {
				t.Fatal(err)
			}
			factsAt := c.asOf
			if factsAt.IsZero() {
				factsAt = day(28)
			}
			facts, err := loadFacts(ctx, db, []string{"1281"}, 2024, factsAt)
			if err != nil {
				t.Fatal(err)
			}
			f := facts["1281"]
			if len(series) != 1 || len(f.years) != 1 || len(f.goals) != 1 {
				t.Fatalf("%s: %d series values, %d fact years, %d fact goals; want 1 each", c.name, len(series), len(f.years), len(f.goals))
			}
			for what, got := range map[string]string{
				"Series' submission": series[0].SubmissionID, "facts' year": f.years[0].Submission, "facts' goal": f.goals[0].SubmissionID,
			} {
				if got != c.want.ID {
					t.Errorf("%s: %s is %s, want %s", c.name, what, got, c.want.ID)
				}
			}
			if cur.Goals[0].Name != c.goal || *cur.Inventory[0].Tonnes != c.tonnes {
				t.Errorf("%s: Current has goal %q and %v t, want %q and %v t", c.name, cur.Goals[0].Name, *cur.Inventory[0].Tonnes, c.goal, c.tonnes)
			}
			total := float64(len(kr.MainSectors())) * c.tonnes
			if series[0].Tonnes != total || f.years[0].Total != total {
				t.Errorf("%s: totals: Series %v, facts %v; want %v", c.name, series[0].Tonnes, f.years[0].Total, total)
			}
		}
	})
}
