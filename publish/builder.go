package publish

import (
	"context"
	"log/slog"
	"slices"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Defaults of the builder.
const (
	DefaultDebounce    = 200 * time.Millisecond
	DefaultWarmTimeout = 20 * time.Second
	// DefaultBuildGap is the least time from one build's start to the
	// next's: a stream of commits then costs one build (and its warming)
	// per gap, leaving the processors to uploads and readers. Everyone sees
	// a commit within about a gap and a build; the uploader at once
	// (SnapshotFor does not wait for the gap).
	DefaultBuildGap = time.Second
	firstBackoff    = 500 * time.Millisecond
	maxBackoff      = 30 * time.Second
)

// A Warmer renders answers into a new snapshot's memo before readers are
// given it (the public pages with their default parameters), so that the
// first readers after a change find them kept.
type Warmer func(ctx context.Context, snap *Snapshot) error

// builder is the state of the one goroutine that builds the next snapshot:
// readers are given the last published snapshot at once and never wait for
// a build (except for the very first), and every change only wakes it.
type builder struct {
	wake   chan struct{} // capacity 1: wakes the goroutine
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has stopped

	// Guarded by Service.mu:
	started, closed bool
	urgent          bool          // a caller waits: no debounce, no backoff
	probe           bool          // a request asked for a fingerprint check
	attempts        uint64        // builds finished, failed or not
	failed          error         // the last build's error, nil after a success
	failedGen       uint64        // the generation the last failed build was for
	failedAt        uint64        // attempts when it failed
	lastStart       time.Time     // when the last build started
	changed         chan struct{} // closed (and replaced) when a build finishes
	warmers         []Warmer
}

// AddWarmer registers w to be run on every new snapshot before it is
// published (web/pages registers its default pages).
func (s *Service) AddWarmer(w Warmer) {
	s.mu.Lock()
	s.b.warmers = append(s.b.warmers, w)
	s.mu.Unlock()
}

// start starts the builder once, unless the service is closed; it builds
// the first snapshot at once.
func (s *Service) start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.started || s.b.closed {
		return
	}
	s.b.started = true
	s.b.wake = make(chan struct{}, 1)
	s.b.done = make(chan struct{})
	s.b.changed = make(chan struct{})
	var ctx context.Context
	// The builder's reads go before uploads on a shared connection
	// (storage.Ahead): readers wait for the next snapshot, uploads do not.
	ctx, s.b.cancel = context.WithCancel(storage.Ahead(context.Background()))
	go s.run(ctx)
}

// kick wakes the builder if it runs; it does not block. Called with s.mu
// held or not.
func (b *builder) kick() {
	if b.wake == nil {
		return
	}
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Close stops the builder and waits for it; readers waiting for a snapshot
// get an error. It is safe to call more than once.
func (s *Service) Close() {
	s.mu.Lock()
	started, already := s.b.started, s.b.closed
	s.b.closed = true
	if started && !already {
		s.b.cancel()
	}
	s.mu.Unlock()
	if started {
		<-s.b.done
	}
}

// Generation returns the generation of the data as this service knows it:
// it grows with every Invalidate (and every change the probe finds).
func (s *Service) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Refresh builds and publishes a snapshot of the data as it is now, and
// returns it: for callers that must read what was just written.
func (s *Service) Refresh(ctx context.Context) (*Snapshot, error) {
	s.Invalidate()
	return s.WaitFor(ctx, s.Generation())
}

// WaitFor returns the published snapshot once it is of generation gen or
// newer, asking the builder to hurry (no debounce). It returns the error of
// a build for gen that started after the call, or ctx's.
func (s *Service) WaitFor(ctx context.Context, gen uint64) (*Snapshot, error) {
	return s.waitFor(ctx, gen, false)
}

// waitFor is WaitFor; staged also takes a snapshot built but not yet
// published (being warmed).
func (s *Service) waitFor(ctx context.Context, gen uint64, staged bool) (*Snapshot, error) {
	s.start()
	s.mu.Lock()
	since := s.b.attempts
	s.mu.Unlock()
	for {
		s.mu.Lock()
		snap := s.cur.Load()
		st := s.staged.Load()
		switch {
		case snap != nil && snap.Generation >= gen:
			s.mu.Unlock()
			return snap, nil
		case staged && st != nil && st.Generation >= gen:
			s.mu.Unlock()
			return st, nil
		case s.b.failed != nil && s.b.failedAt > since && s.b.failedGen >= gen:
			err := s.b.failed
			s.mu.Unlock()
			return nil, err
		case s.b.closed:
			s.mu.Unlock()
			return nil, kr.E(kr.Unavailable, "Tjänsten stängs. Försök igen om en stund.")
		}
		s.b.urgent = true
		s.b.kick()
		changed := s.b.changed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-changed:
		}
	}
}

// run is the builder's loop: it sleeps until woken, checks the fingerprint
// when a request asked, and builds while the published snapshot is older
// than the data. Changes arriving during a debounce or a build are
// coalesced into the next build.
func (s *Service) run(ctx context.Context) {
	defer close(s.b.done)
	defer s.finish(0, nil) // release waiters
	backoff := time.Duration(0)
	for {
		s.probeAsked(ctx)
		for s.outdated() {
			if !s.pause(ctx, s.debounce()) {
				return
			}
			err := s.build(ctx)
			if ctx.Err() != nil {
				return
			}
			if err == nil {
				backoff = 0
				continue
			}
			backoff = min(max(2*backoff, firstBackoff), maxBackoff)
			s.logger().Warn("building the published snapshot failed; serving the previous one", "err", err, "retry_in", backoff)
			if !s.pause(ctx, backoff) {
				return
			}
		}
		if !s.idle(ctx) {
			return
		}
	}
}

// idle waits until the builder is woken, unless a request asked for a
// fingerprint check meanwhile (its wake may have ended a pause); it reports
// false when the builder is stopped.
func (s *Service) idle(ctx context.Context) bool {
	s.mu.Lock()
	asked := s.b.probe
	s.mu.Unlock()
	if asked {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-s.b.wake:
		return true
	}
}

func (s *Service) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// outdated reports whether the published snapshot is older than the data.
func (s *Service) outdated() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := s.cur.Load()
	return snap == nil || snap.Generation < s.gen
}

// debounce is how long the builder waits for more changes before a build:
// Debounce, or longer to keep DefaultBuildGap since the last build's start;
// none for the first snapshot.
func (s *Service) debounce() time.Duration {
	if s.cur.Load() == nil {
		return 0
	}
	d := DefaultDebounce
	if s.Debounce > 0 {
		d = s.Debounce
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return max(d, DefaultBuildGap-time.Since(s.b.lastStart))
}

// pause waits for d, cut short when a caller waits (WaitFor); it reports
// false when the builder is stopped.
func (s *Service) pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		s.mu.Lock()
		urgent := s.b.urgent
		s.mu.Unlock()
		if urgent || d <= 0 {
			return ctx.Err() == nil
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-s.b.wake:
		}
	}
}

// build loads the snapshot of the current generation, warms it and
// publishes it. The first snapshot is published before it is warmed, so
// that the service's first readers wait for the load only.
func (s *Service) build(ctx context.Context) error {
	s.mu.Lock()
	gen, full, touched := s.gen, s.full, s.touchedSince()
	s.full = false
	s.b.urgent, s.b.lastStart = false, time.Now()
	warmers := slices.Clone(s.b.warmers)
	s.mu.Unlock()
	prev := s.cur.Load()
	snap, err := s.next(ctx, prev, gen, full, touched)
	if err != nil {
		s.mu.Lock()
		s.full = s.full || full // the next attempt loads what this one should have
		s.mu.Unlock()
		s.finish(gen, err)
		return err
	}
	first := prev == nil
	if first {
		s.publishSnap(snap)
		s.finish(gen, nil)
	} else {
		s.stage(snap)
	}
	s.warm(ctx, snap, warmers)
	if !first {
		s.publishSnap(snap)
		s.finish(gen, nil)
	}
	return nil
}

// touchedSince returns the areas committed here since the published
// snapshot (their reports are read again even if the fingerprint, read
// from a replica that lags, does not show the commit yet). Called with
// s.mu held.
func (s *Service) touchedSince() []string {
	var since uint64
	if cur := s.cur.Load(); cur != nil {
		since = cur.Generation
	}
	var out []string
	for area, gen := range s.touched {
		if gen > since {
			out = append(out, area)
		}
	}
	return out
}

// warmingKey marks a warmer's context: what it renders is pinned in the
// snapshot's memo (Snapshot.Body).
type warmingKey struct{}

func isWarming(ctx context.Context) bool {
	w, _ := ctx.Value(warmingKey{}).(bool)
	return w
}

// warm runs the warmers on snap, for at most WarmTimeout; one that fails or
// runs out of time is logged and the snapshot published all the same.
func (s *Service) warm(ctx context.Context, snap *Snapshot, warmers []Warmer) {
	if s.WarmTimeout < 0 || len(warmers) == 0 {
		return
	}
	limit := s.WarmTimeout
	if limit == 0 {
		limit = DefaultWarmTimeout
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, warmingKey{}, true), limit)
	defer cancel()
	start := time.Now()
	for _, w := range warmers {
		if err := w(ctx, snap); err != nil {
			s.logger().Warn("warming the published snapshot stopped; publishing it as it is", "err", err, "after", time.Since(start))
			return
		}
	}
	s.logger().Debug("published snapshot warmed", "generation", snap.Generation, "took", time.Since(start))
}

// publishSnap makes snap the one readers get, unless a newer one is.
func (s *Service) publishSnap(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.cur.Load(); cur == nil || cur.Generation <= snap.Generation {
		s.cur.Store(snap)
	}
	s.staged.CompareAndSwap(snap, nil) // published: not kept twice
}

// stage makes snap, built but not yet warmed, visible to read-your-writes
// waiters (SnapshotFor) and wakes them.
func (s *Service) stage(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.staged.Store(snap)
	close(s.b.changed)
	s.b.changed = make(chan struct{})
}

// finish records a build's outcome and wakes the callers waiting for it.
func (s *Service) finish(gen uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.attempts++
	s.b.failed, s.b.failedGen, s.b.failedAt = err, gen, s.b.attempts
	close(s.b.changed)
	s.b.changed = make(chan struct{})
}

// probeAsked checks the data's fingerprint when a request asked for it,
// and marks the data changed when it differs from the published snapshot's.
func (s *Service) probeAsked(ctx context.Context) {
	s.mu.Lock()
	asked := s.b.probe
	s.b.probe = false
	s.mu.Unlock()
	if !asked {
		return
	}
	snap := s.cur.Load()
	fp, err := readFingerprint(ctx, s.Data.National.DB)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.probing = false
	if err != nil {
		s.logger().Warn("checking the data for changes failed", "err", err)
		return
	}
	if snap != nil && s.cur.Load() == snap && !fp.equal(snap.fingerprint) && s.gen == snap.Generation {
		s.gen++
	}
}
