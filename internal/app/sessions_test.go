package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// sessionQueries counts the queries that read sessions.
type sessionQueries struct {
	storage.DB
	n atomic.Int64
}

func (c *sessionQueries) Select(ctx context.Context, dest any, query string, args ...any) error {
	if strings.Contains(query, "FROM sessions") {
		c.n.Add(1)
	}
	return c.DB.Select(ctx, dest, query, args...)
}

// TestSignedInRequestsCached: a signed-in visitor's requests (pages,
// static files) through the real router read the session once while it
// is fresh, and the sign-out ends it at once.
func TestSignedInRequestsCached(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		cdb := &sessionQueries{DB: db}
		w := testworld.Over(t, cdb, testworld.Options{})
		ts := w.Serve(t, "")
		secret := officerSession(t, w)
		cookie := &http.Cookie{Name: web.SessionCookie, Value: secret}
		cdb.n.Store(0)
		for i := range 20 {
			path := []string{"/static/style.css", "/static/charts.js", "/rapportera", "/"}[i%4]
			req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
			req.AddCookie(cookie)
			if r := testworld.Do(t, nil, req); r.Status != http.StatusOK {
				t.Fatalf("GET %s signed in: %d", path, r.Status)
			}
		}
		if n := cdb.n.Load(); n > 1 {
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
