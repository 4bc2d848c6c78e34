package publish

import (
	"errors"
	"slices"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/klimatkommunerna/klimatrapport/internal/sizedcache"
)

// memo keeps a snapshot's computed results in two parts. The answers
// rendered ahead (the warmers' default pages and API answers) are pinned:
// kept whatever else is asked, bounded by what the warmers render. Every
// other result goes to a least-recently-used cache bounded by its number
// of entries and by the bytes of the rendered answers in it (sizedcache);
// when full it evicts the least recently used, so a crawler asking for
// thousands of distinct pages keeps its own memory bounded and cannot push
// out the pages people read. Identical misses arriving together are
// computed once (singleflight, by key); errors are not kept.
type memo struct {
	flight singleflight.Group
	kept   *sizedcache.Cache[string, memoEntry]

	mu          sync.RWMutex
	pinned      map[string]memoEntry
	pinnedBytes int64
}

type memoEntry struct {
	val  any
	size int64
	// codes are the areas whose reports the result reads; nil means it may
	// read anyone's (an aggregate), so it never outlives its snapshot.
	codes []string
}

func newMemo(maxEntries int, maxBytes int64) *memo {
	return &memo{kept: sizedcache.New[string, memoEntry](maxEntries, maxBytes, func(e memoEntry) int64 { return e.size }),
		pinned: map[string]memoEntry{}}
}

func (m *memo) get(key string) (any, bool) {
	m.mu.RLock()
	e, ok := m.pinned[key]
	m.mu.RUnlock()
	if ok {
		return e.val, true
	}
	e, ok = m.kept.Get(key)
	return e.val, ok
}

// keep keeps a computed result, pinned or in the cache.
func (m *memo) keep(key string, e memoEntry, pin bool) {
	if !pin {
		m.kept.Add(key, e)
		return
	}
	m.mu.Lock()
	m.pinnedBytes += e.size - m.pinned[key].size
	m.pinned[key] = e
	m.mu.Unlock()
}

// pinKept pins key's result if the cache has it: a warmer asking for what
// a reader got computed first (the uploader reading their own page before
// the warmers reach it) keeps it whatever else is asked.
func (m *memo) pinKept(key string) {
	if e, ok := m.kept.Remove(key); ok {
		m.keep(key, e, true)
	}
}

// stats returns the number of kept entries and their bytes.
func (m *memo) stats() (entries int, bytes int64) {
	entries, bytes = m.kept.Stats()
	m.mu.RLock()
	defer m.mu.RUnlock()
	return entries + len(m.pinned), bytes + m.pinnedBytes
}

// do returns key's kept result or computes it with build, once for all
// callers asking at the same time. A caller that waited for a computation
// which failed computes the result itself rather than inherit the failure:
// it may have been the first caller's own (a cancelled request, a panic,
// which drivers do not always report as such).
func (m *memo) do(key string, codes []string, pin bool, build func() (any, int64, error)) (any, error) {
	if pin {
		m.pinKept(key)
	}
	if v, ok := m.get(key); ok {
		return v, nil
	}
	var panicked any
	leader := false
	v, err, shared := m.flight.Do(key, func() (v any, err error) {
		leader = true
		if v, ok := m.get(key); ok { // kept while we were on our way here
			return v, nil
		}
		defer func() {
			if p := recover(); p != nil {
				panicked, err = p, errBuildPanicked
			}
		}()
		var size int64
		if v, size, err = build(); err == nil {
			m.keep(key, memoEntry{val: v, size: size, codes: codes}, pin)
		}
		return v, err
	})
	if leader && panicked != nil {
		panic(panicked) // the leader's own computation panicked: as without a memo
	}
	if err != nil && shared && !leader {
		v, _, err = build()
	}
	return v, err
}

// carried returns a new memo holding m's results that a change of the
// reports of the changed areas leaves true: those scoped to other areas.
// Aggregates (unscoped) are computed again. The order of use is kept.
func (m *memo) carried(maxEntries int, maxBytes int64, changed map[string]bool) *memo {
	next := newMemo(maxEntries, maxBytes)
	holds := func(e memoEntry) bool {
		return e.codes != nil && !slices.ContainsFunc(e.codes, func(c string) bool { return changed[c] })
	}
	m.kept.Range(func(k string, e memoEntry) {
		if holds(e) {
			next.kept.Add(k, e)
		}
	})
	m.mu.RLock()
	defer m.mu.RUnlock()
	for k, e := range m.pinned {
		if holds(e) {
			next.keep(k, e, true)
		}
	}
	return next
}

var errBuildPanicked = errors.New("publish: memoised computation panicked")
