package accounts_test

import (
	"context"
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
		tok, secret, err := s.CreateToken(ctx, kr.System(), anna.ID, "import-skript")
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
		if err != nil || sess.CSRF == "" {
			t.Fatal(err)
		}
		if got, ok, _ := s.Session(ctx, cookie); !ok || got.Account.ID != anna.ID || got.CSRF != sess.CSRF {
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
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
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
		clock = clock.Add(accounts.SessionLifetime)
		if _, ok, _ := s.Session(ctx, cookie2); ok {
			t.Error("expired session accepted")
		}
		// A set-password link works once.
		bo, _ := s.Create(ctx, kr.System(), "bo@klimatkommunerna.se", kr.RoleReviewer, "", "")
		if _, err := s.Authenticate(ctx, "bo@klimatkommunerna.se", ""); err != accounts.ErrBadLogin {
			t.Error("an account without a password logged in")
		}
		link, err := s.NewPasswordLink(ctx, bo.ID)
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
