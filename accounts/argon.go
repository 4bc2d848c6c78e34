package accounts

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Every argon2id hash takes argonMemory (19 MiB) and a core for tens of
// milliseconds, so the hashes run on a request's behalf (signing in,
// setting a password) go through one gate: at most a few at once, each
// waiting a bounded time for its turn, and a flood of logins is refused as
// busy instead of taking the process's memory.

// HashGate caps the argon2id hashes running at once.
type HashGate struct {
	sem     *semaphore.Weighted
	wait    time.Duration // the longest wait for a turn
	running atomic.Int64
	peak    atomic.Int64
}

// NewHashGate lets n hashes run at once; a hash that cannot start within
// wait is refused.
func NewHashGate(n int, wait time.Duration) *HashGate {
	return &HashGate{sem: semaphore.NewWeighted(int64(max(n, 1))), wait: wait}
}

// Hashes is the process's gate: one hash per core, a turn within 3 s.
var Hashes = NewHashGate(runtime.NumCPU(), 3*time.Second)

// errLoginBusy is the answer when a login cannot have its turn soon: every
// hashing slot, or its key in the throttle, stays taken.
var errLoginBusy = kr.Later(kr.Busy, 5*time.Second, "Tjänsten har många inloggningar att kontrollera just nu. Försök igen om en stund.")

// do runs f in a slot: kr.Busy when none frees within the gate's wait, the
// context's error when it ends first.
func (g *HashGate) do(ctx context.Context, f func()) error {
	wctx, cancel := context.WithTimeout(ctx, g.wait)
	defer cancel()
	if err := g.sem.Acquire(wctx, 1); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return errLoginBusy
		}
		return err
	}
	defer g.sem.Release(1)
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f()
	return nil
}

// Peak returns the most hashes that have run at once through the gate.
func (g *HashGate) Peak() int { return int(g.peak.Load()) }

// checkPassword is CheckPassword in a slot of Hashes.
func checkPassword(ctx context.Context, hash, password string) (ok bool, err error) {
	err = Hashes.do(ctx, func() { ok = CheckPassword(hash, password) })
	return ok, err
}

// hashPassword is HashPassword in a slot of Hashes.
func hashPassword(ctx context.Context, password string) (hash string, err error) {
	if gateErr := Hashes.do(ctx, func() { hash, err = HashPassword(password) }); gateErr != nil {
		return "", gateErr
	}
	return hash, err
}
