package membertest_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// BenchmarkForm serves the member test's form (290 municipalities, 21
// regions, the questions) beside the static style sheet through the same
// router; compare the two sub-benchmarks' ns/op within one run.
func BenchmarkForm(b *testing.B) {
	w := testworld.New(b, "chdb", testworld.Options{})
	w.ImportMunicipalities(b)
	w.Published.ProbeInterval = publish.DefaultProbeInterval // as served, not the tests' probe per request
	h := w.Server(web.Config{Version: "bench"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Router
	for _, path := range []string{"/static/style.css", "/medlemstest"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				b.SetBytes(int64(rec.Body.Len()))
			}
		})
	}
}
