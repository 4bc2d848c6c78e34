package publish_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var ctx = context.Background()

func fp(v float64) *float64 { return &v }

type world struct {
	*testworld.World
	nat     *national.Store
	members *members.Register
	svc     *publish.Service
}

// newWorld imports the shared sample data and makes three members.
func newWorld(t *testing.T, db storage.DB) *world {
	t.Helper()
	tw := testworld.Over(t, db, testworld.Options{Samples: true})
	w := &world{World: tw, nat: tw.National, members: tw.Members, svc: tw.Published}
	tw.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280", "0180")
	// A member that left and a region are not among the members' figures.
	tw.Join(t, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), "2480")
	if _, err := w.members.End(ctx, kr.System(), "2480", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	tw.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "12")
	return w
}

func (w *world) submit(t *testing.T, rep *kr.Report) {
	t.Helper()
	w.Submit(t, kr.Actor{ID: "a", Role: kr.RoleAdmin}, "r.xlsx", rep)
}

// smhi returns SMHI's figure for an area and year straight from the store.
func smhi(t *testing.T, w *world, code string, year int) float64 {
	t.Helper()
	vals, _, err := w.nat.Values(ctx, national.Query{Codes: []string{code}, From: year, To: year})
	if err != nil || len(vals) != 1 {
		t.Fatalf("SMHI %s %d: %v %v", code, year, vals, err)
	}
	return vals[0].Tonnes
}

func population(t *testing.T, w *world, code string) int64 {
	t.Helper()
	rows, err := w.nat.Population(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.AreaCode == code && r.Year == 2024 {
			return r.Persons
		}
	}
	t.Fatalf("no population for %s", code)
	return 0
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestAveragesByHand: Sweden's, a county's and the members' per capita
// computed from the stored figures by hand, against the ranking's.
func TestAveragesByHand(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newWorld(t, db)
		snap, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.ActiveMunicipalityMembers(); len(got) != 3 || got[0] != "0180" || got[2] != "1281" {
			t.Fatalf("members' figures use %v, want 0180 1280 1281 (not the former member, not the region)", got)
		}
		r, err := snap.Ranking(ctx, publish.RankingQuery{Metric: analytics.MetricPerCapita, Year: 2022})
		if err != nil {
			t.Fatal(err)
		}
		if r.Year != 2022 || r.Release != "2024-04-18" || len(r.Rows) != 290 || len(r.Averages) != 2+21 {
			t.Fatalf("ranking: year %d, release %s, %d rows, %d averages", r.Year, r.Release, len(r.Rows), len(r.Averages))
		}
		avg := map[string]analytics.GroupAverage{}
		for _, g := range r.Averages {
			avg[g.Group+g.Code] = g
		}
		// Sweden: SMHI's national figure over SCB's population of Sweden.
		sweden := smhi(t, w, "00", 2022) / float64(population(t, w, "00"))
		if g := avg["sweden00"]; g.Value == nil || !near(*g.Value, sweden) || g.Municipalities != 290 {
			t.Errorf("Sweden: %+v, want %v", g, sweden)
		}
		// Skåne: the county's own series over its population.
		skane := smhi(t, w, "12", 2022) / float64(population(t, w, "12"))
		if g := avg["county12"]; g.Value == nil || !near(*g.Value, skane) || g.Municipalities != 33 {
			t.Errorf("Skåne: %+v, want %v", g, skane)
		}
		// Members: Σ tonnes / Σ inhabitants, and the mean of their values.
		var tonnes float64
		var persons int64
		var each []float64
		for _, c := range []string{"0180", "1280", "1281"} {
			e, p := smhi(t, w, c, 2022), population(t, w, c)
			tonnes += e
			persons += p
			each = append(each, e/float64(p))
		}
		g := avg["members"]
		if g.Value == nil || !near(*g.Value, tonnes/float64(persons)) || g.Mean == nil ||
			!near(*g.Mean, (each[0]+each[1]+each[2])/3) || g.Municipalities != 3 {
			t.Errorf("members: %+v, want %v and mean %v", g, tonnes/float64(persons), (each[0]+each[1]+each[2])/3)
		}
		// Lund's rank: one more than the municipalities with less per capita.
		lund := smhi(t, w, "1281", 2022) / float64(population(t, w, "1281"))
		below := 0
		for _, row := range r.Rows {
			if *row.Value < lund {
				below++
			}
			if row.Code == "1281" && (!near(*row.Value, lund) || !row.Member || row.Rank == 0) {
				t.Errorf("Lund: %+v, want %v", row, lund)
			}
		}
		for i, row := range r.Rows {
			if row.Code == "1281" && row.Rank != below+1 {
				t.Errorf("Lund is ranked %d, want %d", row.Rank, below+1)
			}
			if i > 0 && *row.Value < *r.Rows[i-1].Value {
				t.Fatalf("not sorted at %d", i)
			}
		}

		// The change since 1990 of the members as a group is that of their
		// summed series.
		r90, err := snap.Ranking(ctx, publish.RankingQuery{Metric: analytics.MetricChange1990, Year: 2022})
		if err != nil {
			t.Fatal(err)
		}
		var t90, t22 float64
		for _, c := range []string{"0180", "1280", "1281"} {
			t90 += smhi(t, w, c, 1990)
			t22 += smhi(t, w, c, 2022)
		}
		found := false
		for _, g := range r90.Averages {
			if g.Group != analytics.GroupMembers {
				continue
			}
			found = true
			if g.Value == nil || !near(*g.Value, 100*(t22-t90)/t90) {
				t.Errorf("members' change since 1990: %v, want %v", g.Value, 100*(t22-t90)/t90)
			}
		}
		if !found {
			t.Errorf("the change since 1990 has no members' average: %+v", r90.Averages)
		}

		// Bad queries are the caller's fault.
		for _, q := range []publish.RankingQuery{{Metric: "x"}, {Source: "y"}, {Year: 2030, AsOf: 2026}, {AsOf: 2051}} {
			if _, err := snap.Ranking(ctx, q); kr.KindOf(err) != kr.Invalid {
				t.Errorf("ranking %+v: %v, want invalid", q, err)
			}
		}
	})
}

// TestSnapshotFreshness: without commit hooks the fingerprint probe finds
// another writer's change; Invalidate drops the snapshot at once.
func TestSnapshotFreshness(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newWorld(t, db)
		s1, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s2, _ := w.svc.Snapshot(ctx); s2 != s1 {
			t.Fatal("unchanged data gave a new snapshot")
		}
		// Another instance adds a member (no hook here).
		other := &members.Register{DB: db}
		if _, err := other.Add(ctx, kr.System(), "1480", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false, 0); err != nil {
			t.Fatal(err)
		}
		s3, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s3 == s1 || s3.Generation == s1.Generation || !s3.IsActiveMember("1480") {
			t.Fatalf("the probe missed a new member (generation %d → %d)", s1.Generation, s3.Generation)
		}
		w.svc.Invalidate()
		if s4, _ := w.svc.Snapshot(ctx); s4 == s3 {
			t.Error("Invalidate kept the snapshot")
		}
		// With a probe interval, a change shows only after it.
		w.svc.ProbeInterval = time.Hour
		s5, _ := w.svc.Snapshot(ctx)
		w.submitSimple(t)
		if s6, _ := w.svc.Snapshot(ctx); s6 != s5 {
			t.Error("probed before the interval")
		}
	})
}

// submitSimple submits a small report through another instance (no hook
// into w's cache).
func (w *world) submitSimple(t *testing.T) {
	rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2024}}
	rep.Inventory = []kr.InventoryValue{{Year: 2022, Sector: "Transporter", Tonnes: fp(1)}}
	testworld.Over(t, w.DB, testworld.Options{}).Submit(t, kr.Actor{ID: "a", Role: kr.RoleAdmin}, "r.xlsx", rep)
}

// TestCompareAndMunicipalityReport checks a comparison and a municipality's
// report against the stored figures.
func TestCompareAndMunicipalityReport(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newWorld(t, db)
		snap, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c, err := snap.Compare(ctx, publish.CompareQuery{Codes: []string{"1281", "1280", "00"}, BaseYear: 2005})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Areas) != 3 || c.BaseYear != 2005 || c.Areas[2].Name != "Sverige" || !c.Areas[0].Member {
			t.Fatalf("comparison: %+v", c)
		}
		lund := c.Areas[0]
		if v, _ := lund.Index.Value(2022); !near(v, 100*smhi(t, w, "1281", 2022)/smhi(t, w, "1281", 2005)) {
			t.Errorf("Lund's index 2022: %v", v)
		}
		if v, _ := lund.PerCapita.Series.Value(2022); !near(v, smhi(t, w, "1281", 2022)/float64(population(t, w, "1281"))) {
			t.Errorf("Lund per capita 2022: %v", v)
		}
		for _, q := range []publish.CompareQuery{{}, {Codes: []string{"9999"}}, {Codes: []string{"1281"}, Source: "x"}, {Codes: []string{"1281"}, BaseYear: 1980}} {
			if _, err := snap.Compare(ctx, q); err == nil {
				t.Errorf("compare %+v: no error", q)
			}
		}

		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2024},
			Goals: []kr.Goal{{ID: "M1", Name: "Minus 60", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 60},
				{ID: "M2", Name: "Basår saknas", Type: kr.GoalAbsolute, BaseYear: 1995, TargetYear: 2030, ReductionPct: 50}}}
		rep.Inventory = []kr.InventoryValue{{Year: 2022, Sector: "Transporter", Tonnes: fp(50)}}
		w.submit(t, rep)
		snap, _ = w.svc.Snapshot(ctx)
		mr, err := snap.MunicipalityReport(ctx, "1281", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if mr.SMHI == nil || mr.Reported == nil || len(mr.Reported.Submissions) != 1 || mr.Member == nil || !mr.Member.Active {
			t.Fatalf("report: %+v", mr)
		}
		g := mr.Goals[0]
		if len(g.Tracking) != 1 || g.Tracking[0].Source != analytics.SourceSMHI {
			t.Fatalf("goal tracking: %+v", g)
		}
		base, last := smhi(t, w, "1281", 1990), smhi(t, w, "1281", 2022)
		path := base + (base*0.4-base)*float64(2022-1990)/float64(2030-1990)
		if tr := g.Tracking[0]; !near(tr.LatestTonnes, last) || !near(tr.PathTonnes, path) || tr.OnTrack != (last <= path) {
			t.Errorf("tracking: %+v, want latest %v against path %v", tr, last, path)
		}
		if len(mr.Goals[1].Tracking) != 0 || mr.Goals[1].Note == "" {
			t.Errorf("a goal whose base year has no figures: %+v", mr.Goals[1])
		}
		var names []string
		for _, s := range mr.PerCapita {
			names = append(names, s.Name)
		}
		sort.Strings(names)
		if len(names) != 4 {
			t.Errorf("per-capita comparison: %v", names)
		}
		if _, err := snap.MunicipalityReport(ctx, "9999", 0); kr.KindOf(err) != kr.NotFound {
			t.Errorf("unknown code: %v", err)
		}
	})
}

// keptBodies fills snap with n distinct rendered answers of size bytes,
// checking after each that the memo stays within its bounds.
func keptBodies(t *testing.T, snap *publish.Snapshot, prefix string, n, size int, maxEntries int, maxBytes int64) {
	t.Helper()
	for i := range n {
		if _, err := snap.Body(ctx, publish.KeyOf(fmt.Sprintf("%s%d", prefix, i), nil, nil), func() (*publish.Body, error) {
			return &publish.Body{Bytes: bytes.Repeat([]byte{'x'}, size)}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if entries, b := snap.Kept(); entries > maxEntries || b > maxBytes {
			t.Errorf("after %d answers the memo keeps %d entries, %d bytes: over %d, %d", i+1, entries, b, maxEntries, maxBytes)
			return
		}
	}
}

// TestMemoKeepsCachingWhenFull: once the memo has been filled past its
// bounds (a crawler's distinct URLs), an answer not asked for before is
// still kept after it is computed, and the bounds hold.
func TestMemoKeepsCachingWhenFull(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc := testworld.Over(t, db, testworld.Options{}).Published
		svc.MaxMemo, svc.MaxBodyBytes = 100, 64<<10
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keptBodies(t, snap, "crawl:", 300, 1000, 100, 64<<10) // the byte bound binds first
		keptBodies(t, snap, "small:", 300, 10, 100, 64<<10)   // then the count
		var builds atomic.Int32
		for range 3 {
			if _, err := snap.Body(ctx, publish.KeyOf("fresh", nil, nil), func() (*publish.Body, error) {
				builds.Add(1)
				return &publish.Body{Bytes: []byte("fresh")}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		if n := builds.Load(); n != 1 {
			t.Errorf("an answer first asked for after the memo filled was computed %d times, want 1", n)
		}
		if _, err := snap.Memo("value", func() (any, error) { builds.Add(1); return 1, nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := snap.Memo("value", func() (any, error) { builds.Add(1); return 1, nil }); err != nil || builds.Load() != 2 {
			t.Errorf("a memoised value after the memo filled: %d builds, %v", builds.Load(), err)
		}
	})
}

// TestMemoIdenticalMissesOnce: 50 requests at once for one answer not kept
// (with the memo full) compute it once and all get it.
func TestMemoIdenticalMissesOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc := testworld.Over(t, db, testworld.Options{}).Published
		svc.MaxMemo = 20
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keptBodies(t, snap, "crawl:", 50, 10, 20, publish.DefaultMaxBodyBytes)
		const callers = 50
		var builds, arrived atomic.Int32
		var wg sync.WaitGroup
		got := make([]*publish.Body, callers)
		for i := range callers {
			wg.Go(func() {
				arrived.Add(1)
				got[i], _ = snap.Body(ctx, publish.KeyOf("same", nil, nil), func() (*publish.Body, error) {
					builds.Add(1)
					for arrived.Load() < callers { // every caller has started
						time.Sleep(time.Millisecond)
					}
					time.Sleep(100 * time.Millisecond) // and is waiting for this build
					return &publish.Body{Bytes: []byte("same")}, nil
				})
			})
		}
		wg.Wait()
		if n := builds.Load(); n != 1 {
			t.Errorf("%d identical concurrent misses computed the answer %d times, want 1", callers, n)
		}
		for i, b := range got {
			if b == nil || string(b.Bytes) != "same" {
				t.Fatalf("caller %d got %v", i, b)
			}
		}
	})
}

// TestMemoWaiterOfCancelledBuild: a request that waited for another's
// computation of the same answer, which failed because that request was
// cancelled, computes the answer itself instead of failing too; errors are
// not kept.
func TestMemoWaiterOfCancelledBuild(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		snap, err := testworld.Over(t, db, testworld.Options{}).Published.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		started := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			_, err := snap.Body(ctx, publish.KeyOf("k", nil, nil), func() (*publish.Body, error) {
				close(started)
				time.Sleep(100 * time.Millisecond) // the waiter is in
				return nil, context.Canceled
			})
			done <- err
		}()
		<-started
		b, err := snap.Body(ctx, publish.KeyOf("k", nil, nil), func() (*publish.Body, error) { return &publish.Body{Bytes: []byte("mine")}, nil })
		if err != nil || string(b.Bytes) != "mine" {
			t.Errorf("the waiter of a cancelled computation got %v, %v", b, err)
		}
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled request got %v", err)
		}
		invalid, builds := kr.E(kr.Invalid, "fel"), 0
		for range 2 {
			if _, err := snap.Memo("bad", func() (any, error) { builds++; return nil, invalid }); err != invalid {
				t.Errorf("an error of the key: %v", err)
			}
		}
		if builds != 2 {
			t.Errorf("an error was kept: %d computations for two requests", builds)
		}
	})
}

// TestProbeFindsOtherInstancesWrites: with a probe interval, a change made
// by another instance (no hook here) is published by the builder without
// any reader waiting for it, twice in a row.
func TestProbeFindsOtherInstancesWrites(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		tw := testworld.Over(t, db, testworld.Options{})
		svc := tw.Published
		svc.ProbeInterval = time.Millisecond
		other := &members.Register{DB: db}
		last, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"1480", "1281"} {
			if _, err := other.Add(ctx, kr.System(), code, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false, 0); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				s, err := svc.Snapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if s.Generation > last.Generation {
					if _, ok := s.Member(code); !ok {
						t.Fatalf("a newer snapshot without the member %s", code)
					}
					last = s
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the probe did not find the member %s added by another instance", code)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	})
}
