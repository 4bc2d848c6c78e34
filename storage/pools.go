package storage

import "context"

// poolKey marks a context with the pool its calls should use.
type poolKey struct{}

// ForRequest marks ctx as a request's interactive work (a session lookup,
// a page or API read, a sign-in): an engine with a pool of connections for
// requests (a ClickHouse server, see storage/engines) runs its calls there,
// so that background work holding every other connection never makes a
// request wait. Without the mark a call is background work (the snapshot
// builder's loads, uploads' inserts, imports, the janitor). chDB has one
// connection for everything and ignores the mark.
func ForRequest(ctx context.Context) context.Context { return context.WithValue(ctx, poolKey{}, true) }

// ForBackground marks ctx as background work again: a request that starts
// long work (an upload) runs it on the background pool.
func ForBackground(ctx context.Context) context.Context {
	return context.WithValue(ctx, poolKey{}, false)
}

// IsRequest reports whether ctx is marked as a request's (ForRequest).
func IsRequest(ctx context.Context) bool {
	r, _ := ctx.Value(poolKey{}).(bool)
	return r
}

// aheadKey marks background work that readers wait for.
type aheadKey struct{}

// Ahead marks ctx as background work that readers wait for: the snapshot
// builder's reads. On chDB, whose one connection every call shares, such
// calls, like requests', go before waiting background work of other kinds
// (uploads' inserts, imports), so that a storm of uploads does not hold
// back the next snapshot (and with it an uploader's own page). A server
// engine runs them on the background pool as any background work.
func Ahead(ctx context.Context) context.Context { return context.WithValue(ctx, aheadKey{}, true) }

// IsAhead reports whether ctx is marked Ahead.
func IsAhead(ctx context.Context) bool {
	a, _ := ctx.Value(aheadKey{}).(bool)
	return a
}
