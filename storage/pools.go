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
