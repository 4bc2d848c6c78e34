package chdb

import (
	"context"
	"sync"
)

// turn is the one connection's turn to run a statement, given in order of
// asking within two classes: callers asking ahead (a request's reads and
// the snapshot builder's: storage.IsRequest, storage.IsAhead) get it before
// any caller waiting without (uploads' inserts, imports), so that a storm
// of uploads queued on the connection holds a page or the next snapshot
// back by the statement running at most, not by the whole queue. No
// library offers a mutex with priorities whose waits honour a context;
// it is small.
type turn struct {
	mu     sync.Mutex
	busy   bool
	ahead  []chan struct{} // waiters, in order of asking
	behind []chan struct{}
}

// acquire waits for the turn or for ctx; ahead says the class.
func (t *turn) acquire(ctx context.Context, ahead bool) error {
	t.mu.Lock()
	if !t.busy {
		t.busy = true
		t.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	queue := &t.behind
	if ahead {
		queue = &t.ahead
	}
	*queue = append(*queue, ch)
	t.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		t.mu.Lock()
		defer t.mu.Unlock()
		for i, w := range *queue {
			if w == ch {
				*queue = append((*queue)[:i], (*queue)[i+1:]...)
				return ctx.Err()
			}
		}
		// Given the turn as ctx ended: pass it on.
		t.releaseLocked()
		return ctx.Err()
	}
}

// release gives the turn to the first waiter ahead, else the first
// behind, else frees it.
func (t *turn) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.releaseLocked()
}

func (t *turn) releaseLocked() {
	for _, queue := range []*[]chan struct{}{&t.ahead, &t.behind} {
		if len(*queue) > 0 {
			next := (*queue)[0]
			*queue = (*queue)[1:]
			close(next) // the turn passes on: busy stays true
			return
		}
	}
	t.busy = false
}
