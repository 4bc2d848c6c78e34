package download

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// server answers with handler and counts the requests.
func server(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler(w, r, int(n.Add(1)))
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// quick is a client with short limits, for tests.
func quick() *Client {
	return &Client{HeaderTimeout: 200 * time.Millisecond, AttemptTimeout: time.Second, Attempts: 3,
		MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond, MaxBytes: 1000, UserAgent: "klimatrapport-test"}
}

func wantFailure(t *testing.T, err error, kind kr.Kind, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if kr.KindOf(err) != kind {
		t.Errorf("kind %v, want %v: %v", kr.KindOf(err), kind, err)
	}
	msg := kr.MessageOf(err)
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
}

func TestGetSendsUserAgent(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		io.WriteString(w, r.UserAgent())
	})
	b, err := quick().Get(context.Background(), s.URL)
	if err != nil || string(b) != "klimatrapport-test" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestSlowServerTimesOut(t *testing.T) {
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select { // headers never come within the limit
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	_, err := quick().Get(context.Background(), s.URL)
	wantFailure(t, err, kr.Unavailable, "efter 3 försök", "svarade inte i tid", "Ingenting har lästs in")
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3", n.Load())
	}
}

func TestSlowBodyTimesOut(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "the start")
		w.(http.Flusher).Flush()
		select { // the rest never comes within the attempt's limit
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c := quick()
	c.AttemptTimeout, c.Attempts = 300*time.Millisecond, 1
	_, err := c.Get(context.Background(), s.URL)
	wantFailure(t, err, kr.Unavailable, "svarade inte i tid")
}

func TestServerErrorRetriedThenSucceeds(t *testing.T) {
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 3 {
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "data")
	})
	b, err := quick().Get(context.Background(), s.URL)
	if err != nil || string(b) != "data" || n.Load() != 3 {
		t.Fatalf("%q %v after %d attempts", b, err, n.Load())
	}
}

func TestServerErrorGivesUp(t *testing.T) {
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Error(w, "oops", http.StatusBadGateway)
	})
	_, err := quick().Get(context.Background(), s.URL)
	wantFailure(t, err, kr.Unavailable, "efter 3 försök", "502 Bad Gateway")
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3", n.Load())
	}
}

func TestNotFoundIsNotRetried(t *testing.T) {
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) { http.NotFound(w, r) })
	_, err := quick().Get(context.Background(), s.URL)
	wantFailure(t, err, kr.NotFound, "404 Not Found")
	if n.Load() != 1 {
		t.Errorf("%d attempts, want 1", n.Load())
	}
}

// truncate sends a Content-Length of 1000 and ten bytes, then closes.
func truncate(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "1000")
	io.WriteString(w, "0123456789")
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestTruncatedBody(t *testing.T) {
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) { truncate(w) })
	b, err := quick().Get(context.Background(), s.URL)
	wantFailure(t, err, kr.Unavailable, "bröts av", "efter 3 försök")
	if b != nil || n.Load() != 3 {
		t.Errorf("got %q after %d attempts", b, n.Load())
	}
	// One broken-off body, then a whole one: the whole one is returned.
	s, _ = server(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			truncate(w)
			return
		}
		io.WriteString(w, "whole")
	})
	if b, err := quick().Get(context.Background(), s.URL); err != nil || string(b) != "whole" {
		t.Fatalf("%q %v", b, err)
	}
}

func TestBodyOverLimit(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 1001)
	for _, lie := range []string{"", "10"} { // no Content-Length (chunked), and a lying one
		s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if lie != "" {
				// The server's own check refuses to write more than it
				// declared; hijack the connection to lie.
				conn, buf, _ := w.(http.Hijacker).Hijack()
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + lie + "\r\nConnection: close\r\n\r\n")
				buf.Write(big)
				buf.Flush()
				conn.Close()
				return
			}
			w.(http.Flusher).Flush()
			w.Write(big)
		})
		b, err := quick().Get(context.Background(), s.URL)
		if lie != "" {
			// The client reads what was declared and no more: ten bytes.
			if err != nil || len(b) != 10 {
				t.Fatalf("lying length: %d bytes, %v", len(b), err)
			}
			continue
		}
		wantFailure(t, err, kr.TooLarge, "större än 1 000 byte")
		if b != nil || n.Load() != 1 {
			t.Errorf("got %d bytes after %d attempts", len(b), n.Load())
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	// A wait longer than MaxWait ends the download at once.
	s, n := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	_, err := quick().Get(context.Background(), s.URL)
	wantFailure(t, err, kr.Unavailable, "503 Service Unavailable", "bad om att vänta 60 minuter")
	if n.Load() != 1 {
		t.Errorf("%d attempts, want 1", n.Load())
	}
	// A shorter one is the least the backoff waits.
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}}
	if w := backoff(time.Millisecond, 10*time.Millisecond, 0, resp); w != 2*time.Second {
		t.Errorf("backoff with Retry-After 2: %v", w)
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	for attempt, base := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		base *= time.Millisecond
		for range 50 {
			if w := backoff(100*time.Millisecond, time.Second, attempt, nil); w < base/2 || w > base {
				t.Fatalf("attempt %d: %v, want in [%v, %v]", attempt, w, base/2, base)
			}
		}
	}
}

func TestPostBodySentOnEachAttempt(t *testing.T) {
	var bodies []string
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request, n int) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.Header.Get("Content-Type")+" "+string(b))
		if n == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		io.WriteString(w, "ok")
	})
	b, err := quick().Post(context.Background(), s.URL, "application/json", []byte(`{"q":1}`))
	if err != nil || string(b) != "ok" {
		t.Fatalf("%q %v", b, err)
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] || bodies[0] != `application/json {"q":1}` {
		t.Errorf("bodies %q", bodies)
	}
}

func TestCancelled(t *testing.T) {
	s, _ := server(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	c := quick()
	c.HeaderTimeout = 10 * time.Second
	_, err := c.Get(ctx, s.URL)
	wantFailure(t, err, kr.Unavailable, "avbröts")
}

func TestNotAnAddress(t *testing.T) {
	_, err := quick().Get(context.Background(), "file:///etc/passwd")
	wantFailure(t, err, kr.Invalid, "ingen webbadress")
}
