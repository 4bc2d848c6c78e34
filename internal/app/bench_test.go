package app_test

import (
	"net/http"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// BenchmarkSignedInStatic gets a static file through the real router:
// anonymously (the reference), signed in with the session cache, and
// signed in reading the session on every request (no cache).
func BenchmarkSignedInStatic(b *testing.B) {
	for _, engine := range storagetest.EngineNames() {
		for _, mode := range []string{"public", "cached", "uncached"} {
			b.Run(engine+"/"+mode, func(b *testing.B) {
				w := testworld.New(b, engine, testworld.Options{})
				if mode == "uncached" {
					w.Accounts = &accounts.Store{DB: w.DB}
				}
				secret := officerSession(b, w)
				ts := w.Serve(b, "")
				req, _ := http.NewRequest(http.MethodGet, ts.URL+"/static/style.css", nil)
				if mode != "public" {
					req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
				}
				b.ResetTimer()
				for range b.N {
					if r := testworld.Do(b, nil, req); r.Status != http.StatusOK {
						b.Fatal(r.Status)
					}
				}
			})
		}
	}
}
