package publish

import (
	"errors"
	"slices"

	"golang.org/x/sync/singleflight"

	"github.com/klimatkommunerna/klimatrapport/internal/sizedcache"
)

// memo keeps a snapshot's computed results: a least-recently-used cache
// bounded by its number of entries and by the bytes of the rendered answers
// in it (sizedcache). When full it evicts the least recently used entries,
// so a crawler asking for thousands of distinct pages cannot stop the pages
// people read from being kept. Identical misses arriving together are
// computed once (singleflight, by key); errors are not kept.
type memo struct {
	flight singleflight.Group
	kept   *sizedcache.Cache[string, memoEntry]
}

type memoEntry struct {
	val  any
	size int64
	// codes are the areas whose reports the result reads; nil means it may
	// read anyone's (an aggregate), so it never outlives its snapshot.
	codes []string
}

func newMemo(maxEntries int, maxBytes int64) *memo {
	return &memo{kept: sizedcache.New[string, memoEntry](maxEntries, maxBytes, func(e memoEntry) int64 { return e.size })}
}

func (m *memo) get(key string) (any, bool) {
	e, ok := m.kept.Get(key)
	return e.val, ok
}

// stats returns the number of kept entries and their bytes.
func (m *memo) stats() (entries int, bytes int64) { return m.kept.Stats() }

// do returns key's kept result or computes it with build, once for all
// callers asking at the same time. A caller that waited for a computation
// which failed computes the result itself rather than inherit the failure:
// it may have been the first caller's own (a cancelled request, a panic,
// which drivers do not always report as such).
func (m *memo) do(key string, codes []string, build func() (any, int64, error)) (any, error) {
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
			m.kept.Add(key, memoEntry{val: v, size: size, codes: codes})
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
	m.kept.Range(func(k string, e memoEntry) {
		if e.codes != nil && !slices.ContainsFunc(e.codes, func(c string) bool { return changed[c] }) {
			next.kept.Add(k, e)
		}
	})
	return next
}

var errBuildPanicked = errors.New("publish: memoised computation panicked")
