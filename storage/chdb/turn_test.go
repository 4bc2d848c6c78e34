package chdb

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestTurnAheadFirst: with the connection busy, callers asking ahead get
// it before those who asked earlier without, each class in its order; a
// waiter whose context ends leaves the queue, and one given the turn as
// its context ends passes it on.
func TestTurnAheadFirst(t *testing.T) {
	var tn turn
	if err := tn.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	waiting := func() int {
		tn.mu.Lock()
		defer tn.mu.Unlock()
		return len(tn.ahead) + len(tn.behind)
	}
	wait := func(name string, ahead bool) {
		queued := waiting()
		wg.Go(func() {
			if err := tn.acquire(context.Background(), ahead); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			tn.release()
		})
		for deadline := time.Now().Add(5 * time.Second); ; { // until it is queued, so that the order is known
			if waiting() > queued || time.Now().After(deadline) {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	wait("upload 1", false)
	wait("upload 2", false)
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error)
	go func() { gone <- tn.acquire(ctx, true) }()
	for deadline := time.Now().Add(5 * time.Second); waiting() < 3 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-gone; err == nil {
		t.Fatal("a cancelled wait got the turn")
	}
	wait("builder", true)
	wait("request", true)
	tn.release()
	wg.Wait()
	want := []string{"builder", "request", "upload 1", "upload 2"}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	if tn.mu.Lock(); tn.busy {
		t.Error("the turn is still taken after everyone released it")
	}
	tn.mu.Unlock()
}
