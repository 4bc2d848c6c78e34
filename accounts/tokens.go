package accounts

import (
	"context"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Token is an API token's record; the secret itself is shown once, at
// creation, and only its SHA-256 is stored.
type Token struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Revoked   bool      `json:"revoked"`
	CreatedAt time.Time `json:"created_at"`
	Expires   time.Time `json:"expires_at,omitzero"` // zero: the token does not expire
}

type tokenRow struct {
	ID        string    `ch:"id"`
	AccountID string    `ch:"account_id"`
	Name      string    `ch:"name"`
	SHA256    string    `ch:"sha256"`
	Revoked   uint8     `ch:"revoked"`
	CreatedAt time.Time `ch:"created_at"`
	Version   uint64    `ch:"version"`
}

func (r tokenRow) token() Token {
	return Token{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Revoked: r.Revoked == 1, CreatedAt: r.CreatedAt}
}

// expiryRow is a token's expiry, kept beside api_tokens.
type expiryRow struct {
	ID        string    `ch:"id"`
	AccountID string    `ch:"account_id"`
	ExpiresAt time.Time `ch:"expires_at"`
}

// expiry is a token's expiry as read.
type expiry struct {
	ID        string    `ch:"id"`
	ExpiresAt time.Time `ch:"expires_at"`
}

// tokenExpiries selects the expiry of the tokens that have one, filtered
// by where.
func tokenExpiries(where string) string {
	return "SELECT toString(id) AS id, min(expires_at) AS expires_at FROM api_token_expiry " + where + " GROUP BY id"
}

// The expiry queries, built once: of one token by id, of an account's
// tokens.
var (
	expiryByID        = tokenExpiries("WHERE toString(id) = ?")
	expiriesOfAccount = tokenExpiries("WHERE toString(account_id) = ?")
)

// currentTokens selects the current tokenRow of each token; where may only
// name the key (see currentAccounts).
func currentTokens(where string) string {
	return storage.Latest("api_tokens", []string{"toString(id) AS id"}, []string{"toString(account_id) AS account_id",
		"name", "sha256", "revoked", "created_at"}, where)
}

// The token queries, built once: every token's current row, and the current
// row of the token whose id is the one argument.
var (
	allTokens = currentTokens("")
	tokenByID = currentTokens("WHERE toString(id) = ?")
)

// TokenPrefix marks klimatrapport's API tokens so that secret scanners can
// find leaked ones.
const TokenPrefix = "krt_"

// CreateToken makes an API token for an account and returns its secret,
// which is not stored and cannot be shown again. The token stops working
// at expires (zero: it does not expire). Only admins (and the command
// line) make tokens.
func (s *Store) CreateToken(ctx context.Context, by kr.Actor, accountID, name string, expires time.Time) (Token, string, error) {
	if err := access.CheckAccount(by, "", accountID); err != nil {
		return Token{}, "", err
	}
	now := s.now().Truncate(time.Second)
	if !expires.IsZero() && !expires.After(now) {
		return Token{}, "", kr.E(kr.Invalid, "Nyckelns sista giltighetstid har redan passerat.")
	}
	a, ok, err := s.Get(ctx, accountID)
	if err != nil {
		return Token{}, "", err
	}
	if !ok || a.Disabled {
		return Token{}, "", kr.E(kr.NotFound, "Kontot finns inte eller är avstängt.")
	}
	secret, _ := newSecret()
	secret = TokenPrefix + secret
	row := tokenRow{ID: uuid.NewString(), AccountID: accountID, Name: name, SHA256: hashSecret(secret),
		CreatedAt: now, Version: s.version()}
	// The expiry goes in first: a token is never live without it.
	if !expires.IsZero() {
		exp := expiryRow{ID: row.ID, AccountID: accountID, ExpiresAt: expires.UTC().Truncate(time.Second)}
		if err := s.DB.Insert(ctx, "api_token_expiry", []expiryRow{exp}); err != nil {
			return Token{}, "", err
		}
	}
	if err := s.DB.Insert(ctx, "api_tokens", []tokenRow{row}); err != nil {
		return Token{}, "", err
	}
	tok := row.token()
	tok.Expires = expires.UTC().Truncate(time.Second)
	return tok, secret, nil
}

// RevokeToken revokes a token at once: an admin any token, an account its
// own.
func (s *Store) RevokeToken(ctx context.Context, by kr.Actor, id string) error {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, tokenByID, id); err != nil {
		return err
	}
	owner := ""
	if len(rows) > 0 {
		owner = rows[0].AccountID
	}
	if err := access.CheckAccount(by, access.RevokeOwnToken, owner); err != nil {
		return err
	}
	if len(rows) == 0 {
		return kr.E(kr.NotFound, "Nyckeln finns inte.")
	}
	r := rows[0]
	r.Revoked, r.Version = 1, s.version()
	defer s.cache().drop(tokenKey(r.SHA256))
	return s.DB.Insert(ctx, "api_tokens", []tokenRow{r})
}

// Tokens lists an account's tokens.
func (s *Store) Tokens(ctx context.Context, accountID string) ([]Token, error) {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allTokens+") WHERE account_id = ? ORDER BY created_at", accountID); err != nil {
		return nil, err
	}
	var exp []expiry
	if err := s.DB.Select(ctx, &exp, expiriesOfAccount, accountID); err != nil {
		return nil, err
	}
	expires := map[string]time.Time{}
	for _, e := range exp {
		expires[e.ID] = e.ExpiresAt
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = r.token()
		out[i].Expires = expires[r.ID]
	}
	return out, nil
}

// ByToken returns the account a token secret belongs to, if the token is
// live (not revoked, not expired) and the account enabled. A token read
// within CacheTTL is not read again; its expiry is checked on every call.
func (s *Store) ByToken(ctx context.Context, secret string) (Account, bool, error) {
	hash := hashSecret(secret)
	e, err := s.cache().get(ctx, tokenKey(hash), func(ctx context.Context) (*credential, error) { return s.loadToken(ctx, hash) })
	if err != nil || e == nil || !e.expires.IsZero() && !s.now().Before(e.expires) {
		return Account{}, false, err
	}
	return e.account, true, nil
}

// loadToken reads a token by the hash of its secret: nil unless it is
// live and its account enabled.
func (s *Store) loadToken(ctx context.Context, hash string) (*credential, error) {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allTokens+") WHERE sha256 = ?", hash); err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].Revoked == 1 {
		return nil, nil
	}
	var exp []expiry
	if err := s.DB.Select(ctx, &exp, expiryByID, rows[0].ID); err != nil {
		return nil, err
	}
	e := &credential{}
	if len(exp) > 0 {
		if e.expires = exp[0].ExpiresAt; !s.now().Before(e.expires) {
			return nil, nil
		}
	}
	a, ok, err := s.Get(ctx, rows[0].AccountID)
	if err != nil || !ok || a.Disabled {
		return nil, err
	}
	e.account = a
	return e, nil
}
