package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// buildBinary builds the command once per test binary.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "klimatrapport-bin-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "klimatrapport")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// dsnFor is the DSN of database name on the server of dsn.
func dsnFor(dsn, name string) string {
	return dsn[:strings.LastIndex(dsn, "/")+1] + name
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// service is a running `klimatrapport serve`.
type service struct {
	cmd  *exec.Cmd
	base string
	logs *logBuffer
	done chan error
}

// logBuffer is a service's log, copied in as it runs and read by tests
// meanwhile (waiting for a line) and after.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitForLog waits (at most 90 s) until one of ss has logged a line
// containing want, and returns that service.
func waitForLog(t *testing.T, want string, ss ...*service) *service {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, s := range ss {
			if strings.Contains(s.logs.String(), want) {
				return s
			}
		}
	}
	t.Fatalf("no log line with %q within 90 s:\n%s", want, ss[0].logs)
	return nil
}

func startService(t *testing.T, dsn string, extraEnv ...string) *service {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(binPath, "serve", "--addr", addr, "--db", dsn)
	// The bundled reference data only where a test asks for it (reference_test.go).
	cmd.Env = append(append(os.Environ(), "KLIMATRAPPORT_NO_REFERENCE_DATA=true"), extraEnv...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &service{cmd: cmd, base: "http://" + addr, logs: &logBuffer{}, done: make(chan error, 1)}
	copied := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logs.WriteString(sc.Text() + "\n")
		}
		close(copied)
	}()
	go func() { <-copied; s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("service exited: %v\n%s", err, s.logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("service did not start\n%s", s.logs)
	return nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	r := testworld.Get(t, url)
	return r.Status, string(r.Body)
}

func checkShell(t *testing.T, s *service, engine string) {
	if code, body := get(t, s.base+"/readyz"); code != 200 || !strings.Contains(body, engine) {
		t.Fatalf("/readyz: %d %s", code, body)
	}
	req, _ := http.NewRequest("GET", s.base+"/healthz", nil)
	req.Header.Set("X-Request-ID", "test-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Request-ID") != "test-123" {
		t.Errorf("request id not echoed: %q", resp.Header.Get("X-Request-ID"))
	}
	if code, body := get(t, s.base+"/finns-inte"); code != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("unknown path: %d %s", code, body)
	}
	code, body := get(t, s.base+"/metrics")
	if code != 200 || !strings.Contains(body, `klimatrapport_http_requests_total{method="GET",route="/readyz",status="200"} 1`) ||
		!strings.Contains(body, "klimatrapport_http_request_duration_seconds_bucket") {
		t.Errorf("/metrics lacks request counts and latencies:\n%s", body)
	}
	// Graceful shutdown on SIGTERM, even with libchdb loaded in the process.
	s.stop(t)
	if !strings.Contains(s.logs.String(), "shutting down") {
		t.Errorf("no graceful shutdown in the log:\n%s", s.logs)
	}
}

func TestServeEmbedded(t *testing.T) {
	dir := t.TempDir()
	checkShell(t, startService(t, "chdb://"+dir), "chdb")
	// The data path holds the migrated schema across restarts.
	s := startService(t, "chdb://"+dir)
	if !strings.Contains(s.logs.String(), "applied=0") {
		t.Errorf("restart re-applied migrations:\n%s", s.logs)
	}
}

func TestServeServer(t *testing.T) {
	dsn := storagetest.ServerDSN(t)
	dsn = dsnFor(dsn, storagetest.NewDatabaseName())
	checkShell(t, startService(t, dsn), "clickhouse")
}

// A machine without libchdb still serves against a ClickHouse server: the
// library is loaded only when chdb:// is opened.
func TestServeServerWithoutLibchdb(t *testing.T) {
	dsn := storagetest.ServerDSN(t)
	dsn = dsnFor(dsn, storagetest.NewDatabaseName())
	s := startService(t, dsn, "KLIMATRAPPORT_CHDB_LIB=/nonexistent/libchdb.so", "LD_LIBRARY_PATH=/nonexistent", "XDG_CACHE_HOME=/nonexistent")
	if code, _ := get(t, s.base+"/readyz"); code != 200 {
		t.Fatalf("/readyz without libchdb: %d\n%s", code, s.logs)
	}
}

func TestUsage(t *testing.T) {
	var out, errOut strings.Builder
	e := &env{stdout: &out, stderr: &errOut}
	if code := run(context.Background(), []string{"nonsense"}, e); code != exitUsage {
		t.Errorf("unknown command: exit %d, want %d", code, exitUsage)
	}
	if code := run(context.Background(), []string{"help"}, e); code != exitOK || !strings.Contains(out.String(), "serve") {
		t.Errorf("help: exit %d, output %q", code, out.String())
	}
	if code := run(context.Background(), []string{"serve", "--no-such-flag"}, e); code != exitUsage {
		t.Errorf("bad flag: exit %d, want %d", code, exitUsage)
	}
}
