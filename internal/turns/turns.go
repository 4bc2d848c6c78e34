// Package turns caps how many of one kind of expensive work run at once
// (parsing uploads, answering archive questions from the database): a
// caller waits a bounded time for a turn and is then refused as busy, with
// a wait to retry after, rather than queued without bound while its request
// holds memory and a connection.
package turns

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Cap is a number of turns, fixed by the first call to Take (its owner's
// configuration is read then). The zero Cap is ready to use.
type Cap struct {
	once sync.Once
	sem  *semaphore.Weighted
}

// Take waits at most wait for one of n turns and returns the function that
// gives it back. A caller that gave up gets its context's error; one that
// waited wait (or its deadline) gets kr.Busy with the Swedish message busy
// and retry as the wait to retry after.
func (c *Cap) Take(ctx context.Context, n int, wait, retry time.Duration, busy string) (func(), error) {
	c.once.Do(func() { c.sem = semaphore.NewWeighted(int64(max(n, 1))) })
	qctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := c.sem.Acquire(qctx, 1); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, kr.Later(kr.Busy, retry, busy)
	}
	return func() { c.sem.Release(1) }, nil
}
