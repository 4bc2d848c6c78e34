package main

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// serveGrowthBound is what ten SMHI releases of all seven substances and
// 50 members with ten yearly reports each may add to the resident memory
// of `klimatrapport serve` once its snapshot is warmed (the pages and the
// API's answers, every member's metrics as JSON, CSV and XLSX, rendered and
// pinned). The snapshot's own heap grows by 3.9 MiB (publish's
// TestSnapshotMemoryBounded, the precise measure); the rest is the warmed
// answers, of which the pages are most: the grown data's /kommun pages are
// about 45 KiB each, with the revisions between the two newest releases
// and the member's figures by GPC row. Measured with serveGOGC: +21.2 MiB
// on a quiet machine, +23.1 MiB beside the publish and pages tests (with
// the default GOGC: +29.9 MiB quiet and +49.4 MiB in CI, larger pages
// then). The bound is for a leak of the order of the data (tens of MiB per
// release), not for the last MiB: publish's test is.
const serveGrowthBound = 36 << 20

// serveGOGC is the collector's target both services run with here: the
// resident memory of a Go program is its live heap plus up to GOGC per cent
// of it in garbage not yet collected, and where in that band a measurement
// falls depends on how the collector kept pace, which on a loaded machine
// (CI runs the other packages' tests beside this one) moved the difference
// between two services by tens of MiB. At 25 the band is a quarter of the
// live heap, so the difference measures the data.
const serveGOGC = 25

// serveWorld is a new server database with SCB's and SMHI's sample files
// imported, and its DSN; the database is dropped when the test ends.
func serveWorld(t *testing.T, server string) (*testworld.World, string) {
	t.Helper()
	ctx := context.Background()
	name := storagetest.NewDatabaseName()
	dsn := dsnFor(server, name)
	db, err := engines.Open(ctx, dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		db.Close()
	})
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	return testworld.Over(t, db, testworld.Options{Samples: true}), dsn
}

// warmedRSS starts `klimatrapport serve` on dsn, requests every page its
// warmers render (/, /rangordning, every /kommun/{code}) so that all are
// kept whether or not the warming has reached them, and returns its
// resident memory then (VmRSS, after a pause for the runtime to return
// what it freed) and at its peak (VmHWM). The service is stopped.
func warmedRSS(t *testing.T, dsn string, codes []string) (rss, peak int64) {
	t.Helper()
	svc := startService(t, dsn, "KLIMATRAPPORT_LOG_LEVEL=warn", "GOGC="+strconv.Itoa(serveGOGC))
	defer svc.cmd.Process.Kill()
	paths := []string{"/", "/rangordning"}
	for _, c := range codes {
		paths = append(paths, "/kommun/"+c)
	}
	for _, p := range paths {
		if r := testworld.Get(t, svc.base+p); r.Status != 200 {
			t.Fatalf("GET %s: %d", p, r.Status)
		}
	}
	time.Sleep(3 * time.Second)
	var err error
	if rss, err = vmStatus(svc.cmd.Process.Pid, "VmRSS"); err != nil {
		t.Fatal(err)
	}
	if peak, err = vmStatus(svc.cmd.Process.Pid, "VmHWM"); err != nil {
		t.Fatal(err)
	}
	return rss, peak
}

// TestServeMemory: the resident memory of `klimatrapport serve` with its
// published snapshot warmed grows by at most serveGrowthBound from the
// baseline (one SMHI release of CO2, no members) to ten SMHI releases of
// all seven substances and 50 members with ten years of reports each. On
// the server engine only, as TestLoad: the binary's chDB would need the
// data path the test process holds.
func TestServeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("submitting 500 reports and warming two services takes minutes")
	}
	start := time.Now()
	server := storagetest.ServerDSN(t)
	_, base := serveWorld(t, server)
	w, grown := serveWorld(t, server)
	w.GrowSMHI(t, 10)
	munis, err := w.National.Municipalities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, m := range munis {
		codes = append(codes, m.Code)
	}
	w.GrowMembers(t, codes[:50], 10, 2024)
	t.Logf("data imported and grown in %v", time.Since(start).Round(time.Second))

	baseRSS, basePeak := warmedRSS(t, base, codes)
	grownRSS, grownPeak := warmedRSS(t, grown, codes)
	mib := func(b int64) float64 { return float64(b) / (1 << 20) }
	t.Logf("serve, warmed: baseline RSS %.1f MiB (peak %.1f), grown RSS %.1f MiB (peak %.1f): +%.1f MiB",
		mib(baseRSS), mib(basePeak), mib(grownRSS), mib(grownPeak), mib(grownRSS-baseRSS))
	t.Logf("the test took %v", time.Since(start).Round(time.Second))
	if grownRSS-baseRSS > serveGrowthBound {
		t.Errorf("the grown data adds %.1f MiB to serve's resident memory, want at most %.1f MiB", mib(grownRSS-baseRSS), mib(serveGrowthBound))
	}
}
