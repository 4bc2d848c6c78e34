package pages_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gin-gonic/gin"

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
func (r *renderer) get(b *testing.B, path string) {
	w := httptest.NewRecorder()
	r.router.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	if w.Code != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String()[:min(w.Body.Len(), 300)])
	}
}

// BenchmarkRender renders each public page uncached, on chDB with the test
// world's data, in two settings:
//
//   - cold: a fresh snapshot per iteration (loaded with the timer
//     stopped), so nothing is memoised: the first request after a commit;
//   - miss: a snapshot that has already served other pages (warmed with the
//     timer stopped) renders a page it has not kept: a crawler's request.
//
// /jamfor asks for a random set of 2 or 12 municipalities each iteration,
// a set no snapshot has seen.
func BenchmarkRender(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	snap, err := f.Published.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var codes []string
	for _, m := range snap.Municipalities {
		codes = append(codes, m.Code)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	jamfor := func(n int) func() string {
		return func() string {
			q := url.Values{}
			for _, i := range rng.Perm(len(codes))[:n] {
				q.Add("kod", codes[i])
			}
			return "/jamfor?" + q.Encode()
		}
	}
	fixed := func(p string) func() string { return func() string { return p } }
	pagesToRender := []struct {
		name string
		path func() string
		warm []string // what the snapshot served before, in the miss setting
	}{
		{"kommun_1281", fixed("/kommun/1281"), []string{"/kommun/1280", "/rangordning"}},
		{"jamfor_2", jamfor(2), []string{"/jamfor?kod=0180&kod=1480", "/kommun/1280"}},
		{"jamfor_12", jamfor(12), []string{"/jamfor?kod=0180&kod=1480", "/kommun/1280"}},
		{"rangordning", fixed("/rangordning"), []string{"/rangordning?ordning=desc", "/kommun/1280"}},
	}
	for _, pg := range pagesToRender {
		for _, setting := range []string{"cold", "miss"} {
			b.Run(pg.name+"/"+setting, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					r := newRenderer(f)
					if _, err := r.svc.Snapshot(ctx); err != nil {
						b.Fatal(err)
					}
					if setting == "miss" {
						for _, w := range pg.warm {
							r.get(b, w)
						}
					}
					p := pg.path()
					b.StartTimer()
					r.get(b, p)
					b.StopTimer()
					r.svc.Close()
					b.StartTimer()
				}
			})
		}
	}
}
