package clustersuite

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

const token = "cluster-officer-token-0123"

// A stream of uploads to an instance while the replica it writes to is
// SIGKILLed and, later, started again on its data: every upload is
// answered 201 or a clear 503, nothing answered 201 is lost, nothing is
// doubled, and the replicas end equal. The cluster's directory comes from
// KLIMATRAPPORT_TEST_CLUSTER_DIR (make test-cluster sets it).
func TestClusterReplicaKilled(t *testing.T) {
	c := newCluster(t)
	dir := os.Getenv("KLIMATRAPPORT_TEST_CLUSTER_DIR")
	if dir == "" {
		t.Skip("KLIMATRAPPORT_TEST_CLUSTER_DIR is not set: no replica to kill")
	}
	db := c.instance(t)
	c.migrate(t, db)
	ts := testworld.Over(t, db, testworld.Options{}).Serve(t, token+":officer:1281")

	const uploads, killAt, backAt = 16, 4, 10
	var mu sync.Mutex
	accepted := map[string]bool{}
	var refused, answered int
	next := make(chan int)
	var wg sync.WaitGroup
	for range 2 { // two uploads in flight, so the kill lands in the middle of one
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				id, status := upload(t, ts.URL, 2009+i)
				mu.Lock()
				switch status {
				case http.StatusCreated:
					accepted[id] = true
				case http.StatusServiceUnavailable:
					refused++
				}
				answered++
				mu.Unlock()
			}
		}()
	}
	for i := range uploads {
		switch i {
		case killAt:
			kill(t, dir+"/r1/pid")
		case backAt:
			if out, err := exec.Command("../../scripts/cluster.sh", "start", dir).CombinedOutput(); err != nil {
				t.Fatalf("restarting the replica: %v\n%s", err, out)
			}
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if answered != uploads {
		t.Errorf("%d of %d uploads answered", answered, uploads)
	}
	c.replicasEqual(t)
	var lost int
	for i, r := range c.replicas {
		var rows []struct {
			ID string `ch:"id"`
			N  uint64 `ch:"n"`
		}
		if err := r.Select(ctx, &rows, "SELECT toString(id) AS id, count() AS n FROM submissions GROUP BY id"); err != nil {
			t.Fatal(err)
		}
		have, doubled := map[string]bool{}, 0
		for _, row := range rows {
			have[row.ID] = true
			if row.N > 1 {
				doubled++
			}
		}
		missing := 0
		for id := range accepted {
			if !have[id] {
				missing++
			}
		}
		lost = max(lost, missing)
		if missing > 0 || doubled > 0 {
			t.Errorf("replica r%d: %d accepted submissions missing, %d doubled", i+1, missing, doubled)
		}
		figure(t, "replica r%d killed mid-stream: %d uploads, %d answered 201, %d answered 503; on r%d: lost %d, duplicates %d",
			1, uploads, len(accepted), refused, i+1, missing, doubled)
	}
	if len(accepted) == 0 {
		t.Error("no upload was accepted")
	}
}

// kill SIGKILLs the process whose pid is in file and waits until it is gone.
func kill(t *testing.T, file string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(pid, 0) == nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
}

// upload sends the report of year ry for Lund and returns the submission's
// id on 201; any answer but 201 or a clear 503 is an error.
func upload(t *testing.T, base string, ry int) (string, int) {
	content := testworld.Workbook(t, testworld.MemberReport("1281", ry))
	body, ct := testworld.UploadForm(nil, fmt.Sprintf("lund-%d.xlsx", ry), content)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/submissions", body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("upload %d: %v", ry, err)
		return "", 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	switch resp.StatusCode {
	case http.StatusCreated:
		var created struct {
			Submission struct {
				ID string `json:"id"`
			} `json:"submission"`
		}
		if err := json.Unmarshal(b, &created); err != nil || created.Submission.ID == "" {
			t.Errorf("upload %d: 201 without a submission: %s", ry, b)
		}
		return created.Submission.ID, resp.StatusCode
	case http.StatusServiceUnavailable:
		if !strings.Contains(string(b), "Försök igen") {
			t.Errorf("upload %d: 503 without a clear message: %s", ry, b)
		}
	default:
		t.Errorf("upload %d: answered %d, want 201 or 503: %s", ry, resp.StatusCode, b)
	}
	return "", resp.StatusCode
}
