package publish

import (
	"errors"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/singleflight"
)

// memo keeps a snapshot's computed results: a least-recently-used cache
// bounded by its number of entries and by the bytes of the rendered answers
// in it. When full it evicts the least recently used entries, so a crawler
// asking for thousands of distinct pages cannot stop the pages people read
// from being kept. Identical misses arriving together are computed once
// (singleflight, by key); errors are not kept.
type memo struct {
	maxBytes int64
	flight   singleflight.Group

	mu    sync.Mutex // guards lru and bytes (the eviction callback runs under it)
	lru   *simplelru.LRU[string, memoEntry]
	bytes int64 // the sizes of the entries in lru
}

type memoEntry struct {
	val  any
	size int64
}

func newMemo(maxEntries int, maxBytes int64) *memo {
	m := &memo{maxBytes: maxBytes}
	m.lru, _ = simplelru.NewLRU(maxEntries, func(_ string, e memoEntry) { m.bytes -= e.size })
	return m // NewLRU fails only for a size ≤ 0, which load never passes
}

// get returns the kept result for key, marking it recently used.
func (m *memo) get(key string) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.lru.Get(key)
	return e.val, ok
}

// add keeps a result of size bytes, evicting the least recently used
// entries until both bounds hold. A result larger than the whole byte
// budget is not kept.
func (m *memo) add(key string, val any, size int64) {
	if size > m.maxBytes {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lru.Remove(key) // a kept result replaced: its bytes leave with it
	m.lru.Add(key, memoEntry{val: val, size: size})
	m.bytes += size
	for m.bytes > m.maxBytes {
		m.lru.RemoveOldest()
	}
}

// stats returns the number of kept entries and their bytes.
func (m *memo) stats() (entries int, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len(), m.bytes
}

// do returns key's kept result or computes it with build, once for all
// callers asking at the same time. A caller that waited for a computation
// which failed computes the result itself rather than inherit the failure:
// it may have been the first caller's own (a cancelled request, a panic,
// which drivers do not always report as such).
func (m *memo) do(key string, build func() (any, int64, error)) (any, error) {
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
			m.add(key, v, size)
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

var errBuildPanicked = errors.New("publish: memoised computation panicked")
