package accounts

import (
	"sync"
	"time"
)

// Throttle slows down password guessing: after a few failures for the same
// address, or from the same client, each further attempt must wait, the
// wait doubling with every failure up to a cap. It lives in the process;
// several instances each keep their own (the limit per instance still holds).
type Throttle struct {
	Free     int           // failures allowed before waits start
	Base     time.Duration // the first wait
	Max      time.Duration // the longest wait
	Now      func() time.Time
	mu       sync.Mutex
	failures map[string]*failure
}

type failure struct {
	n    int
	next time.Time // no attempt before this
	last time.Time
}

// NewThrottle allows 5 free failures, then waits 1 s, 2 s, 4 s … up to 15 min.
func NewThrottle() *Throttle {
	return &Throttle{Free: 5, Base: time.Second, Max: 15 * time.Minute, failures: map[string]*failure{}}
}

func (t *Throttle) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Wait returns how long the keys must still wait before another attempt
// (0: go ahead).
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for _, k := range keys {
		if f := t.failures[k]; f != nil && f.next.After(now) && f.next.Sub(now) > wait {
			wait = f.next.Sub(now)
		}
	}
	return wait
}

// Fail records a failed attempt for each key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.gc(now)
	for _, k := range keys {
		f := t.failures[k]
		if f == nil {
			f = &failure{}
			t.failures[k] = f
		}
		f.n++
		f.last = now
		if f.n > t.Free {
			d := t.Base << min(f.n-t.Free-1, 20)
			if d > t.Max || d <= 0 {
				d = t.Max
			}
			f.next = now.Add(d)
		}
	}
}

// Succeed forgets the keys' failures.
func (t *Throttle) Succeed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.failures, k)
	}
}

// gc forgets failures older than a day, keeping the map bounded.
func (t *Throttle) gc(now time.Time) {
	if len(t.failures) < 10_000 {
		return
	}
	for k, f := range t.failures {
		if now.Sub(f.last) > 24*time.Hour {
			delete(t.failures, k)
		}
	}
}
