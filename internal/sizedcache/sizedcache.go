// Package sizedcache is a least-recently-used cache bounded both by its
// number of entries and by the total size of what it holds, for caches whose
// entries differ in size by orders of magnitude (rendered pages, annotated
// workbooks), where a count alone bounds nothing. golang-lru's simplelru
// keeps the order; the sizes are counted here, under the same lock, in its
// eviction callback. It is safe for concurrent use.
package sizedcache

import (
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Cache holds values by key within MaxEntries and MaxBytes.
type Cache[K comparable, V any] struct {
	maxBytes int64
	size     func(V) int64

	mu    sync.Mutex // guards lru and bytes (the eviction callback runs under it)
	lru   *simplelru.LRU[K, V]
	bytes int64
}

// New returns a cache of at most maxEntries entries (at least 1) whose sizes,
// as size reports them, add up to at most maxBytes.
func New[K comparable, V any](maxEntries int, maxBytes int64, size func(V) int64) *Cache[K, V] {
	c := &Cache[K, V]{maxBytes: maxBytes, size: size}
	c.lru, _ = simplelru.NewLRU(max(maxEntries, 1), func(_ K, v V) { c.bytes -= size(v) })
	return c // NewLRU fails only for a size ≤ 0
}

// Get returns the value kept for key, marking it recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(key)
}

// Add keeps v, replacing what key held, and evicts the least recently used
// entries until both bounds hold. A value larger than the whole byte budget
// is not kept.
func (c *Cache[K, V]) Add(key K, v V) {
	n := c.size(v)
	if n > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key) // a kept value replaced: its bytes leave with it
	c.lru.Add(key, v)
	c.bytes += n
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// Remove drops key's entry, if any, and returns it.
func (c *Cache[K, V]) Remove(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Peek(key)
	if ok {
		c.lru.Remove(key) // its bytes leave in the eviction callback
	}
	return v, ok
}

// Stats returns the number of entries kept and their total size.
func (c *Cache[K, V]) Stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}

// Range calls f for every kept entry, least recently used first, without
// marking any used: for copying what still holds into a new cache (the
// next snapshot's) in the same order.
func (c *Cache[K, V]) Range(f func(K, V)) {
	c.mu.Lock()
	keys := c.lru.Keys()
	vals := make([]V, 0, len(keys))
	for _, k := range keys {
		v, _ := c.lru.Peek(k)
		vals = append(vals, v)
	}
	c.mu.Unlock()
	for i, k := range keys {
		f(k, vals[i])
	}
}
