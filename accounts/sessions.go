package accounts

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Session is a signed-in browser.
type Session struct {
	Account Account
	Expires time.Time // the absolute end; a session also ends after Idle without a request
}

type sessionRow struct {
	SHA256    string    `ch:"sha256"`
	AccountID string    `ch:"account_id"`
	CreatedAt time.Time `ch:"created_at"`
	ExpiresAt time.Time `ch:"expires_at"`
	Revoked   uint8     `ch:"revoked"`
	Version   uint64    `ch:"version"`
}

type seenRow struct {
	SHA256 string    `ch:"sha256"`
	SeenAt time.Time `ch:"seen_at"`
}

// The defaults of a session's lifetime (Store.Lifetime) and of how long it
// lasts without a request (Store.Idle).
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
)

// seenEvery is how often a session's last visit is recorded: a request
// within a minute of the recorded one writes nothing.
const seenEvery = time.Minute

func (s *Store) lifetime() time.Duration { return orDefault(s.Lifetime, SessionLifetime) }

// SessionMaxAge is how long a new session lasts at most: the session
// cookie's Max-Age.
func (s *Store) SessionMaxAge() time.Duration { return s.lifetime() }
func (s *Store) idle() time.Duration          { return orDefault(s.Idle, SessionIdle) }

// orDefault is d, or def when d is not set.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// sessionState selects each session's state from its rows, filtered by
// where, which may only name the key (the aliases shadow the columns):
// what it was started with (its first row) and whether any row revoked it,
// and the columns of extra. Revocation is read with max(), not the latest
// row, so that no later write can bring a session back.
func sessionState(extra, where string) string {
	return "SELECT sha256, argMin(toString(account_id), version) AS account_id, argMin(created_at, version) AS created_at, " +
		"argMin(expires_at, version) AS expires_at, max(revoked) AS revoked" + extra + " FROM sessions " +
		where + " GROUP BY sha256"
}

// The session queries, built once: the sessions of an account, and one
// session by its hash (the one argument, given twice) with its last
// recorded visit.
var (
	sessionsOfAccount = sessionState("", "WHERE sha256 IN (SELECT sha256 FROM sessions WHERE toString(account_id) = ?)")
	sessionByHash     = sessionState(", (SELECT max(seen_at) FROM session_seen WHERE sha256 = ?) AS seen_at", "WHERE sha256 = ?")
)

// seenSession is a session's state with its last recorded visit.
type seenSession struct {
	sessionRow
	SeenAt time.Time `ch:"seen_at"`
}

// StartSession creates a session for an account signed in with its
// password, and returns the secret for its cookie (only the hash is
// stored). If the account's password changed since a was read, the new
// session is ended at once and the sign-in fails as a wrong password would:
// see savePassword.
func (s *Store) StartSession(ctx context.Context, a Account) (string, Session, error) {
	secret, hash := newSecret()
	now := s.now().Truncate(time.Second)
	row := sessionRow{SHA256: hash, AccountID: a.ID, CreatedAt: now, ExpiresAt: now.Add(s.lifetime()), Version: s.version()}
	if err := s.DB.Insert(ctx, "sessions", []sessionRow{row}); err != nil {
		return "", Session{}, err
	}
	cur, ok, err := s.Get(ctx, a.ID)
	if err != nil {
		return "", Session{}, err
	}
	if !ok || cur.passwordHash != a.passwordHash {
		if err := s.revoke(ctx, []sessionRow{row}); err != nil {
			return "", Session{}, err
		}
		return "", Session{}, ErrBadLogin
	}
	return secret, Session{Account: cur, Expires: row.ExpiresAt}, nil
}

// Session returns the live session of a cookie secret, if any: not
// revoked, not past its end, used within Idle, its account enabled. A
// visit is recorded at most once a minute. A session read within CacheTTL
// is not read again, but its ends are checked on every call; one that
// looks idle is read again, in case another instance recorded a visit.
func (s *Store) Session(ctx context.Context, secret string) (Session, bool, error) {
	hash := hashSecret(secret)
	load := func(ctx context.Context) (*credential, error) { return s.loadSession(ctx, hash) }
	e, err := s.cache().get(ctx, sessionKey(hash), load)
	if err == nil && e != nil && !s.live(e) {
		s.cache().drop(sessionKey(hash))
		e, err = load(ctx)
	}
	if err != nil || e == nil || !s.live(e) {
		return Session{}, false, err
	}
	now := s.now()
	if seen := e.seen.Load(); now.Sub(time.Unix(0, seen)) >= seenEvery &&
		e.seen.CompareAndSwap(seen, now.Truncate(time.Second).UnixNano()) {
		if err := s.DB.Insert(ctx, "session_seen", []seenRow{{SHA256: hash, SeenAt: now.Truncate(time.Second)}}); err != nil {
			return Session{}, false, err
		}
	}
	return Session{Account: e.account, Expires: e.expires}, true, nil
}

// live reports whether a session is neither past its end nor idle now.
func (s *Store) live(e *credential) bool {
	now := s.now()
	return now.Before(e.expires) && now.Sub(time.Unix(0, e.seen.Load())) < s.idle()
}

// loadSession reads a session by the hash of its secret: nil unless it is
// live and its account enabled.
func (s *Store) loadSession(ctx context.Context, hash string) (*credential, error) {
	var rows []seenSession
	if err := s.DB.Select(ctx, &rows, sessionByHash, hash, hash); err != nil {
		return nil, err
	}
	if len(rows) == 0 || rows[0].Revoked == 1 {
		return nil, nil
	}
	e := &credential{expires: rows[0].ExpiresAt}
	e.seen.Store(rows[0].CreatedAt.UnixNano())
	if rows[0].SeenAt.After(rows[0].CreatedAt) {
		e.seen.Store(rows[0].SeenAt.UnixNano())
	}
	if !s.live(e) {
		return nil, nil
	}
	a, ok, err := s.Get(ctx, rows[0].AccountID)
	if err != nil || !ok || a.Disabled {
		return nil, err
	}
	e.account = a
	return e, nil
}

// CleanupVisits drops the days of session visits older than any session
// can live, and returns how many it dropped.
func (s *Store) CleanupVisits(ctx context.Context) (int, error) {
	return storage.DropDaysBefore(ctx, s.DB, "session_seen", s.now().Add(-s.lifetime()-24*time.Hour))
}

// EndSession signs a session out. An unknown or ended session writes
// nothing, so logouts with made-up cookies add no rows.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	hash := hashSecret(secret)
	var rows []seenSession
	if err := s.DB.Select(ctx, &rows, sessionByHash, hash, hash); err != nil || len(rows) == 0 || rows[0].Revoked == 1 {
		return err
	}
	defer s.cache().drop(sessionKey(hash))
	return s.revoke(ctx, []sessionRow{rows[0].sessionRow})
}

// endSessions ends every session of an account that has not ended.
func (s *Store) endSessions(ctx context.Context, accountID string) error {
	var rows []sessionRow
	if err := s.DB.Select(ctx, &rows, sessionsOfAccount, accountID); err != nil {
		return err
	}
	defer s.cache().dropAccount(accountID)
	now := s.now()
	var live []sessionRow
	for _, r := range rows {
		if r.Revoked == 0 && now.Before(r.ExpiresAt) {
			live = append(live, r)
		}
	}
	return s.revoke(ctx, live)
}

// revoke writes a revoking row for each session.
func (s *Store) revoke(ctx context.Context, rows []sessionRow) error {
	if len(rows) == 0 {
		return nil
	}
	out := make([]sessionRow, len(rows))
	for i, r := range rows {
		r.Revoked, r.Version = 1, s.version()
		out[i] = r
	}
	return s.DB.Insert(ctx, "sessions", out)
}
