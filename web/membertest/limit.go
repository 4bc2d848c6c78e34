package membertest

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxClients bounds the limiter's memory: past it the remembered clients
// are forgotten at once (a flood of addresses then gets fresh allowances,
// which only costs rows in an append-only table).
const maxClients = 10000

// limiter allows each client (its address) perHour applications an hour,
// in this instance.
type limiter struct {
	mu      sync.Mutex
	perHour int
	clients map[string]*rate.Limiter
}

// allow reports whether client may send now, else how long it must wait.
func (l *limiter) allow(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.clients[client]
	if !ok {
		if l.clients == nil || len(l.clients) >= maxClients {
			l.clients = map[string]*rate.Limiter{}
		}
		r = rate.NewLimiter(rate.Every(time.Hour/time.Duration(l.perHour)), l.perHour)
		l.clients[client] = r
	}
	res := r.Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return false, d
	}
	return true, 0
}
