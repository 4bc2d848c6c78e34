package accounts

import (
	"context"
	"hash/maphash"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/semaphore"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Throttle slows password guessing for every instance at once: the
// attempts are kept in the database (login_attempts), so the limits hold
// across instances and restarts. An attempt counts against two keys, the
// address typed (whether or not it has an account) and the client's
// address (an IPv6 client by its /64). After a key's free attempts in the
// window, each further attempt must wait, the wait doubling with every
// attempt up to a cap; a refused attempt does not add to the wait.
//
// Reserve, then count: before any password is hashed the attempt is
// written as reserved, and only then are the key's attempts counted, the
// reservations of concurrent attempts included, so two attempts on the same
// key cannot both pass on a count that misses the other. Within the
// process the reserve-and-count of a key is also serialised, so that
// parallel attempts are let through in turn rather than all refused, and a
// key found to wait is remembered until its wait ends: a flood of attempts
// on it is refused without a turn or a query. At most MaxInFlight attempts
// are between their reservation and their outcome at once, so that a flood
// of made-up keys writes to the database no faster than passwords are
// hashed; the others wait up to LockWait, then are refused as busy.
type Throttle struct {
	Accounts *Store
	Account  Limit         // per address typed; a success forgets its earlier attempts
	Client   Limit         // per client address; successes do not count
	Window   time.Duration // attempts older than this do not count
	Keep     time.Duration // Cleanup drops the days of attempts older than this
	LockWait time.Duration // the longest wait for a key's turn, or for a place among MaxInFlight

	MaxInFlight int // attempts checked at once (0: four per core)

	clock   storage.Clock
	once    sync.Once
	seed    maphash.Seed
	locks   []chan struct{}
	waiting *lru.Cache[string, time.Time] // keys refused here, until their wait ends
	places  *semaphore.Weighted           // MaxInFlight
}

// Limit is how many attempts a key may make in the window before it must
// wait, and how long.
type Limit struct {
	Free int           // attempts allowed before waits start
	Base time.Duration // the first wait
	Max  time.Duration // the longest wait
}

// NewThrottle allows 5 attempts per address typed and 20 per client in 15
// minutes, then waits 1 s, 2 s, 4 s … up to 15 minutes after the last
// attempt counted.
func NewThrottle(s *Store) *Throttle {
	return &Throttle{Accounts: s,
		Account:  Limit{Free: 5, Base: time.Second, Max: 15 * time.Minute},
		Client:   Limit{Free: 20, Base: time.Second, Max: 15 * time.Minute},
		Window:   15 * time.Minute,
		Keep:     24 * time.Hour,
		LockWait: 5 * time.Second,
	}
}

// Attempt is one sign-in: the address and password typed, and the client's
// address and request id for the audit log.
type Attempt struct {
	Email, Password   string
	Remote, RequestID string
}

// Login checks an attempt against the throttle and then its password.
// Refused by the throttle (kr.Throttled, with the wait) no password is
// hashed; a wrong password, an unknown address and a disabled account are
// ErrBadLogin, and cost the same hash. Failures and refusals are in the
// audit log with the address typed (a refusal the process remembered is
// not: the web shell's log of requests has it, and a flood of them must
// not become a flood of writes).
func (t *Throttle) Login(ctx context.Context, a Attempt) (Account, error) {
	email := attemptedEmail(a.Email)
	keys := []key{{name: "email:" + email, limit: t.Account, clears: true}, {name: "ip:" + clientKey(a.Remote), limit: t.Client}}
	t.once.Do(t.init)
	if wait := t.remembered(keys); wait > 0 {
		return Account{}, refusal(wait)
	}
	leave, err := t.enter(ctx)
	if err != nil {
		return Account{}, err
	}
	defer leave()
	at, wait, err := t.reserve(ctx, keys)
	if err != nil {
		return Account{}, err
	}
	// The outcome and the audit are written even when the client has gone.
	after, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if wait > 0 {
		if at.id != "" {
			t.Accounts.Audit(after, kr.Actor{}, "login.throttled", email, a.Remote, a.RequestID, "wait="+wait.Round(time.Second).String())
		}
		return Account{}, refusal(wait)
	}
	// The address as cut for the key: a longer one is no account's, and is
	// not sent to the database.
	acc, err := t.Accounts.Authenticate(ctx, email, a.Password)
	if err == nil {
		t.waiting.Remove(keys[0].name)
		return acc, t.record(after, keys, at, outcomeSucceeded)
	}
	// Any other error is neither a success nor a failure: the reservation
	// stays and counts.
	switch kr.KindOf(err) {
	case kr.Unauthorized:
		t.record(after, keys, at, outcomeFailed) // unrecorded, the reservation counts the same
		t.Accounts.Audit(after, kr.Actor{}, "login.failed", email, a.Remote, a.RequestID, "")
	case kr.Busy:
		t.record(after, keys, at, outcomeRefused) // no password was checked
	}
	return Account{}, err
}

// key is one thing attempts count against.
type key struct {
	name   string
	limit  Limit
	clears bool // a success forgets the earlier attempts
}

// The outcomes of an attempt, as login_attempts stores them; a later one
// replaces an earlier (the column's enum order).
const (
	outcomeReserved  = "reserved"  // its password is being checked, or was and nothing more was recorded
	outcomeFailed    = "failed"    // a wrong password, an unknown address or a disabled account
	outcomeRefused   = "refused"   // no password was checked: throttled or busy
	outcomeSucceeded = "succeeded" // signed in
)

type attemptRow struct {
	Key       string    `ch:"key"`
	At        time.Time `ch:"at"`
	Seq       uint64    `ch:"seq"`
	AttemptID string    `ch:"attempt_id"`
	Outcome   string    `ch:"outcome"`
}

// attemptAt names a reserved attempt: its id and seq, which its outcome
// rows repeat.
type attemptAt struct {
	id  string
	seq uint64
}

// refusal is the answer to an attempt that must wait.
func refusal(wait time.Duration) error {
	return kr.Later(kr.Throttled, wait, throttledMessage(wait))
}

// enter takes a place among MaxInFlight and returns the function that
// leaves it; kr.Busy when none frees within LockWait.
func (t *Throttle) enter(ctx context.Context) (leave func(), err error) {
	wctx, cancel := context.WithTimeout(ctx, t.LockWait)
	defer cancel()
	if err := t.places.Acquire(wctx, 1); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errLoginBusy
	}
	return func() { t.places.Release(1) }, nil
}

// reserve records the attempt as reserved on every key, counts the keys'
// attempts and returns how long the attempt must wait (0: go ahead), a
// refused attempt recorded as refused. Only the reserve and the count take
// the keys' turn: an attempt that counts a refused one before its refusal
// is written waits longer, never less. An attempt refused by what the
// process remembers is not recorded (its id is empty).
func (t *Throttle) reserve(ctx context.Context, keys []key) (attemptAt, time.Duration, error) {
	at, wait, err := t.reserveAndCount(ctx, keys)
	if err == nil && wait > 0 && at.id != "" {
		err = t.record(ctx, keys, at, outcomeRefused)
	}
	return at, wait, err
}

// remembered returns how long the keys still wait by what this process
// found before (0: ask the database).
func (t *Throttle) remembered(keys []key) time.Duration {
	now := t.Accounts.now()
	var wait time.Duration
	for _, k := range keys {
		if until, ok := t.waiting.Get(k.name); ok {
			wait = max(wait, until.Sub(now))
		}
	}
	return wait
}

// reserveAndCount is reserve's turn on the keys. An attempt that queued
// for the turn behind one that found the keys must wait is refused at once
// (no attempt is recorded: its id is empty).
func (t *Throttle) reserveAndCount(ctx context.Context, keys []key) (attemptAt, time.Duration, error) {
	unlock, err := t.lock(ctx, keys)
	if err != nil {
		return attemptAt{}, 0, err
	}
	defer unlock()
	if wait := t.remembered(keys); wait > 0 {
		return attemptAt{}, wait, nil
	}
	now := t.Accounts.now()
	at := attemptAt{id: uuid.NewString(), seq: t.clock.Version(now)}
	if err := t.record(ctx, keys, at, outcomeReserved); err != nil {
		return attemptAt{}, 0, err
	}
	counts, err := t.count(ctx, keys, at.id, now)
	if err != nil {
		return attemptAt{}, 0, err
	}
	var wait time.Duration
	for _, k := range keys {
		c := counts[k.name]
		if w := k.limit.wait(int(c.N), c.Last, now); w > 0 {
			t.waiting.Add(k.name, now.Add(w))
			wait = max(wait, w)
		}
	}
	return at, wait, nil
}

// record writes an outcome of an attempt on every key, in one insert.
func (t *Throttle) record(ctx context.Context, keys []key, at attemptAt, outcome string) error {
	rows := make([]attemptRow, len(keys))
	for i, k := range keys {
		rows[i] = attemptRow{Key: k.name, At: time.Unix(0, int64(at.seq)).UTC().Truncate(time.Second), Seq: at.seq,
			AttemptID: at.id, Outcome: outcome}
	}
	return t.Accounts.DB.Insert(ctx, "login_attempts", rows)
}

// countedAttempts selects, for the key of the first argument and the
// window from the second (a seq), the attempts that count (reserved or
// failed) other than the one whose id is the third, and the seq of the
// latest; sinceSuccess adds the condition that they come after the key's
// latest success (arguments: the key and the window again).
const (
	countedAttempts = `SELECT key, count() AS n, max(s) AS last FROM (
    SELECT key, attempt_id, min(seq) AS s, max(toUInt8(outcome)) AS o FROM login_attempts
    WHERE key = ? AND seq >= ? GROUP BY key, attempt_id)
WHERE o <= 2 AND attempt_id != ?`
	sinceSuccess = ` AND s > (SELECT max(seq) FROM login_attempts WHERE key = ? AND seq >= ? AND outcome = 'succeeded')`
)

type keyCount struct {
	Key  string `ch:"key"`
	N    uint64 `ch:"n"`
	Last uint64 `ch:"last"`
}

// count returns the attempts counted against each key (but the caller's,
// id) in the window, in one query.
func (t *Throttle) count(ctx context.Context, keys []key, id string, now time.Time) (map[string]keyCount, error) {
	from := uint64(max(now.Add(-t.Window).UnixNano(), 0))
	parts := make([]string, len(keys))
	var args []any
	for i, k := range keys {
		parts[i] = countedAttempts
		args = append(args, k.name, from, id)
		if k.clears {
			parts[i] += sinceSuccess
			args = append(args, k.name, from)
		}
		parts[i] += " GROUP BY key"
	}
	var rows []keyCount
	if err := t.Accounts.DB.Select(ctx, &rows, strings.Join(parts, " UNION ALL "), args...); err != nil {
		return nil, err
	}
	out := make(map[string]keyCount, len(rows))
	for _, r := range rows {
		out[r.Key] = r
	}
	return out, nil
}

// wait returns how long an attempt must wait after n others in the window,
// the latest of them at seq last (0: go ahead), to the millisecond (a seq
// may run a few nanoseconds ahead of the clock) and at most Max (another
// instance's clock, or this one before it was set back, may be ahead).
func (l Limit) wait(n int, last uint64, now time.Time) time.Duration {
	if n < l.Free {
		return 0
	}
	d := l.Base << min(n-l.Free, 30)
	if d > l.Max || d <= 0 {
		d = l.Max
	}
	return min(max(time.Unix(0, int64(last)).Add(d).Sub(now).Truncate(time.Millisecond), 0), l.Max)
}

// throttledMessage tells a refused visitor how long to wait: seconds under
// a minute, else whole minutes, rounded up.
func throttledMessage(wait time.Duration) string {
	shown := (wait + time.Second - 1).Truncate(time.Second)
	if shown > time.Minute {
		shown = (wait + time.Minute - 1).Truncate(time.Minute)
	}
	return "För många inloggningsförsök. Vänta " + swedish.Duration(shown) + " och försök igen."
}

// maxEmailKey is the longest address kept as a key and in the audit log
// (an address has at most 254 characters); a longer one is cut.
const maxEmailKey = 254

// attemptedEmail is the address typed, normalised and cut to maxEmailKey
// bytes of valid UTF-8.
func attemptedEmail(email string) string {
	e := NormalizeEmail(email)
	if len(e) > maxEmailKey {
		e = strings.ToValidUTF8(e[:maxEmailKey], "")
	}
	return e
}

// clientKey is the client's address as the throttle counts it: an IPv4
// address, or an IPv6 address's /64 (one subscriber's network); what is
// not an address is cut to 64 bytes.
func clientKey(remote string) string {
	a, err := netip.ParseAddr(remote)
	if err != nil {
		return strings.ToValidUTF8(remote[:min(len(remote), 64)], "")
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// lockStripes is how many locks the keys share within the process, and
// maxWaiting how many refused keys it remembers: fixed numbers, so that
// neither grows with the keys an attacker makes up.
const (
	lockStripes = 1024
	maxWaiting  = 10_000
)

// init makes the locks and the memory of refused keys, once.
func (t *Throttle) init() {
	t.seed = maphash.MakeSeed()
	t.locks = make([]chan struct{}, lockStripes)
	for i := range t.locks {
		t.locks[i] = make(chan struct{}, 1)
	}
	t.waiting, _ = lru.New[string, time.Time](maxWaiting)
	n := t.MaxInFlight
	if n <= 0 {
		n = 4 * runtime.NumCPU()
	}
	t.places = semaphore.NewWeighted(int64(n))
}

// lock takes the turn of every key, in stripe order; it gives up when ctx
// ends or LockWait passes (kr.Busy).
func (t *Throttle) lock(ctx context.Context, keys []key) (unlock func(), err error) {
	stripes := make([]int, len(keys))
	for i, k := range keys {
		stripes[i] = int(maphash.String(t.seed, k.name) % lockStripes)
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	held := 0
	unlock = func() {
		for _, s := range stripes[:held] {
			<-t.locks[s]
		}
	}
	timer := time.NewTimer(t.LockWait)
	defer timer.Stop()
	for _, s := range stripes {
		select {
		case t.locks[s] <- struct{}{}:
			held++
		case <-ctx.Done():
			unlock()
			return nil, ctx.Err()
		case <-timer.C:
			unlock()
			return nil, errLoginBusy
		}
	}
	return unlock, nil
}

// Cleanup drops the days of attempts older than Keep and returns how many
// it dropped.
func (t *Throttle) Cleanup(ctx context.Context) (int, error) {
	return storage.DropDaysBefore(ctx, t.Accounts.DB, "login_attempts", t.Accounts.now().Add(-t.Keep))
}
