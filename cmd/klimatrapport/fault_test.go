package main

// Fault tests: the service against a ClickHouse server that the
// test starts, stops and starts again, and a service killed mid-upload.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

const faultToken = "fault-admin-token-0123456789"

// chServer is a ClickHouse server of the test's own.
type chServer struct {
	dir, dsn string
}

func startClickHouse(t *testing.T) *chServer {
	t.Helper()
	if _, err := exec.LookPath("clickhouse-server"); err != nil {
		if _, err := os.Stat("/usr/sbin/clickhouse-server"); err != nil {
			if os.Getenv(storagetest.RequireServerEnv) == "1" {
				t.Fatal("clickhouse-server is required for the fault tests")
			}
			t.Skip("no clickhouse-server installed")
		}
	}
	s := &chServer{dir: filepath.Join(t.TempDir(), "clickhouse")}
	s.start(t)
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *chServer) start(t *testing.T) {
	t.Helper()
	out, err := exec.Command("../../scripts/clickhouse-server.sh", s.dir).Output()
	if err != nil {
		t.Fatalf("start clickhouse-server: %v", err)
	}
	s.dsn = strings.TrimSpace(string(out))
}

// stop kills the server and waits until it is gone.
func (s *chServer) stop(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(s.dir, "pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 200 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// database is the service's database on the server, for checks.
func (s *chServer) database(t *testing.T, name string) storage.DB {
	t.Helper()
	db, err := engines.Open(context.Background(), s.dsn, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func postFile(base, name string, content []byte) (int, []byte, error) {
	body, contentType := testworld.UploadForm(nil, name, content)
	req, _ := http.NewRequest("POST", base+"/api/v1/submissions", body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+faultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, nil
}

func smallReport(t *testing.T, year int, scale float64) []byte {
	return reportFor(t, "1281", year, scale)
}

// reportFor is a valid workbook for code with nine sector values.
func reportFor(t *testing.T, code string, year int, scale float64) []byte {
	t.Helper()
	rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: year}}
	for i, s := range kr.MainSectors() {
		v := scale * float64(i+1)
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: year - 2, Sector: s, Tonnes: &v})
	}
	var b bytes.Buffer
	if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: code, Year: year, Prefill: rep}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func count(t *testing.T, db storage.DB, sql string) uint64 {
	t.Helper()
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(context.Background(), &n, sql); err != nil {
		t.Fatal(err)
	}
	return n[0].N
}

const visibleValues = "SELECT count() AS n FROM inventory_values WHERE toString(submission_id) IN (SELECT toString(id) FROM submissions WHERE status = 'accepted')"

var bigFile = sync.OnceValues(func() ([]byte, int) { return workbooktest.LongFile() })

func waitReady(t *testing.T, base string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if code, _ := get(t, base+"/readyz"); code == 200 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("not ready within %v", within)
}

// TestFaultServerStopsDuringUpload: the ClickHouse server dies while a large
// upload is being written. The upload fails with a Swedish 503, nothing of
// it is visible, and once the server is back the service works again
// without a restart.
func TestFaultServerStopsDuringUpload(t *testing.T) {
	ch := startClickHouse(t)
	dbName := storagetest.NewDatabaseName()
	dsn := dsnFor(ch.dsn, dbName)
	svc := startService(t, dsn, "KLIMATRAPPORT_API_TOKENS="+faultToken+":admin", "KLIMATRAPPORT_MAX_UPLOAD_MB=200", "KLIMATRAPPORT_MAX_UNPACKED_MB=400")
	if code, body, err := postFile(svc.base, "2025.xlsx", smallReport(t, 2025, 100)); err != nil || code != 201 {
		t.Fatalf("first upload: %d %s %v", code, body, err)
	}
	big, _ := bigFile()
	type result struct {
		code int
		body []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, body, err := postFile(svc.base, "stor.xlsx", big)
		done <- result{code, body, err}
	}()
	time.Sleep(2 * time.Second) // well into parsing and writing (a million rows take ~10 s)
	ch.stop(t)
	var r result
	select {
	case r = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("the upload did not end after the server died")
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	if r.err != nil || r.code != http.StatusServiceUnavailable || e.Error.Code != "unavailable" || !strings.Contains(e.Error.Message, "Databasen") {
		t.Fatalf("upload while the server died: %d %s %v; want 503 with a Swedish message", r.code, r.body, r.err)
	}
	if code, _ := get(t, svc.base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the server down: %d, want 503", code)
	}
	ch.start(t)
	back := time.Now()
	waitReady(t, svc.base, time.Minute)
	figure(t, "server killed mid-upload: 503 %q; ready again %v after the server restarted, without restarting the service",
		e.Error.Message, time.Since(back).Round(10*time.Millisecond))
	code, body, err := postFile(svc.base, "2026.xlsx", smallReport(t, 2026, 200))
	if err != nil || code != 201 {
		t.Fatalf("upload after the server came back: %d %s %v", code, body, err)
	}
	db := ch.database(t, dbName)
	if n := count(t, db, visibleValues); n != 18 {
		t.Fatalf("%d values visible, want the 18 of the two good uploads", n)
	}
	if n := count(t, db, "SELECT count() AS n FROM submissions WHERE status = 'accepted'"); n != 2 {
		t.Fatalf("%d accepted submissions, want 2", n)
	}
}

// TestFaultServiceKilledDuringIngest: the service gets SIGKILL in the middle
// of writing a large upload. After a restart nothing of it is visible, and
// the janitor removes what it had written.
func TestFaultServiceKilledDuringIngest(t *testing.T) {
	ch := startClickHouse(t)
	dbName := storagetest.NewDatabaseName()
	dsn := dsnFor(ch.dsn, dbName)
	env := []string{"KLIMATRAPPORT_API_TOKENS=" + faultToken + ":admin", "KLIMATRAPPORT_MAX_UPLOAD_MB=200", "KLIMATRAPPORT_MAX_UNPACKED_MB=400", "KLIMATRAPPORT_CLEANUP_AFTER=2s"}
	svc := startService(t, dsn, env...)
	if code, body, err := postFile(svc.base, "2025.xlsx", smallReport(t, 2025, 100)); err != nil || code != 201 {
		t.Fatalf("first upload: %d %s %v", code, body, err)
	}
	db := ch.database(t, dbName)
	big, _ := bigFile()
	go postFile(svc.base, "stor.xlsx", big)
	// Wait until some of the upload is in the database, then kill.
	deadline := time.Now().Add(2 * time.Minute)
	for count(t, db, "SELECT count() AS n FROM inventory_values") <= 9 {
		if time.Now().After(deadline) {
			t.Fatal("the large upload never reached the database")
		}
		time.Sleep(100 * time.Millisecond)
	}
	svc.cmd.Process.Signal(syscall.SIGKILL)
	<-svc.done
	written := count(t, db, "SELECT count() AS n FROM inventory_values")
	if n := count(t, db, visibleValues); n != 9 {
		t.Fatalf("%d values visible after the kill, want the first upload's 9 (%d written)", n, written)
	}
	svc = startService(t, dsn, env...)
	waitReady(t, svc.base, time.Minute)
	deadline = time.Now().Add(2 * time.Minute)
	for count(t, db, "SELECT count() AS n FROM inventory_values") != 9 {
		if time.Now().After(deadline) {
			t.Fatalf("leftovers not removed: %d rows, want 9\n%s", count(t, db, "SELECT count() AS n FROM inventory_values"), svc.logs)
		}
		time.Sleep(500 * time.Millisecond)
	}
	figure(t, "%d rows of the killed upload were written before SIGKILL; none visible; removed after the restart", written-9)
	if code, body, err := postFile(svc.base, "2026.xlsx", smallReport(t, 2026, 200)); err != nil || code != 201 {
		t.Fatalf("upload after the restart: %d %s %v", code, body, err)
	}
}

// TestFaultSameUploadAtOnce: the same file sent several times at the same
// moment makes one submission.
func TestFaultSameUploadAtOnce(t *testing.T) {
	ch := startClickHouse(t)
	dbName := storagetest.NewDatabaseName()
	svc := startService(t, dsnFor(ch.dsn, dbName), "KLIMATRAPPORT_API_TOKENS="+faultToken+":admin")
	file := smallReport(t, 2025, 100)
	var wg sync.WaitGroup
	ids := make([]string, 6)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			code, body, err := postFile(svc.base, "same.xlsx", file)
			var r struct {
				Submission struct{ ID string } `json:"submission"`
			}
			json.Unmarshal(body, &r)
			if err != nil || (code != 201 && code != 200) {
				t.Errorf("upload %d: %d %s %v", i, code, body, err)
			}
			ids[i] = r.Submission.ID
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("the same file at once made several submissions: %v", ids)
		}
	}
	if n := count(t, ch.database(t, dbName), "SELECT count() AS n FROM submissions"); n != 1 {
		t.Fatalf("%d submissions, want 1", n)
	}
}
