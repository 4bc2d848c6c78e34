package pages_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
)

// renderer serves the public pages from its own publish.Service over the
// fixture's data, without the network, so that a benchmark can render a
// page that no snapshot has kept.
type renderer struct {
	svc    *publish.Service
	router *gin.Engine
}

func newRenderer(f *fixture) *renderer {
	gin.SetMode(gin.TestMode)
	// No warming: the benchmark says which pages the snapshot has served.
	svc := &publish.Service{Data: f.Published.Data, Members: f.Published.Members, ProbeInterval: -1, WarmTimeout: -1}
	r := gin.New()
	(&pages.Pages{Published: svc}).Register(r)
	return &renderer{svc: svc, router: r}
}

// get serves path and fails unless it is 200.
func (r *renderer) get(b testing.TB, path string) {
	w := httptest.NewRecorder()
	r.router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String()[:min(w.Body.Len(), 300)])
	}
}

// BenchmarkRender renders each public page uncached, on chDB with the test
// world's data, in three settings:
//
//   - cold: a fresh snapshot per iteration (loaded with the timer
//     stopped), so nothing is memoised: the first request after a commit;
//   - miss: a snapshot that has already served other pages (warmed with the
//     timer stopped) renders a page it has not kept: a crawler's request;
//   - render (/kommun): as miss, but with the municipality's report already
//     computed, so only the page is timed (what a miss costs once the
//     report's data is read from memory rather than the database).
//
// Beside ns/op each reports cpu-ns/op, the CPU the process used for the
// timed request (cpuTime). /jamfor asks for a random set of 2 or 12
// municipalities each iteration, one the snapshot has not seen; /rangordning/params asks for a sort order,
// source and year the snapshot has not rendered each iteration.
func BenchmarkRender(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	codes := municipalityCodes(b, f.Published)
	fixed := func(p string) func(*renderer) string { return func(*renderer) string { return p } }
	perSnapshot := []struct {
		name, setting string
		path          func(*renderer) string
		warm          []string // what the snapshot served before, in the miss setting
	}{
		{"kommun_1281", "cold", fixed("/kommun/1281"), nil},
		{"kommun_1281", "miss", fixed("/kommun/1281"), []string{"/kommun/1280", "/rangordning"}},
		{"kommun_1281", "render", func(r *renderer) string {
			snap, err := r.svc.Snapshot(ctx)
			if err == nil {
				_, err = snap.MunicipalityReport(ctx, "1281", 0)
			}
			if err != nil {
				b.Fatal(err)
			}
			return "/kommun/1281"
		}, []string{"/kommun/1280", "/rangordning"}},
		{"jamfor_12", "cold", randomSets(codes, 12, nil), nil},
		{"rangordning", "cold", fixed("/rangordning"), nil},
		{"rangordning", "miss", fixed("/rangordning"), []string{"/rangordning?ordning=desc", "/kommun/1280"}},
	}
	for _, pg := range perSnapshot {
		b.Run(pg.name+"/"+pg.setting, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				r := newRenderer(f)
				if _, err := r.svc.Snapshot(ctx); err != nil {
					b.Fatal(err)
				}
				for _, w := range pg.warm {
					r.get(b, w)
				}
				cpu += r.timed(b, pg.path(r))
				r.svc.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
	// Misses in one snapshot: each iteration a page it has not rendered.
	shared := newRenderer(f)
	defer shared.svc.Close()
	for _, w := range []string{"/jamfor?kod=0180&kod=1480", "/kommun/1280", "/rangordning"} {
		shared.get(b, w)
	}
	seen := map[string]bool{}
	inShared := []struct {
		name string
		path func(*renderer) string
	}{
		{"jamfor_2/miss", randomSets(codes, 2, seen)},
		{"jamfor_12/miss", randomSets(codes, 12, seen)},
		{"rangordning/params", rankingVariants(seen)},
	}
	for _, pg := range inShared {
		b.Run(pg.name, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				cpu += shared.timed(b, pg.path(shared))
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

// timed serves path with the benchmark's timer running (it is stopped
// before and after) and returns the CPU the process used meanwhile. It
// collects the garbage first, so that the untimed loading and warming do
// not leave the request a collection to pay for.
func (r *renderer) timed(b *testing.B, path string) time.Duration {
	runtime.GC()
	before := cpuTime(b)
	b.StartTimer()
	r.get(b, path)
	b.StopTimer()
	return cpuTime(b) - before
}

// municipalityCodes are the codes of the municipalities in svc's snapshot.
func municipalityCodes(t testing.TB, svc *publish.Service) []string {
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, m := range snap.Municipalities {
		codes = append(codes, m.Code)
	}
	return codes
}

// cpuTime is the CPU time the process has used (every thread: the render,
// the garbage collector, the engine's), which the benchmark reports per
// render as cpu-ns/op beside ns/op: on a machine shared with other work
// the time a render waits for a core is no cost of its own.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// randomSets returns comparisons of n random municipalities, each a set not
// in seen (which it adds to; nil: a fresh record).
func randomSets(codes []string, n int, seen map[string]bool) func(*renderer) string {
	rng := rand.New(rand.NewPCG(uint64(n), 2))
	if seen == nil {
		seen = map[string]bool{}
	}
	return func(*renderer) string {
		for {
			q := url.Values{}
			for _, i := range rng.Perm(len(codes))[:n] {
				q.Add("kod", codes[i])
			}
			if p := "/jamfor?" + q.Encode(); !seen[p] {
				seen[p] = true
				return p
			}
		}
	}
}

// rankingVariants returns rankings by every sort key, order, source and
// some years, each once and none the default.
func rankingVariants(seen map[string]bool) func(*renderer) string {
	var paths []string
	for _, year := range []string{"", "2015", "2005"} {
		for _, source := range []string{"", "reported"} {
			for _, order := range []string{"asc", "desc"} {
				for _, key := range append([]string{"namn"}, metricNames()...) {
					q := url.Values{"sortera": {key}, "ordning": {order}}
					if year != "" {
						q.Set("ar", year)
					}
					if source != "" {
						q.Set("kalla", source)
					}
					paths = append(paths, "/rangordning?"+q.Encode())
				}
			}
		}
	}
	return func(*renderer) string {
		for _, p := range paths {
			if !seen[p] {
				seen[p] = true
				return p
			}
		}
		panic("rankingVariants: every variant rendered")
	}
}

func metricNames() []string {
	var names []string
	for _, m := range analytics.Metrics() {
		names = append(names, m.Name)
	}
	return names
}
