package accounts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var ctx = context.Background()

const pw = "korrekt häst batteri häftstift"

func TestAccounts(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		s := &accounts.Store{DB: db, Now: func() time.Time { return clock }}
		anna, err := s.Create(ctx, kr.System(), " Anna@Lund.se ", kr.RoleOfficer, "1281", pw)
		if err != nil || anna.Email != "anna@lund.se" || anna.Role != kr.RoleOfficer {
			t.Fatalf("create: %+v %v", anna, err)
		}
		for _, bad := range []struct {
			email string
			role  kr.Role
			code  string
		}{{"inte-en-adress", kr.RoleOfficer, "1281"}, {"x@y.se", kr.RoleOfficer, ""}, {"x@y.se", kr.RoleReviewer, "1281"}, {"x@y.se", "god", ""}} {
			if _, err := s.Create(ctx, kr.System(), bad.email, bad.role, bad.code, pw); kr.KindOf(err) != kr.Invalid {
				t.Errorf("create %+v: %v", bad, err)
			}
		}
		if _, err := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleReviewer, "", pw); kr.KindOf(err) != kr.Conflict {
			t.Errorf("duplicate email: %v", err)
		}
		if _, err := s.Create(ctx, kr.System(), "kort@lund.se", kr.RoleReviewer, "", "kort"); kr.KindOf(err) != kr.Invalid {
			t.Errorf("short password: %v", err)
		}
		// Login: one answer for every failure.
		if a, err := s.Authenticate(ctx, "ANNA@lund.se", pw); err != nil || a.ID != anna.ID {
			t.Fatalf("login: %v", err)
		}
		for _, c := range [][2]string{{"anna@lund.se", "fel lösenord här"}, {"okand@lund.se", pw}} {
			if _, err := s.Authenticate(ctx, c[0], c[1]); err != accounts.ErrBadLogin {
				t.Errorf("login %v: %v, want the generic error", c, err)
			}
		}
		// Tokens: shown once, stored hashed, revocable.
		tok, secret, err := s.CreateToken(ctx, kr.System(), anna.ID, "import-skript", time.Time{})
		if err != nil || len(secret) < 40 {
			t.Fatalf("token: %v", err)
		}
		var stored []struct {
			H string `ch:"sha256"`
		}
		db.Select(ctx, &stored, "SELECT sha256 FROM api_tokens")
		if len(stored) != 1 || stored[0].H == secret || len(stored[0].H) != 64 {
			t.Fatalf("the token is not stored as a hash: %+v", stored)
		}
		if a, ok, err := s.ByToken(ctx, secret); err != nil || !ok || a.ID != anna.ID {
			t.Fatalf("by token: %v %v", ok, err)
		}
		// Sessions.
		cookie, sess, err := s.StartSession(ctx, anna)
		if err != nil || !sess.Expires.Equal(clock.Add(accounts.SessionLifetime)) {
			t.Fatal(sess, err)
		}
		if got, ok, _ := s.Session(ctx, cookie); !ok || got.Account.ID != anna.ID {
			t.Fatal("session not found")
		}
		// Disabling stops tokens and sessions at once.
		if _, err := s.SetDisabled(ctx, kr.System(), anna.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ByToken(ctx, secret); ok {
			t.Error("token of a disabled account accepted")
		}
		if _, ok, _ := s.Session(ctx, cookie); ok {
			t.Error("session of a disabled account accepted")
		}
		if _, err := s.Authenticate(ctx, "anna@lund.se", pw); err != accounts.ErrBadLogin {
			t.Error("a disabled account logged in")
		}
		s.SetDisabled(ctx, kr.System(), anna.ID, false)
		if _, ok, _ := s.ByToken(ctx, secret); !ok {
			t.Error("the token of an enabled account refused")
		}
		if _, ok, _ := s.Session(ctx, cookie); ok {
			t.Error("a session outlived its account's disabling")
		}
		if err := s.RevokeToken(ctx, kr.System(), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ByToken(ctx, secret); ok {
			t.Error("revoked token accepted")
		}
		if err := s.EndSession(ctx, cookie); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Session(ctx, cookie); ok {
			t.Error("ended session accepted")
		}
		cookie2, _, _ := s.StartSession(ctx, anna)
		for range 11 { // a request an hour keeps it from going idle, not past its end
			clock = clock.Add(time.Hour)
			if _, ok, _ := s.Session(ctx, cookie2); !ok {
				t.Fatalf("a session used every hour ended at %v", clock)
			}
		}
		clock = clock.Add(time.Hour)
		if _, ok, _ := s.Session(ctx, cookie2); ok {
			t.Error("expired session accepted")
		}
		// A set-password link works once.
		bo, _ := s.Create(ctx, kr.System(), "bo@klimatkommunerna.se", kr.RoleReviewer, "", "")
		if _, err := s.Authenticate(ctx, "bo@klimatkommunerna.se", ""); err != accounts.ErrBadLogin {
			t.Error("an account without a password logged in")
		}
		link, err := s.NewPasswordLink(ctx, kr.System(), bo.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UsePasswordLink(ctx, link, pw); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UsePasswordLink(ctx, link, pw+"x"); kr.KindOf(err) != kr.Invalid {
			t.Errorf("a link used twice: %v", err)
		}
		if _, err := s.Authenticate(ctx, "bo@klimatkommunerna.se", pw); err != nil {
			t.Errorf("login after setting the password: %v", err)
		}
		list, _ := s.List(ctx)
		if len(list) != 2 {
			t.Errorf("%d accounts", len(list))
		}
		// The audit log.
		if err := s.Audit(ctx, anna.Actor(), "POST /api/v1/submissions", "", "127.0.0.1", "r1", "status=Created"); err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 1 || log[0].Actor != "anna@lund.se" || log[0].RemoteAddr != "127.0.0.1" {
			t.Fatalf("audit: %+v %v", log, err)
		}
	})
}

// hashOf is a secret as stored: its SHA-256 in hex.
func hashOf(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// count is the number of rows in table.
func count(t *testing.T, db storage.DB, table string) uint64 {
	t.Helper()
	var rows []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &rows, "SELECT count() AS n FROM "+table); err != nil || len(rows) != 1 {
		t.Fatal(table, err)
	}
	return rows[0].N
}

// TestPasswordLinkUsedOnceAtATime: several uses of one link at the same
// time, through two instances, each with its own password: exactly one
// sets its password, the others are told the link has been used and their
// passwords do not work.
func TestPasswordLinkUsedOnceAtATime(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s, other := &accounts.Store{DB: db}, &accounts.Store{DB: db} // two instances of the service
		bo, err := s.Create(ctx, kr.System(), "bo@klimatkommunerna.se", kr.RoleReviewer, "", "")
		if err != nil {
			t.Fatal(err)
		}
		link, err := s.NewPasswordLink(ctx, kr.System(), bo.ID)
		if err != nil {
			t.Fatal(err)
		}
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = []*accounts.Store{s, other}[i%2].UsePasswordLink(ctx, link, pw+strings.Repeat("!", i))
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("uses %d and %d of one link both set a password", winner, i)
			case err == nil:
				winner = i
			case kr.KindOf(err) != kr.Invalid || !strings.Contains(kr.MessageOf(err), "Länken har redan använts"):
				t.Errorf("use %d: %v, want the link already used", i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("no use of the link set a password: %v", errs)
		}
		for i := range n {
			_, err := s.Authenticate(ctx, bo.Email, pw+strings.Repeat("!", i))
			if (err == nil) != (i == winner) {
				t.Errorf("password of use %d (winner %d): login %v", i, winner, err)
			}
		}
	})
}

// TestPasswordChangeEndsSessionsAndLinks: setting a password, by an admin
// or through a link, ends every session of the account and spends every
// link made before; a link made after works.
func TestPasswordChangeEndsSessionsAndLinks(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := &accounts.Store{DB: db}
		anna, err := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		if err != nil {
			t.Fatal(err)
		}
		admin, _ := s.Create(ctx, kr.System(), "admin@klimatkommunerna.se", kr.RoleAdmin, "", pw)
		laptop, _, _ := s.StartSession(ctx, anna)
		phone, _, _ := s.StartSession(ctx, anna)
		theirs, _, _ := s.StartSession(ctx, admin)
		old, _ := s.NewPasswordLink(ctx, kr.System(), anna.ID)
		if err := s.SetPassword(ctx, admin.Actor(), anna.ID, pw+" nytt"); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]string{"laptop": laptop, "phone": phone} {
			if _, ok, _ := s.Session(ctx, c); ok {
				t.Errorf("the %s's session outlived a new password", name)
			}
		}
		if _, ok, _ := s.Session(ctx, theirs); !ok {
			t.Error("another account's session ended")
		}
		if _, err := s.UsePasswordLink(ctx, old, pw+" från länken"); kr.KindOf(err) != kr.Invalid {
			t.Errorf("a link made before the new password: %v", err)
		}
		fresh, _ := s.NewPasswordLink(ctx, admin.Actor(), anna.ID)
		session, _, _ := s.StartSession(ctx, anna)
		if _, err := s.UsePasswordLink(ctx, fresh, pw+" från länken"); err != nil {
			t.Fatalf("a link made after: %v", err)
		}
		if _, ok, _ := s.Session(ctx, session); ok {
			t.Error("a session outlived a password set through a link")
		}
		if _, err := s.Authenticate(ctx, anna.Email, pw+" från länken"); err != nil {
			t.Error(err)
		}
		// A sign-in that checked the old password but starts its session
		// after the change gets no session.
		before, err := s.Authenticate(ctx, anna.Email, pw+" från länken")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPassword(ctx, anna.Actor(), anna.ID, pw+" eget"); err != nil {
			t.Fatalf("an officer setting her own password: %v", err)
		}
		if c, _, err := s.StartSession(ctx, before); err != accounts.ErrBadLogin {
			t.Errorf("a session started with the old password: %v", err)
		} else if _, ok, _ := s.Session(ctx, c); ok {
			t.Error("and it works")
		}
	})
}

// TestSessionIdle: a session ends after Idle without a request, however
// far its absolute end; a visit is recorded at most once a minute, and a
// visit recorded after a logout does not bring the session back.
func TestSessionIdle(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		s := &accounts.Store{DB: db, Now: func() time.Time { return clock }, Idle: 2 * time.Hour, Lifetime: 12 * time.Hour}
		anna, _ := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		busy, _, _ := s.StartSession(ctx, anna)
		idle, _, _ := s.StartSession(ctx, anna)
		for range 30 { // a request every 3 s for 90 s
			clock = clock.Add(3 * time.Second)
			if _, ok, err := s.Session(ctx, busy); !ok || err != nil {
				t.Fatalf("busy session: %v %v", ok, err)
			}
		}
		if n := count(t, db, "session_seen"); n > 2 {
			t.Errorf("%d visits recorded in 90 s of requests, want at most one a minute", n)
		}
		for range 4 { // then one every 50 min
			clock = clock.Add(50 * time.Minute)
			if _, ok, _ := s.Session(ctx, busy); !ok {
				t.Fatalf("a session used every 50 minutes ended at %v", clock)
			}
		}
		if _, ok, _ := s.Session(ctx, idle); ok {
			t.Error("a session unused for more than 2 h accepted")
		}
		if err := s.EndSession(ctx, busy); err != nil {
			t.Fatal(err)
		}
		late := []struct {
			SHA256 string    `ch:"sha256"`
			SeenAt time.Time `ch:"seen_at"`
		}{{hashOf(busy), clock.Add(time.Minute)}}
		if err := db.Insert(ctx, "session_seen", late); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(2 * time.Minute)
		if _, ok, _ := s.Session(ctx, busy); ok {
			t.Error("a visit recorded after the logout undid it")
		}
		// Three days on, the visits are of sessions that have ended anyway.
		before := count(t, db, "session_seen")
		clock = clock.Add(72 * time.Hour)
		if n, err := s.CleanupVisits(ctx); err != nil || n != 1 || before == 0 || count(t, db, "session_seen") != 0 {
			t.Errorf("cleanup of visits: %d days, %v; %d rows before, %d after", n, err, before, count(t, db, "session_seen"))
		}
	})
}

// TestTokenExpiry: a token made with an expiry works until then and not
// from then on; one without works on; an expiry in the past is refused.
func TestTokenExpiry(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		s := &accounts.Store{DB: db, Now: func() time.Time { return clock }}
		anna, _ := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		end := clock.Add(90 * 24 * time.Hour)
		tok, short, err := s.CreateToken(ctx, kr.System(), anna.ID, "kvartal", end)
		if err != nil || !tok.Expires.Equal(end) {
			t.Fatalf("token: %+v %v", tok, err)
		}
		_, forever, _ := s.CreateToken(ctx, kr.System(), anna.ID, "för alltid", time.Time{})
		if _, _, err := s.CreateToken(ctx, kr.System(), anna.ID, "redan slut", clock.Add(-time.Second)); kr.KindOf(err) != kr.Invalid {
			t.Errorf("an expiry in the past: %v", err)
		}
		clock = end.Add(-time.Second)
		if _, ok, err := s.ByToken(ctx, short); !ok || err != nil {
			t.Fatalf("a token a second before its expiry: %v %v", ok, err)
		}
		clock = end
		if _, ok, _ := s.ByToken(ctx, short); ok {
			t.Error("an expired token accepted")
		}
		if _, ok, _ := s.ByToken(ctx, forever); !ok {
			t.Error("a token without an expiry refused")
		}
		list, err := s.Tokens(ctx, anna.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("tokens: %+v %v", list, err)
		}
		for _, l := range list {
			if want := map[string]time.Time{"kvartal": end}[l.Name]; !l.Expires.Equal(want) {
				t.Errorf("token %s lists expiry %v, want %v", l.Name, l.Expires, want)
			}
		}
	})
}

// accountTables are the tables the store's writes add rows to.
var accountTables = []string{"accounts", "api_tokens", "api_token_expiry", "sessions", "session_seen", "password_links",
	"password_link_uses"}

func counts(t *testing.T, db storage.DB) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, table := range accountTables {
		out[table] = count(t, db, table)
	}
	return out
}

// TestAccountRights: only admins (and the command line) manage accounts
// and the tokens and links of others; an account may set its own password
// and revoke its own tokens. A refused call is Forbidden (Unauthorized for
// nobody signed in) and writes nothing.
func TestAccountRights(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := &accounts.Store{DB: db}
		anna, _ := s.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", pw)
		greta, _ := s.Create(ctx, kr.System(), "greta@klimatkommunerna.se", kr.RoleReviewer, "", pw)
		admin, _ := s.Create(ctx, kr.System(), "admin@klimatkommunerna.se", kr.RoleAdmin, "", pw)
		annasToken, _, _ := s.CreateToken(ctx, kr.System(), anna.ID, "skript", time.Time{})
		gretasToken, _, _ := s.CreateToken(ctx, kr.System(), greta.ID, "skript", time.Time{})
		static := kr.Actor{ID: "token:abcd…", Role: kr.RoleOfficer, Municipality: "1281"}
		writes := []struct {
			what  string
			write func(by kr.Actor) error
		}{ // disabling greta last: the admin does them all in this order
			{"create", func(by kr.Actor) error {
				_, err := s.Create(ctx, by, "ny@lund.se", kr.RoleAdmin, "", pw)
				return err
			}},
			{"greta's password", func(by kr.Actor) error { return s.SetPassword(ctx, by, greta.ID, pw+" nytt") }},
			{"greta's link", func(by kr.Actor) error {
				_, err := s.NewPasswordLink(ctx, by, greta.ID)
				return err
			}},
			{"anna's link", func(by kr.Actor) error {
				_, err := s.NewPasswordLink(ctx, by, anna.ID)
				return err
			}},
			{"token for greta", func(by kr.Actor) error {
				_, _, err := s.CreateToken(ctx, by, greta.ID, "x", time.Time{})
				return err
			}},
			{"token for anna", func(by kr.Actor) error {
				_, _, err := s.CreateToken(ctx, by, anna.ID, "x", time.Time{})
				return err
			}},
			{"revoke greta's token", func(by kr.Actor) error { return s.RevokeToken(ctx, by, gretasToken.ID) }},
			{"disable greta", func(by kr.Actor) error {
				_, err := s.SetDisabled(ctx, by, greta.ID, true)
				return err
			}},
		}
		for name, by := range map[string]kr.Actor{"anna": anna.Actor(), "reviewer greta on herself": greta.Actor(),
			"a static officer token": static, "nobody": kr.Public()} {
			for _, w := range writes {
				what, write := w.what, w.write
				if by.ID == greta.ID && (what == "greta's password" || what == "revoke greta's token") {
					continue // her own: allowed
				}
				before := counts(t, db)
				err := write(by)
				want := kr.Forbidden
				if by.Role == kr.RolePublic {
					want = kr.Unauthorized
				}
				if kr.KindOf(err) != want {
					t.Errorf("%s: %s: %v, want %v", name, what, err, want)
				}
				if after := counts(t, db); !maps.Equal(before, after) {
					t.Errorf("%s: %s was refused but wrote: %v → %v", name, what, before, after)
				}
			}
		}
		// What an account may do to itself, and an admin to anyone.
		if err := s.SetPassword(ctx, anna.Actor(), anna.ID, pw+" eget"); err != nil {
			t.Errorf("anna's own password: %v", err)
		}
		if err := s.RevokeToken(ctx, anna.Actor(), annasToken.ID); err != nil {
			t.Errorf("anna revoking her own token: %v", err)
		}
		for _, w := range writes {
			if err := w.write(admin.Actor()); err != nil {
				t.Errorf("admin: %s: %v", w.what, err)
			}
		}
	})
}

// TestAuditOutlivesTheRequest: an audit write is recorded even when the
// request's context is cancelled (a client that disconnects).
func TestAuditOutlivesTheRequest(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := &accounts.Store{DB: db}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Audit(gone, kr.Public(), "refused.unauthorized", "POST /api/v1/submissions", "192.0.2.1", "r1", ""); err != nil {
			t.Fatalf("audit with a cancelled context: %v", err)
		}
		if log, err := s.AuditLog(ctx, 10); err != nil || len(log) != 1 || log[0].RequestID != "r1" {
			t.Fatalf("audit log: %+v %v", log, err)
		}
	})
}
