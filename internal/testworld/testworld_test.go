package testworld_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// TestWorld: on each engine a world with the samples serves them through
// the real router, and an upload through the wired service shows on the
// public page at once (the commit hook drops the cached figures).
func TestWorld(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := w.Serve(t, "")
		if r := testworld.Get(t, ts.URL+"/readyz"); r.Status != 200 || !strings.Contains(string(r.Body), w.Engine) {
			t.Fatalf("/readyz: %d %s", r.Status, r.Body)
		}
		var list struct {
			Municipalities []struct{ Code string } `json:"municipalities"`
		}
		r := testworld.Get(t, ts.URL+"/api/v1/municipalities")
		if err := json.Unmarshal(r.Body, &list); err != nil || len(list.Municipalities) != 290 {
			t.Fatalf("municipalities: %d %v, %d of them", r.Status, err, len(list.Municipalities))
		}
		w.Published.ProbeInterval = -1 // only the commit hook can refresh the figures
		before := testworld.Get(t, ts.URL+"/kommun/1281")
		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2025}}
		for _, s := range kr.MainSectors() {
			v := 123456.0
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2023, Sector: s, Tonnes: &v})
		}
		gen := w.Published.Generation()
		w.Submit(t, kr.System(), "lund.xlsx", rep)
		if _, err := w.Published.WaitFor(context.Background(), gen+1); err != nil { // the hook moved the generation on
			t.Fatal(err)
		}
		after := testworld.Get(t, ts.URL+"/kommun/1281")
		if before.Status != 200 || after.Status != 200 || string(after.Body) == string(before.Body) {
			t.Errorf("Lund's page: %d then %d, changed: %v", before.Status, after.Status, string(after.Body) != string(before.Body))
		}
	})
}
