package accounts

import (
	"context"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
)

// DefaultCacheTTL is how long a validated session or API token is kept in
// memory by default (Store.CacheTTL): a signed-in visitor's requests within
// it (a page, each static file) cost no query.
const DefaultCacheTTL = 5 * time.Second

// cacheEntries bounds the sessions and tokens kept.
const cacheEntries = 10_000

// credential is a validated session or token as kept in memory: the
// account and the times every request is checked against, so that the
// idle and absolute ends hold exactly however long the entry is kept.
type credential struct {
	account Account
	expires time.Time    // a session's absolute end; a token's expiry (zero: none)
	seen    atomic.Int64 // a session's last recorded visit, Unix nanoseconds
	loaded  time.Time    // when it was read from the database (the wall clock, not Store.Now)
}

// authCache keeps validated credentials by the hash of their secret (never
// the secret), for at most ttl each. A change in this process (a sign-out,
// a revoked token, an account changed) drops what it touches at once;
// another instance sees it when its entry is older than ttl.
type authCache struct {
	ttl     time.Duration
	entries *lru.Cache[string, *credential]
	loads   singleflight.Group
	// epoch counts the drops, so that a load that read the database before
	// a drop does not keep what it read.
	epoch atomic.Uint64
}

// cache returns the store's cache, nil when CacheTTL is not set.
func (s *Store) cache() *authCache {
	s.cacheOnce.Do(func() {
		if s.CacheTTL > 0 {
			entries, _ := lru.New[string, *credential](cacheEntries)
			s.auth = &authCache{ttl: s.CacheTTL, entries: entries}
		}
	})
	return s.auth
}

// get returns the credential kept for key, or loads it (one load per key
// at once; concurrent requests wait for it). load returns nil for a secret
// that is not live, which is not kept.
func (c *authCache) get(ctx context.Context, key string, load func(context.Context) (*credential, error)) (*credential, error) {
	if c == nil {
		return load(ctx)
	}
	if e, ok := c.entries.Get(key); ok && time.Since(e.loaded) < c.ttl {
		return e, nil
	}
	v, err, _ := c.loads.Do(key, func() (any, error) {
		epoch := c.epoch.Load()
		e, err := load(ctx)
		if err != nil || e == nil {
			return e, err
		}
		e.loaded = time.Now()
		if c.epoch.Load() == epoch {
			c.entries.Add(key, e)
		}
		return e, nil
	})
	e, _ := v.(*credential)
	return e, err
}

// drop forgets the credential kept for key.
func (c *authCache) drop(key string) {
	if c == nil {
		return
	}
	c.epoch.Add(1)
	c.entries.Remove(key)
}

// dropAccount forgets every credential of an account.
func (c *authCache) dropAccount(accountID string) {
	if c == nil {
		return
	}
	c.epoch.Add(1)
	for _, k := range c.entries.Keys() {
		if e, ok := c.entries.Peek(k); ok && e.account.ID == accountID {
			c.entries.Remove(k)
		}
	}
}

// The cache keys of a session and of a token, by the hash of the secret.
func sessionKey(hash string) string { return "session:" + hash }
func tokenKey(hash string) string   { return "token:" + hash }
