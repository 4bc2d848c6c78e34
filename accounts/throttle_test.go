package accounts

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// The context and password of these tests, inside the package, where the
// external tests' ctx and pw are not seen.
var bg = context.Background()

const testPassword = "korrekt häst batteri häftstift"

// throttleWorld is a store with one officer, anna@lund.se, on a clock the
// test moves.
type throttleWorld struct {
	t     *testing.T
	db    storage.DB
	mu    sync.Mutex
	clock time.Time
}

func newThrottleWorld(t *testing.T, db storage.DB) *throttleWorld {
	w := &throttleWorld{t: t, db: db, clock: time.Now().UTC().Truncate(time.Second)}
	if _, err := w.store().Create(bg, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", testPassword); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *throttleWorld) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clock
}

func (w *throttleWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clock = w.clock.Add(d)
}

// store is a new Store over the world's database: another instance.
func (w *throttleWorld) store() *Store { return &Store{DB: w.db, Now: w.now} }

// throttle is a new Throttle over a new Store: another instance, or the
// same one after a restart.
func (w *throttleWorld) throttle() *Throttle { return NewThrottle(w.store()) }

// try signs in and returns the error's kind ("ok" on success).
func try(th *Throttle, email, password, remote string) (string, error) {
	_, err := th.Login(bg, Attempt{Email: email, Password: password, Remote: remote, RequestID: "r"})
	if err == nil {
		return "ok", nil
	}
	return kr.KindOf(err).String(), err
}

// TestThrottleLimits: five attempts per address typed, then waits of 1 s,
// 2 s, …; a refused attempt adds nothing; a success forgets the address's
// failures; an unknown address is throttled the same; twenty attempts per
// client, an IPv6 client by its /64; attempts older than the window do not
// count; failures and refusals are audited with the address typed.
func TestThrottleLimits(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		th := w.throttle()
		want := func(what, email, password, remote, kind string) error {
			t.Helper()
			got, err := try(th, email, password, remote)
			if got != kind {
				t.Fatalf("%s: %s (%v), want %s", what, got, err, kind)
			}
			return err
		}
		for i := range 5 {
			want("wrong password "+string(rune('1'+i)), " ANNA@lund.se", "fel lösenord igen", "192.0.2.1", "unauthorized")
		}
		err := want("the sixth at once", "anna@lund.se", testPassword, "192.0.2.2", "throttled")
		if d := kr.RetryAfterOf(err); d != time.Second {
			t.Errorf("the sixth attempt's wait: %v, want 1 s", d)
		}
		if msg := kr.MessageOf(err); msg != "För många inloggningsförsök. Vänta 1 sekund och försök igen." {
			t.Errorf("message %q", msg)
		}
		w.advance(time.Second)
		want("the sixth after 1 s", "anna@lund.se", "fel lösenord igen", "192.0.2.1", "unauthorized")
		w.advance(time.Second)
		err = want("the seventh after 1 s", "anna@lund.se", testPassword, "192.0.2.1", "throttled")
		if d := kr.RetryAfterOf(err); d != time.Second {
			t.Errorf("the seventh attempt's wait: %v, want the rest of 2 s", d)
		}
		w.advance(time.Second)
		want("the seventh after 2 s, right", "anna@lund.se", testPassword, "192.0.2.1", "ok")
		for range 5 {
			want("after a success", "anna@lund.se", "fel lösenord igen", "192.0.2.1", "unauthorized")
		}
		want("after a success, the sixth", "anna@lund.se", testPassword, "192.0.2.1", "throttled")

		// An unknown address: the same answers.
		for range 5 {
			want("unknown address", "ingen@lund.se", testPassword, "198.51.100.1", "unauthorized")
		}
		want("unknown address, the sixth", "ingen@lund.se", testPassword, "198.51.100.1", "throttled")

		// Per client: twenty attempts, whatever the addresses typed; an
		// IPv6 client is its /64.
		for i := range 20 {
			want("client", "person"+string(rune('a'+i))+"@lund.se", "fel lösenord igen", "2001:db8:1:2::"+string(rune('a'+i%6)), "unauthorized")
		}
		want("the same /64, another address", "bo@lund.se", "fel lösenord igen", "2001:db8:1:2:ffff::1", "throttled")
		want("another /64", "bo@lund.se", "fel lösenord igen", "2001:db8:1:3::1", "unauthorized")

		// The window: after 15 minutes the attempts no longer count.
		w.advance(15*time.Minute + time.Second)
		want("after the window", "anna@lund.se", testPassword, "192.0.2.1", "ok")
		want("after the window, per client", "bo@lund.se", "fel lösenord igen", "2001:db8:1:2::1", "unauthorized")

		log, err := w.store().AuditLog(bg, 200)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range log {
			n[e.Action+" "+e.Target]++
			if e.Action == "login.failed" && (e.RemoteAddr == "" || e.RequestID != "r") {
				t.Errorf("audit entry without its client: %+v", e)
			}
		}
		if n["login.failed anna@lund.se"] != 11 || n["login.throttled anna@lund.se"] != 3 || n["login.failed ingen@lund.se"] != 5 ||
			n["login.throttled ingen@lund.se"] != 1 {
			t.Errorf("audit log: %v", n)
		}
	})
}

// TestThrottleAcrossInstances: the attempts counted by one instance hold on
// another over the same database, and on a new one after a restart.
func TestThrottleAcrossInstances(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		first, second := w.throttle(), w.throttle()
		for i := range 5 {
			th := []*Throttle{first, second}[i%2]
			if got, err := try(th, "anna@lund.se", "fel lösenord igen", "192.0.2.1"); got != "unauthorized" {
				t.Fatalf("attempt %d: %s %v", i+1, got, err)
			}
		}
		for _, th := range []*Throttle{first, second, w.throttle()} {
			if got, err := try(th, "anna@lund.se", testPassword, "192.0.2.9"); got != "throttled" {
				t.Errorf("the sixth attempt: %s %v, want throttled on every instance", got, err)
			}
		}
	})
}

// TestThrottleParallel: forty wrong passwords for one address at once, on
// one instance and spread over two, pass the throttle at most five times;
// every other is refused before its password is hashed.
func TestThrottleParallel(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		for _, instances := range []int{1, 2} {
			email := strings.Repeat("x", instances) + "@lund.se"
			ths := []*Throttle{w.throttle(), w.throttle()}[:instances]
			var mu sync.Mutex
			got := map[string]int{}
			var wg sync.WaitGroup
			start := time.Now()
			for i := range 40 {
				wg.Go(func() {
					kind, err := try(ths[i%instances], email, "fel lösenord igen", "192.0.2."+string(rune('0'+i%10)))
					if kind == "throttled" && kr.RetryAfterOf(err) <= 0 {
						t.Errorf("refused without a wait: %v", err)
					}
					mu.Lock()
					got[kind]++
					mu.Unlock()
				})
			}
			wg.Wait()
			t.Logf("%s, %d instances: %v in %v", db.Engine(), instances, got, time.Since(start).Round(time.Millisecond))
			if got["unauthorized"] > 5 || got["unauthorized"]+got["throttled"] != 40 {
				t.Errorf("%d instances: %v, want at most 5 unauthorized and the rest throttled", instances, got)
			}
			if instances == 1 && got["unauthorized"] != 5 {
				t.Errorf("one instance: %d attempts passed, want the 5 free ones", got["unauthorized"])
			}
		}
	})
}

// TestThrottleInFlight: attempts beyond MaxInFlight that find no place in
// time are refused as busy and write nothing.
func TestThrottleInFlight(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		th := w.throttle()
		th.MaxInFlight, th.LockWait = 1, time.Millisecond
		var mu sync.Mutex
		kinds := map[string]int{}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				kind, _ := try(th, fmt.Sprintf("flod%d@lund.se", i), "fel lösenord igen", fmt.Sprintf("192.0.2.%d", i))
				mu.Lock()
				kinds[kind]++
				mu.Unlock()
			})
		}
		wg.Wait()
		var rows []struct {
			N uint64 `ch:"n"`
		}
		if err := db.Select(bg, &rows, "SELECT uniqExact(attempt_id) AS n FROM login_attempts"); err != nil || len(rows) != 1 {
			t.Fatal(err)
		}
		if kinds["busy"] == 0 || kinds["busy"]+kinds["unauthorized"] != 8 || rows[0].N != uint64(kinds["unauthorized"]) {
			t.Errorf("%v, %d attempts recorded; want some busy, and only the others recorded", kinds, rows[0].N)
		}
	})
}

// TestHashGate: with one slot, concurrent logins hash one at a time; those
// that cannot have their turn in time are refused as busy.
func TestHashGate(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		s := w.store()
		saved := Hashes
		t.Cleanup(func() { Hashes = saved })
		for _, c := range []struct {
			wait     time.Duration
			wantBusy bool
		}{{time.Minute, false}, {time.Millisecond, true}} {
			Hashes = NewHashGate(1, c.wait)
			var mu sync.Mutex
			kinds := map[string]int{}
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					_, err := s.Authenticate(bg, "anna@lund.se", "fel lösenord igen")
					mu.Lock()
					kinds[kr.KindOf(err).String()]++
					mu.Unlock()
					if kr.KindOf(err) == kr.Busy && kr.RetryAfterOf(err) <= 0 {
						t.Errorf("busy without a wait: %v", err)
					}
				})
			}
			wg.Wait()
			if p := Hashes.Peak(); p != 1 {
				t.Errorf("wait %v: peak %d concurrent hashes, want 1", c.wait, p)
			}
			if busy := kinds["busy"] > 0; busy != c.wantBusy || kinds["busy"]+kinds["unauthorized"] != 10 {
				t.Errorf("wait %v: %v", c.wait, kinds)
			}
			t.Logf("%s, wait %v: %v, peak %d", db.Engine(), c.wait, kinds, Hashes.Peak())
		}
	})
}

// TestThrottleCleanup drops the days of attempts older than Keep and
// keeps the rest.
func TestThrottleCleanup(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		th := w.throttle()
		try(th, "anna@lund.se", "fel lösenord igen", "192.0.2.1")
		w.advance(3 * 24 * time.Hour)
		try(th, "anna@lund.se", "fel lösenord igen", "192.0.2.1")
		n, err := th.Cleanup(bg)
		if err != nil || n != 1 {
			t.Fatalf("cleanup: %d days, %v; want 1", n, err)
		}
		var rows []struct {
			N uint64 `ch:"n"`
		}
		if err := db.Select(bg, &rows, "SELECT count() AS n FROM login_attempts"); err != nil || len(rows) != 1 || rows[0].N != 4 {
			t.Fatalf("left: %+v %v, want the 4 rows of the last attempt", rows, err)
		}
	})
}

// TestThrottleLongAddress: an address of a megabyte is a failed login
// like any other, kept as a key and in the audit log cut to 254 bytes.
func TestThrottleLongAddress(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newThrottleWorld(t, db)
		long := strings.Repeat("å", 1<<19) + "@lund.se"
		if got, err := try(w.throttle(), long, testPassword, "192.0.2.1"); got != "unauthorized" {
			t.Fatalf("a long address: %s %v", got, err)
		}
		var keys []struct {
			K string `ch:"key"`
		}
		if err := db.Select(bg, &keys, "SELECT DISTINCT key FROM login_attempts WHERE key LIKE 'email:%'"); err != nil || len(keys) != 1 ||
			len(keys[0].K) != len("email:")+254 {
			t.Errorf("keys %d, %v", len(keys), err)
		}
		log, err := w.store().AuditLog(bg, 10)
		if err != nil || len(log) != 1 || log[0].Action != "login.failed" || log[0].Target != strings.Repeat("å", 127) {
			t.Errorf("audit: %d entries, %v", len(log), err)
		}
	})
}
