package accounts

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Session is a signed-in browser.
type Session struct {
	Account Account
	CSRF    string // a secret kept with the session; no form carries it since web.CrossOrigin replaced form tokens
	Expires time.Time
}

type sessionRow struct {
	SHA256    string    `ch:"sha256"`
	AccountID string    `ch:"account_id"`
	CSRF      string    `ch:"csrf"`
	CreatedAt time.Time `ch:"created_at"`
	ExpiresAt time.Time `ch:"expires_at"`
	Revoked   uint8     `ch:"revoked"`
	Version   uint64    `ch:"version"`
}

// SessionLifetime is how long a session lasts without signing in again.
const SessionLifetime = 12 * time.Hour

// currentSession selects the current sessionRow of the session whose
// secret hashes to the one argument.
var currentSession = storage.Latest("sessions", []string{"sha256"}, []string{"toString(account_id) AS account_id", "csrf",
	"created_at", "expires_at", "revoked"}, "WHERE sha256 = ?")

// StartSession creates a session for an account and returns the secret
// for its cookie (only the hash is stored).
func (s *Store) StartSession(ctx context.Context, a Account) (string, Session, error) {
	secret, hash := newSecret()
	csrf, _ := newSecret()
	now := s.now().Truncate(time.Second)
	row := sessionRow{SHA256: hash, AccountID: a.ID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime), Version: s.version()}
	if err := s.DB.Insert(ctx, "sessions", []sessionRow{row}); err != nil {
		return "", Session{}, err
	}
	return secret, Session{Account: a, CSRF: csrf, Expires: row.ExpiresAt}, nil
}

// Session returns the live session of a cookie secret, if any.
func (s *Store) Session(ctx context.Context, secret string) (Session, bool, error) {
	var rows []sessionRow
	if err := s.DB.Select(ctx, &rows, currentSession, hashSecret(secret)); err != nil {
		return Session{}, false, err
	}
	if len(rows) == 0 || rows[0].Revoked == 1 || !s.now().Before(rows[0].ExpiresAt) {
		return Session{}, false, nil
	}
	a, ok, err := s.Get(ctx, rows[0].AccountID)
	if err != nil || !ok || a.Disabled {
		return Session{}, false, err
	}
	return Session{Account: a, CSRF: rows[0].CSRF, Expires: rows[0].ExpiresAt}, true, nil
}

// EndSession signs a session out.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	var rows []sessionRow
	if err := s.DB.Select(ctx, &rows, currentSession, hashSecret(secret)); err != nil || len(rows) == 0 {
		return err
	}
	r := rows[0]
	r.Revoked, r.Version = 1, s.version()
	return s.DB.Insert(ctx, "sessions", []sessionRow{r})
}

type linkRow struct {
	SHA256    string    `ch:"sha256"`
	AccountID string    `ch:"account_id"`
	ExpiresAt time.Time `ch:"expires_at"`
	Used      uint8     `ch:"used"`
	Version   uint64    `ch:"version"`
}

// currentLink selects the current linkRow of the link whose secret hashes to
// the one argument.
var currentLink = storage.Latest("password_links", []string{"sha256"}, []string{"toString(account_id) AS account_id",
	"expires_at", "used"}, "WHERE sha256 = ?")

// PasswordLinkLifetime is how long a set-password link works.
const PasswordLinkLifetime = 72 * time.Hour

// NewPasswordLink returns a one-time secret with which the account's owner
// sets a password (the path is /losenord?nyckel=SECRET).
func (s *Store) NewPasswordLink(ctx context.Context, accountID string) (string, error) {
	secret, hash := newSecret()
	row := linkRow{SHA256: hash, AccountID: accountID, ExpiresAt: s.now().Add(PasswordLinkLifetime).Truncate(time.Second), Version: s.version()}
	if err := s.DB.Insert(ctx, "password_links", []linkRow{row}); err != nil {
		return "", err
	}
	return secret, nil
}

// UsePasswordLink sets the password of the link's account and spends the
// link.
func (s *Store) UsePasswordLink(ctx context.Context, secret, password string) (Account, error) {
	var rows []linkRow
	if err := s.DB.Select(ctx, &rows, currentLink, hashSecret(secret)); err != nil {
		return Account{}, err
	}
	if len(rows) == 0 || rows[0].Used == 1 || !s.now().Before(rows[0].ExpiresAt) {
		return Account{}, kr.E(kr.Invalid, "Länken är ogiltig, redan använd eller för gammal. Be en administratör om en ny.")
	}
	r := rows[0]
	a, ok, err := s.Get(ctx, r.AccountID)
	if err != nil || !ok || a.Disabled {
		return Account{}, kr.E(kr.Invalid, "Länken är ogiltig, redan använd eller för gammal. Be en administratör om en ny.")
	}
	if err := s.SetPassword(ctx, a.Actor(), a.ID, password); err != nil {
		return Account{}, err
	}
	r.Used, r.Version = 1, s.version()
	return a, s.DB.Insert(ctx, "password_links", []linkRow{r})
}
