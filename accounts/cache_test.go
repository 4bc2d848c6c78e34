package accounts_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// cachedStore is a store over db with a cache long enough for any test
// run, on a clock the test moves.
func cachedStore(db storage.DB, clock *time.Time) *accounts.Store {
	return &accounts.Store{DB: db, Now: func() time.Time { return *clock }, CacheTTL: time.Hour}
}

// TestSessionCacheBurst: a burst of requests, all at once, with one
// session and one API token reads each from the database once.
func TestSessionCacheBurst(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		cdb := &storagetest.Recorder{DB: db}
		s := cachedStore(cdb, &clock)
		anna, _ := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		cookie, _, _ := s.StartSession(ctx, anna)
		_, token, err := s.CreateToken(ctx, kr.System(), anna.ID, "skript", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		sessions0, tokens0 := cdb.Matching("FROM sessions"), cdb.Matching("FROM api_tokens")
		var wg sync.WaitGroup
		var refused atomic.Int64
		for range 40 {
			wg.Go(func() {
				if sess, ok, err := s.Session(ctx, cookie); !ok || err != nil || sess.Account.ID != anna.ID {
					refused.Add(1)
				}
				if a, ok, err := s.ByToken(ctx, token); !ok || err != nil || a.ID != anna.ID {
					refused.Add(1)
				}
			})
		}
		wg.Wait()
		if refused.Load() > 0 {
			t.Fatalf("%d of 80 lookups refused", refused.Load())
		}
		if n, m := cdb.Matching("FROM sessions")-sessions0, cdb.Matching("FROM api_tokens")-tokens0; n > 1 || m > 1 {
			t.Errorf("40 requests with a session made %d session queries, 40 with a token %d token queries; want at most one each", n, m)
		}
	})
}

// TestSessionCacheEnds: while a session or token is cached, signing out,
// changing the password, disabling the account and revoking the token
// take effect at once in this instance, and the idle and absolute ends
// and a token's expiry hold exactly.
func TestSessionCacheEnds(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		s := cachedStore(db, &clock)
		s.Idle, s.Lifetime = 2*time.Hour, 12*time.Hour
		anna, _ := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		start := func() string {
			t.Helper()
			cookie, _, err := s.StartSession(ctx, anna)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, err := s.Session(ctx, cookie); !ok || err != nil {
				t.Fatalf("new session: %v %v", ok, err)
			}
			return cookie
		}
		signedIn := func(cookie string) bool {
			t.Helper()
			_, ok, err := s.Session(ctx, cookie)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}

		out := start()
		if err := s.EndSession(ctx, out); err != nil || signedIn(out) {
			t.Errorf("a cached session still works after its logout (%v)", err)
		}
		idle := start()
		clock = clock.Add(2 * time.Hour)
		if signedIn(idle) {
			t.Error("a cached session unused for 2 h accepted")
		}
		long := start()
		for range 7 { // a request every 1 h 50 min: never idle, past 12 h
			clock = clock.Add(110 * time.Minute)
			if got := signedIn(long); got != clock.Before(time.Date(2026, 5, 1, 22, 0, 0, 0, time.UTC)) {
				t.Errorf("a cached session at %v: signed in %v", clock, got)
			}
		}
		changed := start()
		if err := s.SetPassword(ctx, kr.System(), anna.ID, pw+" nytt"); err != nil || signedIn(changed) {
			t.Errorf("a cached session still works after a password change (%v)", err)
		}
		anna, _, _ = s.Get(ctx, anna.ID)
		disabled := start()
		if _, err := s.SetDisabled(ctx, kr.System(), anna.ID, true); err != nil || signedIn(disabled) {
			t.Errorf("a cached session still works after its account was disabled (%v)", err)
		}
		if _, err := s.SetDisabled(ctx, kr.System(), anna.ID, false); err != nil {
			t.Fatal(err)
		}

		tok, secret, err := s.CreateToken(ctx, kr.System(), anna.ID, "skript", clock.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ByToken(ctx, secret); !ok {
			t.Fatal("new token refused")
		}
		clock = clock.Add(time.Hour)
		if _, ok, _ := s.ByToken(ctx, secret); ok {
			t.Error("a cached token accepted past its expiry")
		}
		_, secret, _ = s.CreateToken(ctx, kr.System(), anna.ID, "skript", time.Time{})
		if _, ok, _ := s.ByToken(ctx, secret); !ok {
			t.Fatal("new token refused")
		}
		rev, _ := s.Tokens(ctx, anna.ID)
		for _, r := range rev {
			if r.ID != tok.ID && !r.Revoked {
				if err := s.RevokeToken(ctx, kr.System(), r.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, ok, _ := s.ByToken(ctx, secret); ok {
			t.Error("a cached token still works after its revocation")
		}
	})
}
