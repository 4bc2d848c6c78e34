// Package accounts keeps who may sign in: accounts with a role (officer,
// reviewer, admin) and, for officers, a municipality; their passwords
// (argon2id hashes), API tokens (SHA-256 hashes, shown once, revocable,
// optionally expiring), browser sessions (with an absolute and an idle
// timeout), one-time set-password links, and the audit log. Every change
// to an account, a token or a link is checked against the actor's rights
// here (access.CheckAccount), whoever calls. Validated sessions and tokens
// are kept in memory for a few seconds (Store.CacheTTL), so that a
// signed-in visitor's requests cost no query; their ends are still checked
// on every request.
//
// Every table is append-only: a change is a new row with a higher version,
// and the current state is the row with the highest version, so history is
// kept and no engine needs updates or deletes. Where ClickHouse's lack of
// transactions matters (a link used twice at once, a visit recorded after
// a logout) the rows are read so that the first use and the revocation win.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Account is a person (or machine) who can sign in.
type Account struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Role         kr.Role   `json:"role"`
	Municipality string    `json:"municipality,omitempty"`
	Disabled     bool      `json:"disabled"`
	ChangedBy    string    `json:"changed_by"`
	ChangedAt    time.Time `json:"changed_at"`
	passwordHash string
}

// Actor is the account as the rest of the service sees it.
func (a Account) Actor() kr.Actor {
	return kr.Actor{ID: a.ID, Email: a.Email, Role: a.Role, Municipality: a.Municipality}
}

// Store is the accounts in one database.
type Store struct {
	DB  storage.DB
	Now func() time.Time
	// Lifetime is how long a session lasts at most (0: SessionLifetime);
	// Idle how long it lasts without a request (0: SessionIdle).
	Lifetime, Idle time.Duration
	// CacheTTL is how long a validated session or API token is kept in
	// memory, so that a signed-in visitor's requests cost no query (0: not
	// kept). A change made through this store drops what it touches at
	// once; another instance's is seen within CacheTTL.
	CacheTTL time.Duration

	clock     storage.Clock
	cacheOnce sync.Once
	auth      *authCache
	// links serialises the uses of set-password links in this process, so
	// that of two uses at once the second always sees the first's row.
	links sync.Mutex
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// version orders the changes to every table of the store.
func (s *Store) version() uint64 { return s.clock.Version(s.now()) }

// change stamps a change to an account made by by.
func (s *Store) change(by kr.Actor) storage.Change { return s.clock.Change(by.Name(), s.now()) }

type accountRow struct {
	ID           string `ch:"id"`
	Email        string `ch:"email"`
	Role         string `ch:"role"`
	Municipality string `ch:"municipality_code"`
	PasswordHash string `ch:"password_hash"`
	Disabled     uint8  `ch:"disabled"`
	storage.Change
}

func (r accountRow) account() Account {
	return Account{ID: r.ID, Email: r.Email, Role: kr.Role(r.Role), Municipality: r.Municipality,
		Disabled: r.Disabled == 1, ChangedBy: r.By, ChangedAt: r.At, passwordHash: r.PasswordHash}
}

// currentAccounts selects the current accountRow of each account; where
// (with ? placeholders) filters the rows before the latest is taken, so it
// may only name the key.
func currentAccounts(where string) string {
	return storage.Latest("accounts", []string{"toString(id) AS id"}, []string{"email", "toString(role) AS role",
		"municipality_code", "password_hash", "disabled", "changed_by", "changed_at"}, where)
}

// The account queries, built once: every account's current row, and the
// current row of the account whose id is the one argument.
var (
	allAccounts = currentAccounts("")
	accountByID = currentAccounts("WHERE toString(id) = ?")
)

var codeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Create adds an account. password may be empty: the account then has no
// password until set through a link (see NewPasswordLink).
func (s *Store) Create(ctx context.Context, by kr.Actor, email string, role kr.Role, municipality, password string) (Account, error) {
	if err := access.CheckAccount(by, "", ""); err != nil {
		return Account{}, err
	}
	email = NormalizeEmail(email)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return Account{}, kr.E(kr.Invalid, "%q är ingen giltig e-postadress.", email)
	}
	switch role {
	case kr.RoleOfficer:
		if !codeRe.MatchString(municipality) {
			return Account{}, kr.E(kr.Invalid, "En tjänsteperson behöver en kommunkod (fyra siffror) eller en länskod för en region (två siffror).")
		}
	case kr.RoleReviewer, kr.RoleAdmin:
		if municipality != "" {
			return Account{}, kr.E(kr.Invalid, "Bara tjänstepersoner hör till en kommun.")
		}
	default:
		return Account{}, kr.E(kr.Invalid, "Rollen måste vara officer, reviewer eller admin.")
	}
	if _, ok, err := s.ByEmail(ctx, email); err != nil {
		return Account{}, err
	} else if ok {
		return Account{}, kr.E(kr.Conflict, "Det finns redan ett konto för %s.", email)
	}
	hash := ""
	if password != "" {
		var err error
		if hash, err = hashPassword(ctx, password); err != nil {
			return Account{}, err
		}
	}
	row := accountRow{ID: uuid.NewString(), Email: email, Role: string(role), Municipality: municipality, PasswordHash: hash,
		Change: s.change(by)}
	if err := s.DB.Insert(ctx, "accounts", []accountRow{row}); err != nil {
		return Account{}, err
	}
	return row.account(), nil
}

func (s *Store) save(ctx context.Context, by kr.Actor, a Account) error {
	row := accountRow{ID: a.ID, Email: a.Email, Role: string(a.Role), Municipality: a.Municipality, PasswordHash: a.passwordHash,
		Change: s.change(by)}
	if a.Disabled {
		row.Disabled = 1
	}
	defer s.cache().dropAccount(a.ID)
	return s.DB.Insert(ctx, "accounts", []accountRow{row})
}

// Get returns an account by id.
func (s *Store) Get(ctx context.Context, id string) (Account, bool, error) {
	var rows []accountRow
	if err := s.DB.Select(ctx, &rows, accountByID, id); err != nil || len(rows) == 0 {
		return Account{}, false, err
	}
	return rows[0].account(), true, nil
}

// ByEmail returns the account with an address.
func (s *Store) ByEmail(ctx context.Context, email string) (Account, bool, error) {
	var rows []accountRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allAccounts+") WHERE email = ?", NormalizeEmail(email)); err != nil || len(rows) == 0 {
		return Account{}, false, err
	}
	return rows[0].account(), true, nil
}

// List returns every account by email.
func (s *Store) List(ctx context.Context) ([]Account, error) {
	var rows []accountRow
	if err := s.DB.Select(ctx, &rows, "SELECT * FROM ("+allAccounts+") ORDER BY email"); err != nil {
		return nil, err
	}
	out := make([]Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// SetDisabled disables or enables an account (admins only). A disabled
// account's tokens stop working until it is enabled again; its sessions
// end for good.
func (s *Store) SetDisabled(ctx context.Context, by kr.Actor, id string, disabled bool) (Account, error) {
	if err := access.CheckAccount(by, "", id); err != nil {
		return Account{}, err
	}
	a, ok, err := s.Get(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if !ok {
		return Account{}, kr.E(kr.NotFound, "Kontot finns inte.")
	}
	a.Disabled = disabled
	if err := s.save(ctx, by, a); err != nil || !disabled {
		return a, err
	}
	return a, s.endSessions(ctx, a.ID)
}

// SetPassword sets an account's password, by the account itself or by an
// admin. The account's sessions end and its set-password links stop
// working (see savePassword).
func (s *Store) SetPassword(ctx context.Context, by kr.Actor, id, password string) error {
	if err := access.CheckAccount(by, access.SetOwnPassword, id); err != nil {
		return err
	}
	a, ok, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return kr.E(kr.NotFound, "Kontot finns inte.")
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.savePassword(ctx, by, a, hash)
}

// savePassword stores a new password hash, then ends every session of the
// account and spends every open set-password link of it: whoever knew the
// old password, or holds a link sent before, is out. The hash is stored
// first, so a sign-in with the old password that is still under way sees
// it changed (StartSession checks again) or has its session ended here.
func (s *Store) savePassword(ctx context.Context, by kr.Actor, a Account, hash string) error {
	a.passwordHash = hash
	if err := s.save(ctx, by, a); err != nil {
		return err
	}
	if err := s.endSessions(ctx, a.ID); err != nil {
		return err
	}
	return s.spendLinks(ctx, a.ID)
}

// MinPasswordLength is the shortest password accepted (NIST SP 800-63B).
const MinPasswordLength = 12

// argon2id parameters (OWASP's minimum: 19 MiB, 2 passes, 1 thread).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLength {
		return "", kr.E(kr.Invalid, "Lösenordet måste ha minst %d tecken.", MinPasswordLength)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash from HashPassword.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked when an email is unknown, so that a login takes as
// long whether or not the account exists.
var dummyHash, _ = HashPassword("ingen-sådan-användare-finns")

// Authenticate checks an email and password. Every failure is the same
// error: it does not tell whether the address has an account.
func (s *Store) Authenticate(ctx context.Context, email, password string) (Account, error) {
	a, ok, err := s.ByEmail(ctx, email)
	if err != nil {
		return Account{}, err
	}
	hash := dummyHash
	if ok && a.passwordHash != "" {
		hash = a.passwordHash
	}
	match, err := checkPassword(ctx, hash, password)
	if err != nil {
		return Account{}, err
	}
	if !match || !ok || a.Disabled || a.passwordHash == "" {
		return Account{}, ErrBadLogin
	}
	return a, nil
}

// ErrBadLogin is the one answer to every failed login.
var ErrBadLogin = kr.E(kr.Unauthorized, "Fel e-postadress eller lösenord.")

// newSecret returns a random URL-safe secret and its SHA-256 (hex), which is
// what is stored.
func newSecret() (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
