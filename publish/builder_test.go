package publish_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// gatedDB is a database whose queries can be held (a slow build) or made
// to fail (a database that stops answering).
type gatedDB struct {
	storage.DB
	mu      sync.Mutex
	gate    chan struct{} // closed: queries pass; nil: no gate
	fail    bool
	entered chan struct{} // a query waits at the gate
}

func (g *gatedDB) Select(ctx context.Context, dest any, query string, args ...any) error {
	g.mu.Lock()
	gate, fail := g.gate, g.fail
	g.mu.Unlock()
	if fail {
		return errors.New("the database does not answer")
	}
	if gate != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return g.DB.Select(ctx, dest, query, args...)
}

func (g *gatedDB) hold() {
	g.mu.Lock()
	g.gate, g.entered = make(chan struct{}), make(chan struct{}, 1)
	g.mu.Unlock()
}

func (g *gatedDB) release() {
	g.mu.Lock()
	close(g.gate)
	g.gate = nil
	g.mu.Unlock()
}

func (g *gatedDB) setFail(fail bool) {
	g.mu.Lock()
	g.fail = fail
	g.mu.Unlock()
}

// gatedService is a world's published service reading the national data
// (and the fingerprint) through a gated database, with its first snapshot;
// only the hooks and Invalidate refresh it.
func gatedService(t *testing.T, db storage.DB) (*publish.Service, *gatedDB, *publish.Snapshot) {
	g := &gatedDB{DB: db}
	svc := testworld.Over(t, db, testworld.Options{}).Published
	svc.Data.National = &national.Store{DB: g}
	svc.ProbeInterval = -1
	s1, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return svc, g, s1
}

// TestReadersNeverWaitForABuild: while the next snapshot's build is held
// in the database, a reader is given the published one at once.
func TestReadersNeverWaitForABuild(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc, g, s1 := gatedService(t, db)
		g.hold()
		svc.Invalidate()
		got := make(chan *publish.Snapshot, 1)
		go func() {
			rctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			s, _ := svc.Snapshot(rctx)
			got <- s
		}()
		select {
		case s := <-got:
			if s != s1 {
				t.Errorf("a reader during a build got generation %v, want the published %d", s, s1.Generation)
			}
		case <-time.After(10 * time.Second):
			t.Error("a reader waited for the build held in the database")
		}
		select {
		case <-g.entered:
		case <-time.After(10 * time.Second):
			t.Error("no build reached the database")
		}
		g.release()
		if s, err := svc.WaitFor(ctx, s1.Generation+1); err != nil || s.Generation <= s1.Generation {
			t.Fatalf("after the build: %v, %v", s, err)
		}
	})
}

// TestInvalidationBurstCoalesced: 100 changes in a burst make at most two
// builds (one under way, one after it).
func TestInvalidationBurstCoalesced(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc := testworld.Over(t, db, testworld.Options{}).Published
		svc.ProbeInterval, svc.WarmTimeout = -1, time.Minute
		var builds atomic.Int32
		svc.AddWarmer(func(context.Context, *publish.Snapshot) error { builds.Add(1); return nil })
		s1, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.WaitFor(ctx, s1.Generation); err != nil {
			t.Fatal(err)
		}
		// The first snapshot is published before it is warmed (start-up
		// waits only for the load), so its warming may still be running.
		for end := time.Now().Add(10 * time.Second); builds.Load() != 1 && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond)
		}
		if builds.Load() != 1 {
			t.Fatalf("the first snapshot: warmed %d times, want 1", builds.Load())
		}
		for range 100 {
			svc.Invalidate()
		}
		s2, err := svc.WaitFor(ctx, svc.Generation())
		if err != nil {
			t.Fatal(err)
		}
		if n := builds.Load() - 1; n < 1 || n > 2 {
			t.Errorf("100 invalidations made %d builds, want 1 or 2", n)
		}
		if s2.Generation != s1.Generation+100 {
			t.Errorf("generation %d after 100 changes from %d", s2.Generation, s1.Generation)
		}
	})
}

// TestFailedBuildKeepsSnapshot: while the database fails, readers keep the
// published snapshot, a caller waiting for the new one gets the error, and
// the builder retries until it succeeds.
func TestFailedBuildKeepsSnapshot(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc, g, s1 := gatedService(t, db)
		g.setFail(true)
		svc.Invalidate()
		gen := svc.Generation()
		if _, err := svc.WaitFor(ctx, gen); err == nil {
			t.Fatal("waiting for a build that failed gave no error")
		}
		if s, err := svc.Snapshot(ctx); err != nil || s != s1 {
			t.Fatalf("a reader after a failed build: %v, %v; want the published snapshot", s, err)
		}
		g.setFail(false)
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if s, err := svc.WaitFor(wctx, gen); err != nil || s.Generation < gen {
			t.Fatalf("after the database came back: %v, %v", s, err)
		}
	})
}

// TestCloseStopsTheBuilder: after Close, changes build nothing and a caller
// waiting for a new snapshot is told the service stopped.
func TestCloseStopsTheBuilder(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		svc, _, s1 := gatedService(t, db)
		svc.Close()
		svc.Invalidate()
		if _, err := svc.WaitFor(ctx, svc.Generation()); err == nil {
			t.Error("waiting after Close gave no error")
		}
		if s, err := svc.Snapshot(ctx); err != nil || s != s1 {
			t.Errorf("a reader after Close: %v, %v", s, err)
		}
		svc.Close()
	})
}

// TestOwnCommitReadAtOnce: after a commit, the committing area's reader
// (SnapshotFor) gets the snapshot holding it at once, while everyone else
// keeps the published one until the builder's debounce has passed.
func TestOwnCommitReadAtOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newWorld(t, db)
		w.svc.ProbeInterval = -1
		w.svc.Debounce = time.Hour // the builder waits: only a caller who must see the commit hurries it
		// Warming the next snapshot takes until the uploader has read it:
		// the uploader does not wait for the pages rendered ahead.
		warmed, uploaderRead := make(chan struct{}), make(chan struct{})
		w.svc.WarmTimeout = time.Minute
		var first atomic.Pointer[publish.Snapshot]
		var once sync.Once
		w.svc.AddWarmer(func(ctx context.Context, snap *publish.Snapshot) error {
			if s1 := first.Load(); s1 != nil && snap.Generation > s1.Generation {
				select {
				case <-uploaderRead:
				case <-time.After(10 * time.Second):
				}
				once.Do(func() { close(warmed) })
			}
			return nil
		})
		s1, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		first.Store(s1)
		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2024},
			Inventory: []kr.InventoryValue{{Year: 2022, Sector: "Transporter", Tonnes: fp(50)}}}
		w.submit(t, rep) // the commit hook touches 1281
		for _, area := range []string{"", "1280"} {
			if s, err := w.svc.SnapshotFor(ctx, area); err != nil || s != s1 {
				t.Errorf("reader of %q: generation %v (%v), want the published %d", area, s, err, s1.Generation)
			}
		}
		s2, err := w.svc.SnapshotFor(ctx, "1281")
		if err != nil {
			t.Fatal(err)
		}
		got := s2.Reported([]string{"1281"})
		if s2.Generation <= s1.Generation || got["1281"] == nil || len(got["1281"].Total) != 1 {
			t.Errorf("Lund's reader after Lund's commit: generation %d (published %d), Lund's figures %+v", s2.Generation, s1.Generation, got["1281"])
		}
		select {
		case <-warmed:
			t.Error("the uploader's read waited for the warmers")
		default:
		}
		if s, _ := w.svc.Snapshot(ctx); s != s1 {
			t.Error("a snapshot still being warmed was published to everyone")
		}
		close(uploaderRead)
		<-warmed
	})
}
