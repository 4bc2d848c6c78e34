package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// TestSignedInRequestsCached: a signed-in visitor's requests (pages,
// static files) through the real router read the session once while it
// is fresh, and the sign-out ends it at once.
func TestSignedInRequestsCached(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		cdb := &storagetest.Recorder{DB: db}
		w := testworld.Over(t, cdb, testworld.Options{})
		ts := w.Serve(t, "")
		secret := officerSession(t, w)
		cookie := &http.Cookie{Name: web.SessionCookie, Value: secret}
		before := cdb.Matching("FROM sessions")
		for i := range 20 {
			path := []string{"/static/style.css", "/static/charts.js", "/rapportera", "/"}[i%4]
			req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			req.AddCookie(cookie)
			if r := testworld.Do(t, nil, req); r.Status != http.StatusOK {
				t.Fatalf("GET %s signed in: %d", path, r.Status)
			}
		}
		if n := cdb.Matching("FROM sessions") - before; n > 1 {
			t.Errorf("20 signed-in requests read the session %d times, want at most once", n)
		}
		if err := w.Accounts.EndSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := w.Accounts.Session(ctx, secret); ok || err != nil {
			t.Errorf("a session signed out is still cached (%v)", err)
		}
	})
}
