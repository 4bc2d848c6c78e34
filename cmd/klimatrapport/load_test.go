package main

// Load test: 20 concurrent uploaders and 200 concurrent readers of
// the public pages for 60 seconds (KLIMATRAPPORT_LOAD_SECONDS), against the
// service on the ClickHouse server engine, on loopback. Bounded in time and
// count; it stops by itself.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test takes a minute")
	}
	seconds := 60
	if s, err := strconv.Atoi(os.Getenv("KLIMATRAPPORT_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	server := storagetest.ServerDSN(t)
	dbName := storagetest.NewDatabaseName()
	dsn := dsnFor(server, dbName)
	// National data, through the command line, so that the pages have content.
	for _, args := range [][]string{
		{"import", "municipalities", samples.Path(t, samples.Municipalities)},
		{"import", "population", samples.Path(t, samples.Population)},
		{"import", "smhi", samples.Path(t, samples.SMHI)},
	} {
		if code, out, errs := runCLI(t, append(args, "--db", dsn)...); code != 0 {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
	}
	svc := startService(t, dsn, "KLIMATRAPPORT_API_TOKENS="+faultToken+":admin", "KLIMATRAPPORT_LOG_LEVEL=warn")

	codes := []string{"1281", "1280", "0180", "1480", "1283", "0380", "0580", "1880", "2480", "2580",
		"0114", "0115", "0117", "0120", "0123", "0125", "0126", "0127", "0128", "0136"}
	readerURLs := []string{"/", "/rangordning", "/jamfor?kod=1281&kod=1280&kod=0180", "/api/v1/emissions?municipality=1281&from=2015",
		"/api/v1/municipalities"}
	for _, c := range codes {
		readerURLs = append(readerURLs, "/kommun/"+c)
	}

	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(2*time.Minute))
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 2 * time.Minute}

	var fiveXX, readErrors atomic.Int64
	var mu sync.Mutex
	var accepted []string
	var latencies []time.Duration
	uploads := map[int]int{}
	var wg sync.WaitGroup

	// 20 uploaders, each for its own municipality, a new version each time.
	for u, code := range codes {
		wg.Add(1)
		go func(u int, code string) {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline) && n < 1000; n++ {
				file := reportFor(t, code, 2025, float64(100+u*10+n))
				status, body, err := postFile(svc.base, code+".xlsx", file)
				if err != nil {
					t.Errorf("upload %s: %v", code, err)
					return
				}
				mu.Lock()
				uploads[status]++
				mu.Unlock()
				if status >= 500 {
					fiveXX.Add(1)
					t.Errorf("upload %s: %d %s", code, status, body)
					continue
				}
				if status == 201 {
					var r struct {
						Submission struct{ ID string } `json:"submission"`
					}
					json.Unmarshal(body, &r)
					mu.Lock()
					accepted = append(accepted, r.Submission.ID)
					mu.Unlock()
				}
			}
		}(u, code)
	}
	// 200 readers.
	for r := 0; r < 200; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(r)))
			var mine []time.Duration
			for n := 0; time.Now().Before(deadline) && n < 100000; n++ {
				url := svc.base + readerURLs[rng.Intn(len(readerURLs))]
				start := time.Now()
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				resp, err := client.Do(req)
				if err != nil {
					readErrors.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(start))
				if resp.StatusCode >= 500 {
					fiveXX.Add(1)
					t.Errorf("GET %s: %d", url, resp.StatusCode)
				}
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(r)
	}
	wg.Wait()

	pct := percentiles(latencies)
	summary := fmt.Sprintf("load: %d s, 20 uploaders %v, %d accepted; 200 readers: %d requests (%.0f/s), p50 %v, p95 %v, p99 %v, max %v; 5xx %d, read errors %d",
		seconds, uploads, len(accepted), len(latencies), float64(len(latencies))/float64(seconds),
		pct(0.50), pct(0.95), pct(0.99), pct(1), fiveXX.Load(), readErrors.Load())
	figure(t, "%s", summary)
	if fiveXX.Load() != 0 || readErrors.Load() != 0 {
		t.Fatalf("%d responses with 5xx, %d failed reads", fiveXX.Load(), readErrors.Load())
	}
	if len(accepted) < 20 {
		t.Fatalf("only %d uploads accepted", len(accepted))
	}
	checkComplete(t, server, dbName, len(accepted))
}

// checkComplete checks that the database holds accepted submissions, each
// complete: all its values are stored.
func checkComplete(t *testing.T, server, dbName string, accepted int) {
	t.Helper()
	db, err := engines.Open(context.Background(), server, dbName)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		ID       string `ch:"id"`
		Expected uint32 `ch:"n_inventory"`
		Stored   uint64 `ch:"stored"`
	}
	if err := db.Select(context.Background(), &rows, `SELECT s.id AS id, s.n_inventory AS n_inventory, v.stored AS stored FROM (
			SELECT toString(id) AS id, n_inventory FROM submissions WHERE status = 'accepted'
		) AS s ALL LEFT JOIN (
			SELECT toString(submission_id) AS id, count() AS stored FROM inventory_values GROUP BY submission_id
		) AS v USING id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != accepted {
		t.Fatalf("%d accepted submissions stored, %d accepted answers", len(rows), accepted)
	}
	for _, r := range rows {
		if uint64(r.Expected) != r.Stored {
			t.Errorf("submission %s: %d values stored, %d reported", r.ID, r.Stored, r.Expected)
		}
	}
}

// percentiles returns the p-th percentile (0 to 1) of latencies.
func percentiles(latencies []time.Duration) func(p float64) time.Duration {
	sorted := slices.Sorted(slices.Values(latencies))
	return func(p float64) time.Duration {
		if len(sorted) == 0 {
			return 0
		}
		return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
	}
}
