package accounts

import (
	"context"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
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
// which is not stored and cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, by kr.Actor, accountID, name string) (Token, string, error) {
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
		CreatedAt: s.now().Truncate(time.Second), Version: s.version()}
	if err := s.DB.Insert(ctx, "api_tokens", []tokenRow{row}); err != nil {
		return Token{}, "", err
	}
	return row.token(), secret, nil
}

// RevokeToken revokes a token at once.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, tokenByID, id); err != nil {
		return err
	}
	if len(rows) == 0 {
		return kr.E(kr.NotFound, "Nyckeln finns inte.")
	}
	r := rows[0]
	r.Revoked, r.Version = 1, s.version()
	return s.DB.Insert(ctx, "api_tokens", []tokenRow{r})
}

// Tokens lists an account's tokens.
func (s *Store) Tokens(ctx context.Context, accountID string) ([]Token, error) {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allTokens+") WHERE account_id = ? ORDER BY created_at", accountID); err != nil {
		return nil, err
	}
	out := make([]Token, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// ByToken returns the account a token secret belongs to, if the token is
// live and the account enabled.
func (s *Store) ByToken(ctx context.Context, secret string) (Account, bool, error) {
	var rows []tokenRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allTokens+") WHERE sha256 = ?", hashSecret(secret)); err != nil {
		return Account{}, false, err
	}
	if len(rows) == 0 || rows[0].Revoked == 1 {
		return Account{}, false, nil
	}
	a, ok, err := s.Get(ctx, rows[0].AccountID)
	if err != nil || !ok || a.Disabled {
		return Account{}, false, err
	}
	return a, true, nil
}
