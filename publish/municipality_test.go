package publish_test

import (
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestMunicipalityReportQueries: a municipality's report not built before in
// a snapshot (a crawler's request) runs no query: every area's reported
// figures, goals, plans, measures and the submissions they come from are
// read when the snapshot is built, so readers never touch the database.
func TestMunicipalityReportQueries(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		cdb := &storagetest.Recorder{DB: db}
		w := newWorld(t, cdb)
		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2024},
			Goals: []kr.Goal{{ID: "M1", Name: "Minus 60", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 60}}}
		rep.Inventory = []kr.InventoryValue{{Year: 2022, Sector: "Transporter", Tonnes: fp(50)}}
		w.submit(t, rep)
		snap, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			code string
			asOf int
		}{{"1281", 0}, {"1280", 0}, {"0180", 0}, {"1281", 2023}, {"1281", 2030}} {
			before := cdb.Count()
			r, err := snap.MunicipalityReport(ctx, q.code, q.asOf)
			if err != nil {
				t.Fatal(err)
			}
			if n := cdb.Count() - before; n > 0 {
				t.Errorf("the report of %s as of %d ran %d queries, want none", q.code, q.asOf, n)
			}
			if q.code == "1281" && (len(r.Goals) != 1 || r.Goals[0].ID != "M1") {
				t.Errorf("Lund's goals as of %d: %+v", q.asOf, r.Goals)
			}
			if q.code == "1281" && (r.Reported == nil || len(r.Reported.Submissions) != 1 || r.Reported.Submissions[0].FileName != "r.xlsx") {
				t.Errorf("Lund's reported figures as of %d: %+v", q.asOf, r.Reported)
			}
		}
	})
}
