package main

// What the load test measures with: closed-loop readers, the figures of a
// phase, the faults seen, and URLs that were never asked for before.

import (
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// phaseResult is what the readers of one phase saw, in all and by kind
// of page (kindOf).
type phaseResult struct {
	requests int
	took     time.Duration
	p50, p99 time.Duration
	kinds    map[string]phaseResult
}

func newPhaseResult(latencies map[string][]time.Duration, took time.Duration) phaseResult {
	r := phaseResult{took: took, kinds: map[string]phaseResult{}}
	var all []time.Duration
	for kind, l := range latencies {
		all = append(all, l...)
		r.kinds[kind] = phaseResult{requests: len(l), took: took, p50: percentiles(l)(0.50), p99: percentiles(l)(0.99)}
	}
	pct := percentiles(all)
	r.requests, r.p50, r.p99 = len(all), pct(0.50), pct(0.99)
	return r
}

// kindOf is the kind of page path is: its route.
func kindOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	switch {
	case strings.HasPrefix(path, "/kommun/"):
		return "/kommun/{code}"
	case strings.HasPrefix(path, "/api/v1/municipalities/"):
		return "/api/v1/municipalities/{code}/metrics"
	}
	return path
}

// byKind is the figures of each kind of page, the busiest first.
func (r phaseResult) byKind() string {
	kinds := slices.SortedFunc(maps.Keys(r.kinds), func(a, b string) int { return r.kinds[b].requests - r.kinds[a].requests })
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		k := r.kinds[k]
		parts[i] = fmt.Sprintf("%s %d, p50 %.1f ms, p99 %.1f ms", kinds[i], k.requests, ms(k.p50), ms(k.p99))
	}
	return strings.Join(parts, "; ")
}

func (r phaseResult) perSecond() float64 {
	if r.took <= 0 {
		return 0
	}
	return float64(r.requests) / r.took.Seconds()
}

// ratio is r's throughput as a share of base's, in per cent.
func (r phaseResult) ratio(base phaseResult) float64 {
	if base.perSecond() == 0 {
		return 0
	}
	return 100 * r.perSecond() / base.perSecond()
}

// String is the phase's figures in fixed columns, so that the lines of a
// run sit side by side.
func (r phaseResult) String() string {
	return fmt.Sprintf("%6.0f req/s, p50 %6.1f ms, p99 %6.1f ms", r.perSecond(), ms(r.p50), ms(r.p99))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// verdict ends a figure's line: whether its target is met.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// loadFaults counts what must not happen (a read that fails or is not
// 200, an upload not accepted) and keeps the first few to report.
type loadFaults struct {
	n     atomic.Int64
	mu    sync.Mutex
	first []string
}

func (f *loadFaults) add(format string, args ...any) {
	if f.n.Add(1) > 10 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.first = append(f.first, fmt.Sprintf(format, args...))
}

// check fails the test when any fault was seen.
func (f *loadFaults) check(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.n.Load(); n > 0 {
		t.Errorf("%d faults under load, the first:\n%s", n, strings.Join(f.first, "\n"))
	}
}

// reader gets pages from a running service and records faults.
type reader struct {
	base   string
	client *http.Client
	faults *loadFaults
}

func newReader(base string, faults *loadFaults) *reader {
	return &reader{base: base, faults: faults,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}}
}

// fetch gets path and returns the body and how long the answer took; a
// failed request or a status other than 200 is a fault.
func (r *reader) fetch(path string) ([]byte, time.Duration, bool) {
	return r.fetchAs(path, "")
}

// fetchAs is fetch with a bearer token ("" for none).
func (r *reader) fetchAs(path, token string) ([]byte, time.Duration, bool) {
	start := time.Now()
	req, err := http.NewRequest(http.MethodGet, r.base+path, nil)
	if err != nil {
		r.faults.add("GET %s: %v", path, err)
		return nil, 0, false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.faults.add("GET %s: %v", path, err)
		return nil, 0, false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		r.faults.add("GET %s: %d %v %.120q", path, resp.StatusCode, err, body)
		return nil, took, false
	}
	return body, took, true
}

// readUntil runs n closed-loop readers until deadline, each asking for
// next(rng) again and again (next returns "" when there is nothing more
// to ask), and returns what they saw.
func (r *reader) readUntil(n int, deadline time.Time, seed uint64, next func(*rand.Rand) string) phaseResult {
	var mu sync.Mutex
	latencies := map[string][]time.Duration{}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			mine := map[string][]time.Duration{}
			for time.Now().Before(deadline) {
				path := next(rng)
				if path == "" {
					break
				}
				if _, took, ok := r.fetch(path); ok {
					mine[kindOf(path)] = append(mine[kindOf(path)], took)
				}
			}
			mu.Lock()
			for k, l := range mine {
				latencies[k] = append(latencies[k], l...)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return newPhaseResult(latencies, time.Since(start))
}

// uniform picks one of paths at random.
func uniform(paths []string) func(*rand.Rand) string {
	return func(rng *rand.Rand) string { return paths[rng.IntN(len(paths))] }
}

// municipalityCodes reads every municipality code from SCB's list.
func municipalityCodes(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(samples.Path(t, samples.Municipalities))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("the municipality list: %v", err)
	}
	codes := make([]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		codes = append(codes, row[0])
	}
	return codes
}

// unasked makes URLs that were never asked for before in the run: a set
// of municipalities is new when no earlier URL of its kind had the same
// set (in any order) and the same other parameters.
type unasked struct {
	codes []string
	mu    sync.Mutex
	seen  map[string]bool
}

func newUnasked(codes []string) *unasked {
	return &unasked{codes: codes, seen: map[string]bool{}}
}

// claim records key and reports whether it is new.
func (u *unasked) claim(key string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen[key] {
		return false
	}
	u.seen[key] = true
	return true
}

// set picks from to to codes at random, in random order.
func (u *unasked) set(rng *rand.Rand, from, to int) []string {
	k := from + rng.IntN(to-from+1)
	picked := make([]string, 0, k)
	for _, i := range rng.Perm(len(u.codes))[:k] {
		picked = append(picked, u.codes[i])
	}
	return picked
}

func sortedKey(prefix string, codes []string) string {
	return prefix + strings.Join(slices.Sorted(slices.Values(codes)), ",")
}

// jamfor is a comparison of 2 to 12 municipalities never asked for.
func (u *unasked) jamfor(rng *rand.Rand) string {
	for {
		set := u.set(rng, 2, 12)
		if u.claim(sortedKey("jamfor:", set)) {
			return "/jamfor?" + codeQuery("kod", set)
		}
	}
}

// emissions is a query of the emissions API never asked for: 1 to 6
// municipalities and a span of years.
func (u *unasked) emissions(rng *rand.Rand) string {
	for {
		set := u.set(rng, 1, 6)
		from := 1990 + rng.IntN(30)
		to := from + rng.IntN(2024-from+1)
		span := "from=" + strconv.Itoa(from) + "&to=" + strconv.Itoa(to)
		if u.claim(sortedKey("emissions:"+span+":", set)) {
			return "/api/v1/emissions?" + codeQuery("municipality", set) + "&" + span
		}
	}
}

func codeQuery(name string, codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = name + "=" + url.QueryEscape(c)
	}
	return strings.Join(q, "&")
}
