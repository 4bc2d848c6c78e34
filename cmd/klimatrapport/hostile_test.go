package main

// The hostile load test: the real binary serving on chDB, alone in its
// process so that its memory can be read from /proc, takes rounds of twenty
// hostile uploads at once while /readyz is polled. Bounded in time: the
// uploads stop after hostileSeconds, and a watchdog kills the service if its
// memory passes a hard cap, so that a regression fails the test instead of
// the machine.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

const (
	hostileInFlight = 20          // uploads sent at once, per round
	hostileRounds   = 5           // rounds of hostileInFlight uploads
	hostileSeconds  = 60          // no new round starts after this
	peakRSSLimit    = 1 << 30     // what the service may reach
	rssKillCap      = 4 << 30     // the watchdog kills the service here
	readyzLimit     = time.Second // the slowest /readyz allowed
	readyzEvery     = 100 * time.Millisecond
	uploadTimeout   = 90 * time.Second // one upload's answer
)

// swedishWords are words of which a Swedish refusal holds at least one when
// it has no å, ä or ö.
var swedishWords = regexp.MustCompile(`(?i)\b(filen|inte|för|och|är|kan|får|försök|igen|fel|högst|en stund)\b`)

// readsSwedish reports whether msg reads as a Swedish message: non-empty, with
// å, ä or ö or a common Swedish word.
func readsSwedish(msg string) bool {
	return strings.TrimSpace(msg) != "" && (strings.ContainsAny(msg, "åäöÅÄÖ") || swedishWords.MatchString(msg))
}

// apiError is the error part of an API answer.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Report []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"report"`
}

// refusal says what is wrong with an answer to a hostile upload, or "" when
// it is a clear Swedish refusal: a 4xx with a JSON error whose message is
// Swedish, or 503 (busy) with the same and a Retry-After header. Nothing
// hostile may be accepted (2xx) or break the service (other 5xx).
func refusal(status int, header http.Header, body []byte) string {
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Sprintf("%d without a JSON error: %.200q", status, body)
	}
	switch {
	case status == http.StatusServiceUnavailable && header.Get("Retry-After") == "":
		return "503 without Retry-After"
	case status != http.StatusServiceUnavailable && (status < 400 || status >= 500):
		return fmt.Sprintf("%d, want a 4xx refusal or 503 with Retry-After", status)
	case !readsSwedish(e.Error.Message):
		return fmt.Sprintf("%d with a message that is not Swedish: %q", status, e.Error.Message)
	}
	return ""
}

// vmStatus reads a field of /proc/PID/status (VmHWM, VmRSS) in bytes.
func vmStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// every calls f every d until stop is closed or f returns false.
func every(d time.Duration, stop <-chan struct{}, f func() bool) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if !f() {
			return
		}
	}
}

// watchRSS polls the process's resident memory until stop is closed and
// kills it when it passes rssKillCap; it returns the largest RSS seen and
// whether it killed the process.
func watchRSS(pid int, stop <-chan struct{}) (peak *atomic.Int64, killed *atomic.Bool) {
	peak, killed = &atomic.Int64{}, &atomic.Bool{}
	go every(10*time.Millisecond, stop, func() bool {
		rss, err := vmStatus(pid, "VmRSS")
		if err != nil {
			return false
		}
		if rss > peak.Load() {
			peak.Store(rss)
		}
		if rss > rssKillCap && !killed.Swap(true) {
			syscall.Kill(pid, syscall.SIGKILL)
			return false
		}
		return true
	})
	return peak, killed
}

// pollReadyz gets /readyz every readyzEvery until stop is closed and returns
// the latencies (a failed request counts as the client's timeout).
func pollReadyz(base string, stop <-chan struct{}) func() []time.Duration {
	var mu sync.Mutex
	var lat []time.Duration
	done := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	go func() {
		defer close(done)
		every(readyzEvery, stop, func() bool {
			start := time.Now()
			resp, err := client.Get(base + "/readyz")
			d := time.Since(start)
			if err != nil {
				d = client.Timeout
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					d = max(d, client.Timeout)
				}
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
			return true
		})
	}()
	return func() []time.Duration {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(lat)
	}
}

// upload is one multipart upload, its body built once and shared.
type upload struct {
	name        string
	valid       bool // a valid workbook under a hostile name, which may be taken
	body        []byte
	contentType string
}

func newUpload(shape, fileName string, content []byte) upload {
	b, ct := testworld.UploadForm(nil, fileName, content)
	return upload{name: shape, body: b.Bytes(), contentType: ct}
}

// send posts u with token and returns the status, header and body.
func (u upload) send(client *http.Client, base, token string) (int, http.Header, []byte, error) {
	req, _ := http.NewRequest("POST", base+"/api/v1/submissions", bytes.NewReader(u.body))
	req.Header.Set("Content-Type", u.contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, b, nil
}

// officerService starts `klimatrapport serve` on a new chDB path with the
// municipality list, Lund as a member and an officer of Lund with an API
// token, all made through the command line; it returns the service and
// the token.
func officerService(t *testing.T) (*service, string) {
	t.Helper()
	dsn := "chdb://" + t.TempDir()
	for _, args := range [][]string{
		{"import", "municipalities", samples.Path(t, samples.Municipalities)},
		{"members", "add", "1281", "--joined", "2019-05-01"},
		{"accounts", "add", "--email", "anna@lund.se", "--role", "officer", "--municipality", "1281"},
	} {
		if code, out, errs := runCLI(t, append(args, "--db", dsn)...); code != 0 {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
	}
	code, out, errs := runCLI(t, "accounts", "token", "--email", "anna@lund.se", "--db", dsn)
	lines := strings.Fields(out)
	if code != 0 || len(lines) == 0 {
		t.Fatalf("accounts token: %d\n%s\n%s", code, out, errs)
	}
	return startService(t, dsn, "KLIMATRAPPORT_LOG_LEVEL=warn"), lines[len(lines)-1]
}

// hostileRun is what one load run saw.
type hostileRun struct {
	mu       sync.Mutex
	statuses map[int]int
	problems []string
	sent     int
	refused  []string // ids of the hostile files kept as rejected submissions
}

func (r *hostileRun) record(u upload, status int, header http.Header, body []byte, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent++
	r.statuses[status]++
	taken := u.valid && (status == http.StatusCreated || status == http.StatusOK)
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("%s: %v", u.name, err))
	} else if p := refusal(status, header, body); p != "" && !taken {
		r.problems = append(r.problems, fmt.Sprintf("%s: %s", u.name, p))
	}
	var res struct {
		Submission struct{ ID string } `json:"submission"`
	}
	if json.Unmarshal(body, &res) == nil && res.Submission.ID != "" && !taken && !slices.Contains(r.refused, res.Submission.ID) {
		r.refused = append(r.refused, res.Submission.ID)
	}
}

// annotated asks for the annotated copies of the refused files,
// hostileInFlight at once: a stored bomb must not pay out again. Each
// answer is below 500, or 503 with Retry-After.
func (r *hostileRun) annotated(base, token string) map[int]int {
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := &http.Client{Timeout: uploadTimeout}
	for i := range hostileInFlight {
		if len(r.refused) == 0 {
			break
		}
		id := r.refused[i%len(r.refused)]
		wg.Go(func() {
			req, _ := http.NewRequest("GET", base+"/api/v1/submissions/"+id+"/annotated.xlsx", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				r.problems = append(r.problems, fmt.Sprintf("annotated copy of %s: %v", id, err))
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[resp.StatusCode]++
			if resp.StatusCode >= 500 && (resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "") {
				r.problems = append(r.problems, fmt.Sprintf("annotated copy of %s: %d", id, resp.StatusCode))
			}
		})
	}
	wg.Wait()
	return statuses
}

// rounds sends rounds of hostileInFlight uploads at once, each round
// started when the last has been answered, until hostileRounds are done or
// hostileSeconds have passed.
func (r *hostileRun) rounds(t *testing.T, base, token string, files []upload, alive func() bool) time.Duration {
	client := &http.Client{Timeout: uploadTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: hostileInFlight}}
	start := time.Now()
	for round := 0; round < hostileRounds && time.Since(start) < hostileSeconds*time.Second && alive(); round++ {
		var wg sync.WaitGroup
		for i := range hostileInFlight {
			u := files[(round*hostileInFlight+i)%len(files)]
			wg.Go(func() {
				status, header, body, err := u.send(client, base, token)
				r.record(u, status, header, body, err)
			})
		}
		wg.Wait()
		t.Logf("round %d done after %v", round+1, time.Since(start).Round(time.Millisecond))
	}
	return time.Since(start)
}

// TestHostileUploadsUnderLoad: rounds of twenty hostile uploads at once to
// the real binary on chDB, then twenty requests at once for the refused
// files' annotated copies. The service stays under 1 GiB resident, answers
// each upload with a clear Swedish refusal, keeps /readyz under a second
// and then takes a valid workbook.
func TestHostileUploadsUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile load test starts the binary and sends a hundred uploads")
	}
	var files []upload
	for _, h := range workbooktest.HostileFiles() {
		u := newUpload(h.Name, h.File, h.Content)
		u.valid = h.Problem == ""
		if len(h.Content) > 20<<20 {
			t.Fatalf("%s: %d bytes, over the upload limit: the test would measure the body limit only", h.Name, len(h.Content))
		}
		files = append(files, u)
	}
	svc, token := officerService(t)
	pid := svc.cmd.Process.Pid
	baseRSS, _ := vmStatus(pid, "VmRSS")
	alive := func() bool { return syscall.Kill(pid, 0) == nil && len(svc.done) == 0 }

	stop := make(chan struct{})
	peak, killed := watchRSS(pid, stop)
	readyz := pollReadyz(svc.base, stop)
	run := &hostileRun{statuses: map[int]int{}}
	took := run.rounds(t, svc.base, token, files, alive)
	annotated := run.annotated(svc.base, token)
	hwm, hwmErr := vmStatus(pid, "VmHWM")
	if killed.Load() {
		hwm, hwmErr = peak.Load(), nil // the kernel's figure went with the process
	}
	close(stop)
	lat := readyz()

	pct := percentiles(lat)
	figure(t, "hostile uploads: %d shapes, %d sent (%d at once) in %v, %.1f uploads/s, statuses %v; annotated copies of refused files %v; service RSS %d MiB before, peak %d MiB (VmHWM %d MiB); /readyz %d polls, p50 %d ms, max %d ms",
		len(files), run.sent, hostileInFlight, took.Round(time.Millisecond), float64(run.sent)/took.Seconds(), run.statuses, annotated,
		baseRSS>>20, peak.Load()>>20, hwm>>20, len(lat), pct(0.5).Milliseconds(), pct(1).Milliseconds())
	if killed.Load() {
		t.Fatalf("the service passed %d MiB resident and was killed", rssKillCap>>20)
	}
	if hwmErr != nil {
		t.Fatalf("the service's peak memory: %v\n%s", hwmErr, svc.logs)
	}
	if hwm >= peakRSSLimit {
		t.Errorf("peak RSS %d MiB, want under %d MiB", hwm>>20, peakRSSLimit>>20)
	}
	for _, p := range run.problems {
		t.Errorf("hostile upload %s", p)
	}
	if pct(1) >= readyzLimit {
		t.Errorf("/readyz took up to %v during the uploads, want under %v", pct(1), readyzLimit)
	}
	if !alive() {
		t.Fatalf("the service died\n%s", svc.logs)
	}
	checkValidUpload(t, svc.base, token)
}

// checkValidUpload uploads a valid workbook for Lund, waiting as long as
// Retry-After asks while the service is still busy, and wants it accepted.
func checkValidUpload(t *testing.T, base, token string) {
	t.Helper()
	good := newUpload("valid workbook", "lund-2025.xlsx", reportFor(t, "1281", 2025, 100))
	client := &http.Client{Timeout: uploadTimeout}
	for try := 0; ; try++ {
		status, header, body, err := good.send(client, base, token)
		if err != nil {
			t.Fatalf("the valid upload after the hostile ones: %v", err)
		}
		wait, _ := strconv.Atoi(header.Get("Retry-After"))
		if status == http.StatusServiceUnavailable && wait > 0 && try < 5 {
			time.Sleep(time.Duration(wait) * time.Second)
			continue
		}
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("the valid upload after the hostile ones: %d %.500s", status, body)
		}
		return
	}
}
