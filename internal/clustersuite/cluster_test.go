package clustersuite

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/clickhouse"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// The cluster's name in scripts/cluster.sh and deploy/cluster.
const clusterName = "klimatrapport"

var ctx = context.Background()

var officer = kr.Actor{ID: "a1", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}

// cluster is one test's database on the cluster: handles through the DSN
// naming both replicas (one per service instance) and one per replica.
type cluster struct {
	name     string
	both     string
	replicas [2]storage.DB
}

// newCluster opens a fresh database on the cluster, dropped on every
// replica when the test ends.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	dsns := strings.Fields(os.Getenv("KLIMATRAPPORT_TEST_CLUSTER"))
	if len(dsns) != 3 {
		if os.Getenv("KLIMATRAPPORT_TEST_REQUIRE_CLUSTER") == "1" {
			t.Fatal("KLIMATRAPPORT_TEST_CLUSTER is not \"BOTH R1 R2\" but KLIMATRAPPORT_TEST_REQUIRE_CLUSTER=1: the cluster suite is required")
		}
		t.Skip("no cluster: set KLIMATRAPPORT_TEST_CLUSTER to \"BOTH R1 R2\" DSNs (make test-cluster)")
	}
	c := &cluster{name: storagetest.NewDatabaseName(), both: dsns[0]}
	for i := range c.replicas {
		c.replicas[i] = open(t, dsns[i+1], c.name)
	}
	t.Cleanup(func() {
		_ = c.replicas[0].Exec(context.Background(), "DROP DATABASE IF EXISTS "+c.name+" ON CLUSTER "+clusterName)
	})
	return c
}

func open(t *testing.T, dsn, name string) storage.DB {
	t.Helper()
	db, err := clickhouse.Open(ctx, dsn, name, clickhouse.DefaultPool())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// instance is a handle as one service instance has it: the DSN naming both
// replicas.
func (c *cluster) instance(t *testing.T) storage.DB { return open(t, c.both, c.name) }

func (c *cluster) migrate(t *testing.T, db storage.DB) {
	t.Helper()
	if _, err := schema.MigrateWith(ctx, db, schema.Options{Cluster: clusterName}); err != nil {
		t.Fatal(err)
	}
}

// figure prints a line of the suite's figures and appends it to
// $KLIMATRAPPORT_ARTIFACTS/figures.txt when that is set.
func figure(t *testing.T, format string, args ...any) {
	line := fmt.Sprintf("cluster: "+format, args...)
	fmt.Println(line)
	if dir := os.Getenv("KLIMATRAPPORT_ARTIFACTS"); dir != "" {
		f, err := os.OpenFile(filepath.Join(dir, "figures.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		fmt.Fprintln(f, line)
	}
}

type tableRow struct {
	Name   string `ch:"name"`
	Engine string `ch:"engine"`
}

// Migrations from two instances at once, then once more, create every
// table replicated on both replicas.
func TestClusterMigrate(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(t), c.instance(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, db := range []storage.DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = schema.MigrateWith(ctx, db, schema.Options{Cluster: clusterName})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("migrations from two instances at once: %v", err)
		}
	}
	c.migrate(t, a)
	for i, r := range c.replicas {
		var tables []tableRow
		if err := r.Select(ctx, &tables, "SELECT name, engine FROM system.tables WHERE database = ? ORDER BY name", c.name); err != nil {
			t.Fatal(err)
		}
		var replicated []struct {
			Table string `ch:"table"`
		}
		if err := r.Select(ctx, &replicated, "SELECT table FROM system.replicas WHERE database = ?", c.name); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, tb := range tables {
			if strings.HasSuffix(tb.Engine, "MergeTree") {
				n++
				if !strings.HasPrefix(tb.Engine, "Replicated") {
					t.Errorf("replica %d: table %s is %s, not replicated", i+1, tb.Name, tb.Engine)
				}
			}
		}
		if n == 0 || len(replicated) != n {
			t.Errorf("replica %d: %d MergeTree tables, %d in system.replicas", i+1, n, len(replicated))
		}
		figure(t, "replica r%d: %d tables, %d replicated", i+1, len(tables), len(replicated))
	}
}

// Two instances, each with a DSN naming both replicas, take uploads and
// serve pages; the same file sent to both at the same moment makes one
// submission; the janitor on a replica that has not fetched the
// submissions row deletes nothing; afterwards both replicas hold the same
// rows.
func TestClusterTwoInstances(t *testing.T) {
	c := newCluster(t)
	dbs := []storage.DB{c.instance(t), c.instance(t)}
	c.migrate(t, dbs[0])
	worlds := []*testworld.World{testworld.Over(t, dbs[0], testworld.Options{}), testworld.Over(t, dbs[1], testworld.Options{})}

	content := testworld.Workbook(t, testworld.MemberReport("1281", 2025))
	const sends = 6
	ids := make([]string, sends)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := worlds[i%2].Submissions.Submit(ctx, officer, submissions.Upload{FileName: "lund.xlsx", Content: content})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = res.Submission.ID
		}()
	}
	wg.Wait()
	distinct := map[string]bool{}
	for _, id := range ids {
		distinct[id] = true
	}
	if len(distinct) != 1 {
		t.Errorf("the same file sent %d times to two instances made %d submissions", sends, len(distinct))
	}
	figure(t, "same file to two instances at once: %d sends, %d submissions, duplicates %d", sends, len(distinct), len(distinct)-1)

	for i, w := range worlds {
		ts := w.Serve(t, "")
		if r := testworld.Get(t, ts.URL+"/"); r.Status != http.StatusOK {
			t.Errorf("instance %d: / answered %d", i+1, r.Status)
		}
	}

	c.janitorOnLaggingReplica(t, worlds[0])
	c.replicasEqual(t)
}

// janitorOnLaggingReplica uploads while the second replica fetches no
// submissions rows, then runs the janitor on that replica: it must not
// take the accepted upload's data rows for an interrupted upload's.
func (c *cluster) janitorOnLaggingReplica(t *testing.T, w *testworld.World) {
	t.Helper()
	lagging := c.replicas[1]
	if err := lagging.Exec(ctx, "SYSTEM STOP FETCHES "+c.name+".submissions"); err != nil {
		t.Fatal(err)
	}
	res, err := w.Submissions.Submit(ctx, officer, submissions.Upload{FileName: "lund-2024.xlsx",
		Content: testworld.Workbook(t, testworld.MemberReport("1281", 2024))})
	if err != nil || !res.Accepted() {
		t.Fatalf("upload: %v %v", err, res.Submission.Items)
	}
	values := func() uint64 {
		var n []struct {
			N uint64 `ch:"n"`
		}
		if err := lagging.Select(ctx, &n, "SELECT count() AS n FROM inventory_values WHERE toString(submission_id) = ?", res.Submission.ID); err != nil {
			t.Fatal(err)
		}
		return n[0].N
	}
	for deadline := time.Now().Add(20 * time.Second); values() == 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	before := values()
	janitor := testworld.Over(t, lagging, testworld.Options{}).Submissions
	janitor.Now = func() time.Time { return time.Now().Add(time.Hour) }
	n, err := janitor.Cleanup(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := lagging.Exec(ctx, "SYSTEM START FETCHES "+c.name+".submissions"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // a mutation, if any, reaches the replicas
	after := values()
	if n != 0 || after != before || before == 0 {
		t.Errorf("janitor on a lagging replica cleaned %d submissions; the accepted upload's values %d before, %d after", n, before, after)
	}
	figure(t, "janitor on a lagging replica: cleaned %d, accepted rows lost %d of %d", n, before-after, before)
}

type tableSum struct {
	Rows uint64 `ch:"rows"`
	Sum  uint64 `ch:"sum"`
}

// replicasEqual waits until both replicas hold the same rows: count and
// sum(cityHash64(*)) per table.
func (c *cluster) replicasEqual(t *testing.T) {
	t.Helper()
	var tables []tableRow
	if err := c.replicas[0].Select(ctx, &tables, "SELECT name, engine FROM system.tables WHERE database = ? AND engine LIKE 'Replicated%' ORDER BY name", c.name); err != nil {
		t.Fatal(err)
	}
	var rows uint64
	var unequal []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		rows, unequal = 0, nil
		for _, tb := range tables {
			var s [2][]tableSum
			sum := c.checksum(t, tb.Name)
			for i, r := range c.replicas {
				// tb.Name is a table name read from system.tables.
				if err := r.Select(ctx, &s[i], "SELECT count() AS rows, "+sum+" AS sum FROM "+tb.Name); err != nil {
					t.Fatal(err)
				}
			}
			rows += s[0][0].Rows
			if s[0][0] != s[1][0] {
				unequal = append(unequal, fmt.Sprintf("%s (%d/%d rows)", tb.Name, s[0][0].Rows, s[1][0].Rows))
			}
		}
		if len(unequal) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(unequal) > 0 {
		t.Errorf("replicas differ: %s", strings.Join(unequal, ", "))
		figure(t, "replicas equal: no (%d tables differ of %d)", len(unequal), len(tables))
		return
	}
	figure(t, "replicas equal: yes (%d tables, %d rows each)", len(tables), rows)
}

// checksum is the expression summing a hash of every row of table:
// sum(cityHash64(*)), except that 18.16 hashes no UUID and a NULL would
// drop its row from the sum, so those columns are hashed as text.
func (c *cluster) checksum(t *testing.T, table string) string {
	t.Helper()
	var cols []struct {
		Name string `ch:"name"`
		Type string `ch:"type"`
	}
	if err := c.replicas[0].Select(ctx, &cols, "SELECT name, type FROM system.columns WHERE database = ? AND table = ?", c.name, table); err != nil {
		t.Fatal(err)
	}
	args := make([]string, len(cols))
	for i, col := range cols {
		// Column names read from system.columns, quoted.
		args[i] = "`" + col.Name + "`"
		switch {
		case strings.HasPrefix(col.Type, "Nullable"):
			args[i] = "isNull(" + args[i] + "), ifNull(toString(" + args[i] + "), '')"
		case strings.Contains(col.Type, "UUID"):
			args[i] = "toString(" + args[i] + ")"
		}
	}
	return "sum(cityHash64(" + strings.Join(args, ", ") + "))"
}
