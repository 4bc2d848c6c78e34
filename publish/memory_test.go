package publish_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// Bounds of what grown data may add to the warmed published snapshot's
// heap (TestSnapshotMemoryBounded).
const (
	// releasesSlack is what ten SMHI releases of all seven substances may
	// add over one release of one substance: the snapshot holds the newest
	// release of the default substance and the one before it (for the
	// revisions between them), so one release's series (measured: 1.17
	// MiB loaded and warmed, on the server engine) and measurement noise.
	// Keeping every release would add about 1.2 MiB for each.
	releasesSlack = 2 << 20
	// revisionsEach is what a second release adds to each area once warmed:
	// the comparison of the two newest releases (its rows in the memo,
	// and on the municipality's page at most pages.RevisionYearsShown
	// years of them). Measured: 30 KiB an area when every year and sector
	// was revised. It is paid once, for the second release; the loaded
	// check above still fails on a snapshot keeping more releases.
	revisionsEach = 40 << 10
	// membersFixed and membersEach bound what members with ten yearly
	// reports each may add to the warmed snapshot: their reported series,
	// where each figure comes from, goals, plans and measures in the
	// warmed municipality pages and the views behind them, and their rows
	// on the overview and the ranking. Measured on both engines: 3.87 MiB
	// for 50 members (79 KiB a member), 0.49 MiB for 5; the bound,
	// 5.7 MiB for 50, leaves room for pages that grow a little.
	membersFixed = 1 << 20
	membersEach  = 96 << 10
)

// snapshotFootprint is what a published snapshot costs.
type snapshotFootprint struct {
	heap      int64 // bytes the snapshot keeps reachable (with its service's: a few kB)
	entries   int   // memoised results after warming
	bodyBytes int64 // bytes of the rendered pages among them
	pages     int   // pages warmed: /, /rangordning and one per municipality
	took      time.Duration
	peak      int64 // the most bytes of heap objects while it was built, over a collected heap before (garbage included)
}

func heapAlloc() int64 {
	runtime.GC()
	runtime.GC() // what finalizers freed
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// footprint builds a snapshot of w's data in a service of its own and
// measures the heap it keeps: HeapAlloc with the snapshot alive minus after
// the service and snapshot are dropped. With warm, the public pages'
// warmers (/, /rangordning, every /kommun/{code}) have rendered into it
// first, as before a snapshot is published.
func footprint(t *testing.T, w *testworld.World, warm bool) snapshotFootprint {
	t.Helper()
	svc := &publish.Service{Data: w.Data(), Members: w.Members, ProbeInterval: -1, WarmTimeout: -1}
	warmed := make(chan *publish.Snapshot, 1)
	if warm {
		svc.WarmTimeout = 2 * time.Minute
		gin.SetMode(gin.ReleaseMode)
		(&pages.Pages{Published: svc}).Register(gin.New())
		svc.AddWarmer(func(_ context.Context, snap *publish.Snapshot) error { warmed <- snap; return nil }) // runs last
	}
	before := heapAlloc()
	start := time.Now()
	var snap *publish.Snapshot
	var err error
	var peak uint64
	peak, _ = workbooktest.PeakHeap(func() {
		if snap, err = svc.Refresh(ctx); err != nil || !warm {
			return
		}
		select { // the first snapshot is published before it is warmed
		case s := <-warmed:
			if s != snap {
				err = errors.New("another snapshot was warmed")
			}
		case <-time.After(3 * time.Minute):
			err = errors.New("the snapshot was not warmed within 3 minutes")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	f := snapshotFootprint{took: time.Since(start), peak: int64(peak) - before}
	f.entries, f.bodyBytes = snap.Kept()
	f.pages = 2 + len(snap.Municipalities)
	with := heapAlloc()
	runtime.KeepAlive(snap)
	svc.Close()
	svc, snap = nil, nil
	f.heap = with - heapAlloc()
	return f
}

func (f snapshotFootprint) log(t *testing.T, what string) {
	t.Logf("%s: snapshot heap %.2f MiB; memo %d entries, %.2f MiB of rendered pages (%.1f KiB a page of %d); built in %v, with at most %.1f MiB more heap meanwhile", what,
		float64(f.heap)/(1<<20), f.entries, float64(f.bodyBytes)/(1<<20), float64(f.bodyBytes)/float64(f.pages)/1024, f.pages,
		f.took.Round(time.Millisecond), float64(f.peak)/(1<<20))
}

// TestSnapshotMemoryBounded: the published snapshot keeps only what the
// pages need, however much the database holds. Against a baseline of one
// SMHI release of one substance (the real CO2 file) and no members, ten
// releases of all seven substances add (almost) nothing, loaded or warmed
// (the snapshot holds the newest release of the default substance), and 50
// members with ten years of reports each add at most membersFixed and
// membersEach a member to the warmed snapshot. -short: three releases and five members (the bound
// scaled), the baseline measured loaded only.
func TestSnapshotMemoryBounded(t *testing.T) {
	releases, members, years := 10, 50, 10
	if testing.Short() {
		releases, members = 3, 5
	}
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		start := time.Now()
		w := testworld.Over(t, db, testworld.Options{Samples: true})
		base := footprint(t, w, false)
		base.log(t, "baseline, loaded")
		var baseWarm snapshotFootprint
		if !testing.Short() {
			baseWarm = footprint(t, w, true)
			baseWarm.log(t, "baseline, warmed")
		}

		w.GrowSMHI(t, releases)
		smhi := footprint(t, w, false)
		smhi.log(t, fmt.Sprintf("%d releases × 7 substances, loaded", releases))
		smhiWarm := footprint(t, w, true)
		smhiWarm.log(t, fmt.Sprintf("%d releases × 7 substances, warmed", releases))
		if d := smhi.heap - base.heap; d > releasesSlack {
			t.Errorf("%d releases of 7 substances add %d bytes to the loaded snapshot, want at most %d: it keeps more than the two newest releases of the default substance",
				releases, d, releasesSlack)
		}
		if d, bound := smhiWarm.heap-baseWarm.heap, releasesSlack+revisionsEach*int64(smhiWarm.pages); !testing.Short() && d > bound {
			t.Errorf("%d releases of 7 substances add %d bytes to the warmed snapshot, want at most %d", releases, d, bound)
		}

		munis, err := w.National.Municipalities(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, m := range munis[:members] {
			codes = append(codes, m.Code)
		}
		t0 := time.Now()
		n := w.GrowMembers(t, codes, years, 2024)
		t.Logf("%d reports submitted in %v", n, time.Since(t0).Round(time.Millisecond))
		grown := footprint(t, w, true)
		grown.log(t, fmt.Sprintf("and %d members × %d years of reports, warmed", members, years))
		d := grown.heap - smhiWarm.heap
		t.Logf("the members add %.2f MiB (%.1f KiB a member); the test took %v", float64(d)/(1<<20),
			float64(d)/float64(members)/1024, time.Since(start).Round(time.Second))
		if bound := int64(membersFixed + members*membersEach); d > bound {
			t.Errorf("%d members × %d years of reports add %d bytes to the warmed snapshot, want at most %d", members, years, d, bound)
		}
	})
}
