package dashboards_test

import (
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

	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// loadResult is one target's load run.
type loadResult struct {
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
				resp, err := client.Get(url)
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
	res.requests = len(all)
	if len(all) > 0 {
		sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
		res.p50 = all[len(all)/2]
		res.p99 = all[min(len(all)-1, len(all)*99/100)]
		res.perSecond = float64(len(all)) / res.elapsed.Seconds()
	}
	return res
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkLoad is a load run on loopback against the real router: a
// static file served by the same process (the yardstick), the municipality
// page and GET /api/v1/emissions, one after the other in the same run, with
// the same concurrency and time. It reports requests per second and p99 for
// each, and each dynamic target's throughput as a share of the static
// file's (the target is at least half). Bounded: KLIMATRAPPORT_LOAD_SECONDS
// per target (default 3), at most KLIMATRAPPORT_LOAD_MAX requests (default
// 300 000), KLIMATRAPPORT_LOAD_WORKERS connections (default 8).
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	seconds := envInt("KLIMATRAPPORT_LOAD_SECONDS", 3)
	maxReq := envInt("KLIMATRAPPORT_LOAD_MAX", 300_000)
	workers := envInt("KLIMATRAPPORT_LOAD_WORKERS", 8)
	targets := []struct{ name, path string }{
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
	b.ResetTimer()
	results := map[string]loadResult{}
	for _, tg := range targets {
		r := loadRun(f.url+tg.path, workers, time.Duration(seconds)*time.Second, maxReq)
		if r.errors > 0 || r.requests == 0 {
			b.Fatalf("%s: %d errors in %d requests", tg.name, r.errors, r.requests)
		}
		results[tg.name] = r
		b.ReportMetric(r.perSecond, tg.name+"_req/s")
		b.ReportMetric(float64(r.p99.Microseconds())/1000, tg.name+"_p99_ms")
	}
	b.StopTimer()
	static := results["static"]
	var out string
	for _, tg := range targets {
		r := results[tg.name]
		out += fmt.Sprintf("\n%-17s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  %6.1f KB/resp  %5.0f %% of static  (%d requests in %v)",
			tg.path[:min(len(tg.path), 17)], r.perSecond, ms(r.p50), ms(r.p99), float64(r.bytes)/float64(r.requests)/1024,
			100*r.perSecond/static.perSecond, r.requests, r.elapsed.Round(time.Millisecond))
	}
	b.Logf("load run, %d connections, %d s per target:%s", workers, seconds, out)
	for _, name := range []string{"kommun", "emissions"} {
		if results[name].perSecond < static.perSecond/2 {
			b.Logf("WARNING: %s serves %.0f req/s, under half the static file's %.0f", name, results[name].perSecond, static.perSecond)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
