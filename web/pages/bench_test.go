package pages_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// loadResult is one target's load run (or the sum of several).
type loadResult struct {
	lat       []time.Duration
	requests  int
	errors    int
	bytes     int64
	elapsed   time.Duration
	p50, p99  time.Duration
	perSecond float64
}

// loadRun sends GET url from workers goroutines over keep-alive loopback
// connections until duration has passed or maxRequests have been sent,
// whichever comes first, and measures every request.
func loadRun(url string, workers int, duration time.Duration, maxRequests int) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers, DisableCompression: true},
		Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var res loadResult
	var sent sync.WaitGroup
	budget := make(chan struct{}, maxRequests)
	for range maxRequests {
		budget <- struct{}{}
	}
	close(budget)
	start := time.Now()
	for range workers {
		sent.Add(1)
		go func() {
			defer sent.Done()
			var lat []time.Duration
			var errs int
			var n int64
			for range budget {
				if ctx.Err() != nil {
					break
				}
				t0 := time.Now()
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Accept-Encoding", "gzip") // as browsers do; the body is read, not unpacked
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				m, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs++
				}
				n += m
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			res.bytes += n
			mu.Unlock()
		}()
	}
	sent.Wait()
	res.elapsed = time.Since(start)
	res.lat = all
	return res.summarise()
}

// add sums two runs of the same target.
func (r loadResult) add(o loadResult) loadResult {
	r.lat = append(r.lat, o.lat...)
	r.errors += o.errors
	r.bytes += o.bytes
	r.elapsed += o.elapsed
	return r.summarise()
}

func (r loadResult) summarise() loadResult {
	r.requests = len(r.lat)
	if len(r.lat) > 0 {
		sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
		r.p50 = r.lat[len(r.lat)/2]
		r.p99 = r.lat[min(len(r.lat)-1, len(r.lat)*99/100)]
		r.perSecond = float64(len(r.lat)) / r.elapsed.Seconds()
	}
	return r
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// loadTarget is a named path for loadTargets.
type loadTarget struct{ name, path string }

// loadTargets runs loadRun on each target in turn, rounds times, as the
// benchmark's timed part, and reports each target's requests per second and
// p99. It returns the results and the connections and seconds per target
// and round it used (KLIMATRAPPORT_LOAD_WORKERS, default 8;
// KLIMATRAPPORT_LOAD_SECONDS, default 2; at most KLIMATRAPPORT_LOAD_MAX
// requests per target and round, default 200 000).
func loadTargets(b *testing.B, base string, targets []loadTarget, rounds int) (results map[string]loadResult, workers, seconds int) {
	seconds = envInt("KLIMATRAPPORT_LOAD_SECONDS", 2)
	maxReq := envInt("KLIMATRAPPORT_LOAD_MAX", 200_000)
	workers = envInt("KLIMATRAPPORT_LOAD_WORKERS", 8)
	b.ResetTimer()
	results = map[string]loadResult{}
	for range rounds {
		for _, tg := range targets {
			r := loadRun(base+tg.path, workers, time.Duration(seconds)*time.Second, maxReq)
			if r.errors > 0 || r.requests == 0 {
				b.Fatalf("%s: %d errors in %d requests", tg.name, r.errors, r.requests)
			}
			results[tg.name] = results[tg.name].add(r)
		}
	}
	for _, tg := range targets {
		r := results[tg.name]
		b.ReportMetric(r.perSecond, tg.name+"_req/s")
		b.ReportMetric(float64(r.p99.Microseconds())/1000, tg.name+"_p99_ms")
	}
	b.StopTimer()
	return results, workers, seconds
}

// BenchmarkLoad is a load run on loopback against the real router: a
// static file served by the same process (the yardstick), the municipality
// page and GET /api/v1/emissions, one after the other in the same run, with
// the same concurrency and time, in KLIMATRAPPORT_LOAD_ROUNDS rounds
// (default 3) so that drift on a shared machine hits every target alike.
// Requests ask for gzip, as browsers do. It reports requests per second and
// p99 for each, and each dynamic target's throughput as a share of the
// static file's (the target is at least half). Bounded:
// KLIMATRAPPORT_LOAD_SECONDS per target and round (default 2), at most
// KLIMATRAPPORT_LOAD_MAX requests per target and round (default 200 000),
// KLIMATRAPPORT_LOAD_WORKERS connections (default 8).
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	targets := []loadTarget{
		{"static", "/static/style.css"},
		{"kommun", "/kommun/1281"},
		{"emissions", "/api/v1/emissions?municipality=1281&municipality=1280&per_capita=true"},
		{"emissions_sector", "/api/v1/emissions?municipality=1281&by=sector"},
		{"rangordning", "/rangordning"},
	}
	for _, tg := range targets { // the first request renders and caches
		if r := get(b, f.url+tg.path); r.status != 200 {
			b.Fatalf("%s: %d", tg.path, r.status)
		}
	}
	rounds := envInt("KLIMATRAPPORT_LOAD_ROUNDS", 3)
	results, workers, seconds := loadTargets(b, f.url, targets, rounds)
	static := results["static"]
	var out string
	for _, tg := range targets {
		r := results[tg.name]
		out += fmt.Sprintf("\n%-17s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  %6.1f KB/resp  %5.0f %% of static  (%d requests in %v)",
			tg.path[:min(len(tg.path), 17)], r.perSecond, ms(r.p50), ms(r.p99), float64(r.bytes)/float64(r.requests)/1024,
			100*r.perSecond/static.perSecond, r.requests, r.elapsed.Round(time.Millisecond))
	}
	b.Logf("load run, %d connections, %d rounds of %d s per target:%s", workers, rounds, seconds, out)
	for _, name := range []string{"kommun", "emissions"} {
		if results[name].perSecond < static.perSecond/2 {
			b.Logf("WARNING: %s serves %.0f req/s, under half the static file's %.0f", name, results[name].perSecond, static.perSecond)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// crawl sends GET for each of urls from workers goroutines, as a crawler
// would, and returns how many answers were not 200.
func crawl(urls []string, workers int) (failed int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	next := make(chan string)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for u := range next {
				resp, err := client.Get(u)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range urls {
		next <- u
	}
	close(next)
	wg.Wait()
	return failed
}

// BenchmarkAfterCrawl: a crawler first asks for KLIMATRAPPORT_CRAWL_URLS
// (default 20 000) distinct URLs: junk parameters over HTTP
// (/api/v1/ranking?x=N, /kommun/1281?utm=N) and as many distinct answers
// kept straight in the snapshot, standing for distinct valid pages (random
// comparisons), 4 KB each, which fill the memo past its bound. Then pages
// not asked for before (/kommun/1280, a comparison) are loaded as
// BenchmarkLoad does, beside the static file in the same run: once
// rendered they must be served from memory at a good share of the static
// file's rate, not rendered on every request.
func BenchmarkAfterCrawl(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	n := envInt("KLIMATRAPPORT_CRAWL_URLS", 20_000)
	var urls []string
	for i := range n / 2 {
		urls = append(urls, fmt.Sprintf("%s/api/v1/ranking?x=%d", f.url, i), fmt.Sprintf("%s/kommun/1281?utm=%d", f.url, i))
	}
	t0 := time.Now()
	if failed := crawl(urls, envInt("KLIMATRAPPORT_LOAD_WORKERS", 8)); failed > 0 {
		b.Fatalf("%d of the crawl's %d requests failed", failed, len(urls))
	}
	crawled := time.Since(t0)
	snap, err := f.Published.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	page := bytes.Repeat([]byte("<p>x</p>"), 512)
	for i := range n {
		if _, err := snap.Body(ctx, publish.KeyOf(fmt.Sprintf("page:/jamfor-crawl-%d", i), nil, nil), func() (*publish.Body, error) {
			return &publish.Body{ContentType: "text/html; charset=utf-8", Bytes: page}, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	targets := []loadTarget{
		{"static", "/static/style.css"},
		{"kommun_new", "/kommun/1280"},
		{"jamfor_new", "/jamfor?kod=0180&kod=1480"},
	}
	results, _, _ := loadTargets(b, f.url, targets, 1)
	static := results["static"]
	entries, kept := snap.Kept()
	out := fmt.Sprintf("crawl of %d URLs over HTTP in %v, then %d distinct answers kept; the memo holds %d entries, %.1f MB",
		len(urls), crawled.Round(time.Millisecond), n, entries, float64(kept)/(1<<20))
	for _, tg := range targets[1:] {
		r := results[tg.name]
		b.ReportMetric(r.perSecond/static.perSecond, tg.name+"_ratio")
		out += fmt.Sprintf("\n%-26s %8.0f req/s  p99 %7.3f ms  %5.1f %% of static (%.0f req/s)", tg.path, r.perSecond, ms(r.p99),
			100*r.perSecond/static.perSecond, static.perSecond)
	}
	b.Log(out)
}
