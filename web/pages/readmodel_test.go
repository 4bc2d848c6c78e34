package pages_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
)

// partialPaths are pages about the committing municipality (1280), about
// others, comparisons with and without it, and aggregates.
var partialPaths = []string{"/", "/rangordning", "/rangordning?kalla=reported", "/kommun/1280", "/kommun/1281", "/kommun/0180",
	"/kommun/1480", "/kommun/1281?as_of=2020", "/jamfor?kod=1281&kod=1280", "/jamfor?kod=0180&kod=1480",
	"/jamfor?kod=1281&kod=0180&kalla=reported", "/jamfor?kod=1280&kod=1281&kalla=reported"}

// pagesOver serves the public pages from its own publish.Service over f's
// data, with a fixed clock (so that two services render the same bytes)
// and no warming; probe is its ProbeInterval.
func pagesOver(f *fixture, now time.Time, probe time.Duration) (*publish.Service, func(t *testing.T, path string) []byte) {
	svc := &publish.Service{Data: f.Published.Data, Members: f.Published.Members, ProbeInterval: probe, WarmTimeout: -1,
		Now: func() time.Time { return now }}
	r := gin.New()
	(&pages.Pages{Published: svc}).Register(r)
	return svc, func(t *testing.T, path string) []byte {
		t.Helper()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		return w.Body.Bytes()
	}
}

// TestCommitRecomputesOnlyItsArea: after a commit for one municipality the
// next snapshot is made from the published one: only that municipality's
// reports are read again, the pages kept about other areas are carried
// over, and every page — the committing municipality's, the others', the
// comparisons, the aggregates — is byte for byte what a snapshot loaded in
// full from the same data renders. Another instance, which did not commit,
// finds the changed municipality through the data's fingerprint and gets
// the same pages.
func TestCommitRecomputesOnlyItsArea(t *testing.T) {
	gin.SetMode(gin.TestMode)
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		live, getLive := pagesOver(f, now, -1)
		other, getOther := pagesOver(f, now, 0) // checks the fingerprint on every request
		defer live.Close()
		defer other.Close()
		before := map[string][]byte{}
		for _, p := range partialPaths {
			before[p] = getLive(t, p)
			getOther(t, p)
		}
		first, err := live.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keptBefore, _ := first.Kept()

		rep := lundReport(false)
		rep.Details.Code, rep.Details.Name = "1280", "Malmö stad"
		for i := range rep.Inventory {
			*rep.Inventory[i].Tonnes *= 3
		}
		f.Submit(t, admin, "malmo.xlsx", rep)
		live.Touch("1280")
		snap, err := live.WaitFor(ctx, live.Generation())
		if err != nil {
			t.Fatal(err)
		}
		if carried, _ := snap.Kept(); carried == 0 || carried >= keptBefore {
			t.Errorf("the snapshot after the commit carried %d of %d kept results: want the answers about other areas only", carried, keptBefore)
		}
		full, getFull := pagesOver(f, now, -1)
		defer full.Close()
		for _, p := range partialPaths {
			got, want := getLive(t, p), getFull(t, p)
			if !bytes.Equal(got, want) {
				t.Errorf("%s after the commit differs from a full load (%d and %d bytes)", p, len(got), len(want))
			}
			if o := getOther(t, p); !bytes.Equal(o, want) {
				t.Errorf("%s on the instance that did not commit differs from a full load", p)
			}
		}
		if bytes.Equal(before["/kommun/1280"], getLive(t, "/kommun/1280")) {
			t.Error("/kommun/1280 does not show the commit")
		}
	})
}

// TestPagesReadNoDatabase: once a snapshot is built, rendering public pages
// it has not kept — other municipalities, other years, comparisons of any
// set, either source — runs no query: a reader never waits for the
// database (on chDB, for its one connection, behind uploads).
func TestPagesReadNoDatabase(t *testing.T) {
	gin.SetMode(gin.TestMode)
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		cdb := &storagetest.Recorder{DB: db}
		f := newFixture(t, cdb, fixtureOptions{})
		svc, get := pagesOver(f, time.Now(), -1)
		defer svc.Close()
		if _, err := svc.Snapshot(ctx); err != nil {
			t.Fatal(err)
		}
		before := cdb.Count()
		for _, p := range append(partialPaths, "/kommun/2480", "/kommun/0114?as_of=2015", "/jamfor?kod=0114&kod=2480&kod=12&bas=2005",
			"/rangordning?ar=2015&sortera=emissions&ordning=desc") {
			get(t, p)
		}
		if n := cdb.Count() - before; n != 0 {
			t.Errorf("rendering %d pages from a built snapshot ran %d queries, want none", len(partialPaths)+4, n)
		}
	})
}
