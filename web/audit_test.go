package web

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/accounts"
)

// TestRefusalsBounded: a flood of refusals is written in few inserts, at
// most the queue's size per interval; what does not fit is dropped and
// counted, and the writer stops once the queue is empty. (The entries
// reaching the audit log on both engines: portal's TestRefusalsAudited.)
func TestRefusalsBounded(t *testing.T) {
	var mu sync.Mutex
	var inserts, rows int
	record := func(_ context.Context, es ...accounts.Entry) error {
		mu.Lock()
		defer mu.Unlock()
		inserts++
		rows += len(es)
		return nil
	}
	goroutines := runtime.NumGoroutine()
	q := newRefusals(record, slog.New(slog.NewTextHandler(io.Discard, nil)), 100, 50*time.Millisecond)
	start := time.Now()
	for range 10_000 {
		q.add(accounts.Entry{Action: "refused.unauthorized"})
	}
	queued := time.Since(start)
	if queued > time.Second {
		t.Errorf("queuing 10 000 refusals took %v", queued)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		q.mu.Lock()
		writing := q.writing
		q.mu.Unlock()
		if !writing {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	dropped := int(q.dropped.Load())
	t.Logf("10 000 refusals queued in %v: %d written in %d inserts, %d dropped", queued, rows, inserts, dropped)
	if rows+dropped != 10_000 || rows > 100 || inserts > 1 || dropped < 9_900 {
		t.Errorf("%d written in %d inserts, %d dropped; want at most 100 in one insert, the rest dropped", rows, inserts, dropped)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after the queue emptied, %d before", n, goroutines)
	}
}
