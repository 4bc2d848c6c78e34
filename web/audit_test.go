package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
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

// TestRefusalTarget: a refused request's path is the sender's: the audit
// log gets it without control characters, in valid UTF-8, cut short.
func TestRefusalTarget(t *testing.T) {
	for path, want := range map[string]string{
		"/api/v1/x":                    "GET /api/v1/x",
		"/a\nFALSK RAD\r\x00b":         "GET /aFALSK RADb",
		"/\xff\xfe":                    "GET /\uFFFD",
		"/" + strings.Repeat("å", 400): "GET /" + strings.Repeat("å", (maxRefusalTarget-5)/2),
	} {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: path}}
		if got := refusalTarget(r); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}
