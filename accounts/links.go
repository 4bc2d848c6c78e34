package accounts

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// One-time set-password links: made by an admin (or the command line),
// used once by the account's owner, and spent as soon as the account's
// password is set by any means.

type linkRow struct {
	SHA256    string    `ch:"sha256"`
	AccountID string    `ch:"account_id"`
	ExpiresAt time.Time `ch:"expires_at"`
	Used      uint8     `ch:"used"`
	Version   uint64    `ch:"version"`
}

// linkUse is one attempt to use a link.
type linkUse struct {
	SHA256    string `ch:"sha256"`
	UseID     string `ch:"use_id"`
	AccountID string `ch:"account_id"`
	Version   uint64 `ch:"version"`
}

// currentLinks selects the current linkRow of each link; where may only
// name the key (see currentAccounts).
func currentLinks(where string) string {
	return storage.Latest("password_links", []string{"sha256"}, []string{"toString(account_id) AS account_id",
		"expires_at", "used"}, where)
}

// The link queries, built once: the link whose secret hashes to the one
// argument, the links of an account, and a link's first use.
var (
	linkByHash     = currentLinks("WHERE sha256 = ?")
	linksOfAccount = currentLinks("WHERE sha256 IN (SELECT sha256 FROM password_links WHERE toString(account_id) = ?)")
	firstLinkUse   = "SELECT sha256, use_id, toString(account_id) AS account_id, version FROM password_link_uses " +
		"WHERE sha256 = ? ORDER BY version, use_id LIMIT 1"
)

// PasswordLinkLifetime is how long a set-password link works.
const PasswordLinkLifetime = 72 * time.Hour

// The answers to a link that cannot be used.
var (
	errLinkInvalid = kr.E(kr.Invalid, "Länken är ogiltig eller för gammal. Be en administratör om en ny.")
	errLinkUsed    = kr.E(kr.Invalid, "Länken har redan använts. Be en administratör om en ny om du behöver byta lösenord.")
)

// NewPasswordLink returns a one-time secret with which the account's owner
// sets a password (the path is /losenord?nyckel=SECRET). Only admins (and
// the command line) make links.
func (s *Store) NewPasswordLink(ctx context.Context, by kr.Actor, accountID string) (string, error) {
	if err := access.CheckAccount(by, "", accountID); err != nil {
		return "", err
	}
	if a, ok, err := s.Get(ctx, accountID); err != nil {
		return "", err
	} else if !ok || a.Disabled {
		return "", kr.E(kr.NotFound, "Kontot finns inte eller är avstängt.")
	}
	secret, hash := newSecret()
	row := linkRow{SHA256: hash, AccountID: accountID, ExpiresAt: s.now().Add(PasswordLinkLifetime).Truncate(time.Second), Version: s.version()}
	if err := s.DB.Insert(ctx, "password_links", []linkRow{row}); err != nil {
		return "", err
	}
	return secret, nil
}

// UsePasswordLink sets the password of the link's account, once: of two
// uses of one link, at the same time or not, only the first sets its
// password; the other is told the link has been used. A password that is
// refused (too short) does not spend the link.
func (s *Store) UsePasswordLink(ctx context.Context, secret, password string) (Account, error) {
	hash := hashSecret(secret)
	var rows []linkRow
	if err := s.DB.Select(ctx, &rows, linkByHash, hash); err != nil {
		return Account{}, err
	}
	if len(rows) == 0 || !s.now().Before(rows[0].ExpiresAt) {
		return Account{}, errLinkInvalid
	}
	if rows[0].Used == 1 {
		return Account{}, errLinkUsed
	}
	a, ok, err := s.Get(ctx, rows[0].AccountID)
	if err != nil {
		return Account{}, err
	}
	if !ok || a.Disabled {
		return Account{}, errLinkInvalid
	}
	if err := access.CheckAccount(a.Actor(), access.SetOwnPassword, a.ID); err != nil {
		return Account{}, err
	}
	pwHash, err := hashPassword(ctx, password)
	if err != nil {
		return Account{}, err
	}
	if err := s.claimLink(ctx, rows[0]); err != nil {
		return Account{}, err
	}
	return a, s.savePassword(ctx, a.Actor(), a, pwHash)
}

// linkSettle is how long an attempt to use a link waits after recording
// itself before it reads back which attempt was first (see claimLink).
const linkSettle = 250 * time.Millisecond

// claimLink records an attempt to use a link and returns nil only if it is
// the link's first. ClickHouse has no transactions, so each attempt inserts
// a row with a random use id and then reads back the first one (by version,
// then id). In this process the attempts take turns, so the second always
// sees the first and has the higher version. Across instances the versions
// come from each one's clock: an attempt waits linkSettle before reading
// back, so that an earlier attempt of another instance whose insert is
// still under way (or whose clock is a little behind) is seen too.
func (s *Store) claimLink(ctx context.Context, link linkRow) error {
	s.links.Lock()
	defer s.links.Unlock()
	useID, _ := newSecret()
	use := linkUse{SHA256: link.SHA256, UseID: useID, AccountID: link.AccountID, Version: s.version()}
	if err := s.DB.Insert(ctx, "password_link_uses", []linkUse{use}); err != nil {
		return err
	}
	time.Sleep(linkSettle)
	var first []linkUse
	if err := s.DB.Select(ctx, &first, firstLinkUse, link.SHA256); err != nil {
		return err
	}
	if len(first) == 0 || first[0].UseID != use.UseID {
		return errLinkUsed
	}
	return nil
}

// spendLinks marks every open link of an account used.
func (s *Store) spendLinks(ctx context.Context, accountID string) error {
	var rows []linkRow
	if err := s.DB.Select(ctx, &rows, linksOfAccount, accountID); err != nil {
		return err
	}
	var open []linkRow
	for _, r := range rows {
		if r.Used == 0 {
			r.Used, r.Version = 1, s.version()
			open = append(open, r)
		}
	}
	if len(open) == 0 {
		return nil
	}
	return s.DB.Insert(ctx, "password_links", open)
}
