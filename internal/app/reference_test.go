package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestReferenceLoadingNotice: while the first start imports the bundled
// reference data, the public pages and the API say "Laddar data …" (503
// with a Retry-After), never that there is no data; once what they show
// is in, they show it while the rest (CO2) follows, and then nothing more
// is missing.
func TestReferenceLoadingNotice(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		parts, err := w.MissingReference(ctx)
		if err != nil || len(parts) != 4 {
			t.Fatalf("an empty database lacks %d parts (%v), want 4: municipalities, population, GGT, CO2", len(parts), err)
		}
		// The import waits before its second part until the pages are seen.
		seen := make(chan struct{})
		next := parts[1].Import
		parts[1].Import = func(ctx context.Context, b []byte) (any, error) {
			<-seen
			return next(ctx, b)
		}
		ts := w.Serve(t, "")
		wait := w.StartReference(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), parts)
		for _, path := range []string{"/", "/rangordning", "/kommun/1281", "/api/v1/ranking"} {
			r := testworld.Get(t, ts.URL+path)
			if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
				!strings.Contains(string(r.Body), "Laddar data") || strings.Contains(string(r.Body), "inga uppgifter") {
				t.Errorf("GET %s while loading: %d, Retry-After %q\n%.600s", path, r.Status, r.Header.Get("Retry-After"), r.Body)
			}
		}
		// The CO2 release (for the API) is imported with the pages up.
		co2 := make(chan struct{})
		last := parts[3].Import
		parts[3].Import = func(ctx context.Context, b []byte) (any, error) {
			<-co2
			return last(ctx, b)
		}
		close(seen)
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			r := testworld.Get(t, ts.URL+"/kommun/1281")
			if r.Status == http.StatusOK && strings.Contains(string(r.Body), "Lund") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/kommun/1281 while CO2 is imported: %d\n%.600s", r.Status, r.Body)
			}
		}
		close(co2)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if r := testworld.Get(t, ts.URL+"/rangordning"); r.Status != http.StatusOK || strings.Count(string(r.Body), `href="/kommun/`) < 290 {
			t.Fatalf("/rangordning after loading: %d, %d links to municipalities", r.Status, strings.Count(string(r.Body), `href="/kommun/`))
		}
		if parts, err := w.MissingReference(ctx); err != nil || len(parts) != 0 {
			t.Fatalf("after loading, %d parts missing (%v)", len(parts), err)
		}
	})
}
