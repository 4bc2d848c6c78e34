package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
)

// Audit returns middleware that records every state-changing request (who,
// what, when, from where, and how it ended) and every refusal: a 401, a
// 403, a form sent from another site, a 429 (throttled) and a 503 (busy).
// It must run before Authenticate and CrossOrigin to see their refusals. A
// signed-in actor's write is recorded before the response is done;
// refusals and the public's writes, which anyone can send at any rate, go
// through a bounded queue that one goroutine writes in batches, and are
// dropped and counted (klimatrapport_audit_refusals_dropped_total) when
// it is full.
func (s *Server) Audit(store *accounts.Store) gin.HandlerFunc {
	q := newRefusals(store.Record, s.log, refusalQueue, time.Second)
	s.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "klimatrapport_audit_refusals_dropped_total",
		Help: "Refused requests not written to the audit log because its queue was full."},
		func() float64 { return float64(q.dropped.Load()) }))
	return func(c *gin.Context) {
		c.Next()
		status := c.Writer.Status()
		if action := refusalAction(c, status); action != "" {
			q.add(store.Entry(ActorOf(c), action, refusalTarget(c.Request), c.ClientIP(), RequestID(c),
				"status="+http.StatusText(status)))
			return
		}
		if safeMethod(c.Request.Method) {
			return
		}
		route := c.FullPath()
		if route == "" {
			return
		}
		var target []string
		for _, p := range c.Params {
			target = append(target, p.Key+"="+p.Value)
		}
		e := store.Entry(ActorOf(c), c.Request.Method+" "+route, strings.Join(target, " "), c.ClientIP(), RequestID(c),
			"status="+http.StatusText(status))
		if ActorOf(c).Role == kr.RolePublic {
			// Anyone can send these (a login, a password link) at any
			// rate: they share the refusals' bounded queue.
			q.add(e)
			return
		}
		if err := store.Record(c.Request.Context(), e); err != nil {
			s.log.Error("audit log: write not recorded", "err", err, "route", route, "request_id", RequestID(c))
		}
	}
}

// maxRefusalTarget bounds the method and path recorded of a refusal.
const maxRefusalTarget = 300

// refusalTarget is what the audit log records of a refused request: its
// method and path, which the sender chose, so without control characters,
// in valid UTF-8 and at most maxRefusalTarget bytes.
func refusalTarget(r *http.Request) string {
	t := strings.ToValidUTF8(r.Method+" "+r.URL.Path, "\uFFFD")
	t = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, t)
	if len(t) > maxRefusalTarget {
		t = strings.ToValidUTF8(t[:maxRefusalTarget], "")
	}
	return t
}

// refusalKey marks a request CrossOrigin refused.
const refusalKey = "klimatrapport.refused"

// refusalAction names a refusal in the audit log, "" if the request was
// not refused.
func refusalAction(c *gin.Context, status int) string {
	switch {
	case c.GetBool(refusalKey):
		return "refused.cross_origin"
	case status == http.StatusUnauthorized:
		return "refused.unauthorized"
	case status == http.StatusForbidden:
		return "refused.forbidden"
	case status == http.StatusTooManyRequests:
		return "refused.throttled"
	case status == http.StatusServiceUnavailable:
		return "refused.busy"
	}
	return ""
}

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// refusalQueue is how many refusals wait for their write at most; a batch
// is at most that many rows.
const refusalQueue = 1000

// refusals writes refusal entries in the background: at most one insert
// per interval, each of whatever queued meanwhile. The writer runs only
// while there is something to write, so a server that is dropped leaves
// no goroutine behind.
type refusals struct {
	record   func(context.Context, ...accounts.Entry) error
	log      *slog.Logger
	queue    chan accounts.Entry
	interval time.Duration
	dropped  atomic.Int64

	mu      sync.Mutex
	writing bool
}

func newRefusals(record func(context.Context, ...accounts.Entry) error, log *slog.Logger, size int, interval time.Duration) *refusals {
	return &refusals{record: record, log: log, queue: make(chan accounts.Entry, size), interval: interval}
}

// add queues e, or drops it when the queue is full.
func (q *refusals) add(e accounts.Entry) {
	select {
	case q.queue <- e:
	default:
		q.dropped.Add(1)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.writing {
		q.writing = true
		go q.write()
	}
}

// write inserts what is queued, an interval apart, until the queue is
// empty.
func (q *refusals) write() {
	for {
		time.Sleep(q.interval)
		var batch []accounts.Entry
	drain:
		for len(batch) < cap(q.queue) {
			select {
			case e := <-q.queue:
				batch = append(batch, e)
			default:
				break drain
			}
		}
		if len(batch) > 0 {
			if err := q.record(context.Background(), batch...); err != nil {
				q.log.Error("audit log: refusals not recorded", "err", err, "n", len(batch))
			}
			continue
		}
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.writing = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
	}
}
