package schema

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// TestOnClusterMigrations rewrites the real migrations: every CREATE TABLE
// gets ON CLUSTER right after its name and a Replicated engine, and taking
// those two changes out gives back the statement exactly.
func TestOnClusterMigrations(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{migrationsTable}
	for _, m := range ms {
		stmts = append(stmts, m.Statements...)
	}
	createRe := regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+([a-z_0-9]+)`)
	tables := 0
	for _, stmt := range stmts {
		got, err := OnCluster(stmt, "klimatrapport")
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		m := createRe.FindStringSubmatch(stmt)
		if m == nil {
			t.Errorf("not a CREATE TABLE IF NOT EXISTS; extend this test for it: %s", head(stmt))
			continue
		}
		tables++
		name := m[1]
		if want := m[0] + " ON CLUSTER klimatrapport "; !strings.HasPrefix(got, want) {
			t.Errorf("%s: want prefix %q, got %q", name, want, head(got))
		}
		const rep = "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')"
		if strings.Count(got, rep) != 1 || strings.Contains(got, "ENGINE = MergeTree") {
			t.Errorf("%s: engine not replicated:\n%s", name, got)
		}
		back := strings.Replace(got, " ON CLUSTER klimatrapport", "", 1)
		back = strings.Replace(back, rep, "ENGINE = MergeTree()", 1)
		if back != stmt {
			t.Errorf("%s: the rewrite changed more than ON CLUSTER and the engine:\n%s\n---\n%s", name, stmt, got)
		}
	}
	if tables < 10 {
		t.Errorf("only %d CREATE TABLE statements found", tables)
	}
}

func TestOnClusterStatements(t *testing.T) {
	cases := []struct{ in, want string }{
		{"CREATE DATABASE IF NOT EXISTS klimatrapport", "CREATE DATABASE IF NOT EXISTS klimatrapport ON CLUSTER c"},
		{"CREATE TABLE t (v UInt64, x String) ENGINE = ReplacingMergeTree(v) ORDER BY x",
			"CREATE TABLE t ON CLUSTER c (v UInt64, x String) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', v) ORDER BY x"},
		{"create table if not exists db.`t-1` (x String) engine=MergeTree order by x",
			"create table if not exists db.`t-1` ON CLUSTER c (x String) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}') order by x"},
		{"ALTER TABLE goals ADD COLUMN IF NOT EXISTS note String", "ALTER TABLE goals ON CLUSTER c ADD COLUMN IF NOT EXISTS note String"},
		{"DROP TABLE IF EXISTS old", "DROP TABLE IF EXISTS old ON CLUSTER c"},
		{"TRUNCATE TABLE IF EXISTS old", "TRUNCATE TABLE IF EXISTS old ON CLUSTER c"},
		{"CREATE VIEW IF NOT EXISTS v AS SELECT 1", "CREATE VIEW IF NOT EXISTS v ON CLUSTER c AS SELECT 1"},
		{"INSERT INTO counties (code) SELECT code FROM municipalities", "INSERT INTO counties (code) SELECT code FROM municipalities"},
	}
	for _, c := range cases {
		got, err := OnCluster(c.in, "c")
		if err != nil || got != c.want {
			t.Errorf("OnCluster(%q):\n got %q, %v\nwant %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{
		"CREATE TABLE t (x String) ENGINE = Memory",
		"CREATE TABLE t (x String) ENGINE = ReplicatedMergeTree('/p', 'r') ORDER BY x",
		"CREATE TABLE t ON CLUSTER other (x String) ENGINE = MergeTree() ORDER BY x",
		"CREATE MATERIALIZED VIEW v ENGINE = MergeTree() ORDER BY x AS SELECT x FROM t",
		"RENAME TABLE a TO b",
		"OPTIMIZE TABLE t",
	} {
		if got, err := OnCluster(bad, "c"); err == nil {
			t.Errorf("OnCluster(%q) = %q, want an error", bad, got)
		}
	}
	if _, err := OnCluster("CREATE DATABASE x", "c; DROP"); err == nil {
		t.Error("a bad cluster name was accepted")
	}
}

// recorder is a storage.DB that records statements.
type recorder struct {
	storage.DB
	engine string
	stmts  []string
}

func (r *recorder) Exec(_ context.Context, q string, _ ...any) error {
	r.stmts = append(r.stmts, q)
	return nil
}
func (r *recorder) Select(context.Context, any, string, ...any) error { return nil }
func (r *recorder) Insert(context.Context, string, any) error         { return nil }
func (r *recorder) Database() string                                  { return "klimatrapport" }
func (r *recorder) Engine() string                                    { return r.engine }

func TestMigrateWithCluster(t *testing.T) {
	ctx := context.Background()
	r := &recorder{engine: "clickhouse"}
	n, err := MigrateWith(ctx, r, Options{Cluster: "kk"})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := Migrations()
	if n != len(ms) {
		t.Errorf("applied %d, want %d", n, len(ms))
	}
	if r.stmts[0] != "CREATE DATABASE IF NOT EXISTS klimatrapport ON CLUSTER kk" {
		t.Errorf("first statement %q", r.stmts[0])
	}
	for _, s := range r.stmts[1:] {
		if !strings.Contains(s, " ON CLUSTER kk ") || !strings.Contains(s, "ENGINE = ReplicatedMergeTree(") {
			t.Errorf("not rewritten: %s", head(s))
		}
	}
	// Without a cluster nothing changes.
	plain := &recorder{engine: "clickhouse"}
	if _, err := MigrateWith(ctx, plain, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range plain.stmts {
		if strings.Contains(s, "CLUSTER") || strings.Contains(s, "Replicated") {
			t.Errorf("rewritten without a cluster: %s", head(s))
		}
	}
	if _, err := MigrateWith(ctx, &recorder{engine: "chdb"}, Options{Cluster: "kk"}); err == nil {
		t.Error("chdb with a cluster was accepted")
	}
}

// TestClusterDeployment checks what can be checked of
// docker-compose.cluster.yml without Docker: its XML files parse, both
// replicas have macros, and the cluster the service is told to use is the
// one remote_servers defines.
func TestClusterDeployment(t *testing.T) {
	compose, err := os.ReadFile("../docker-compose.cluster.yml")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../deploy/cluster/*/*.xml")
	if len(files) < 4 {
		t.Fatalf("config files: %v", files)
	}
	type node struct {
		XMLName xml.Name
		Nodes   []node `xml:",any"`
		Text    string `xml:",chardata"`
	}
	find := func(n node, path ...string) []node {
		cur := []node{n}
		for _, p := range path {
			var next []node
			for _, c := range cur {
				for _, k := range c.Nodes {
					if k.XMLName.Local == p {
						next = append(next, k)
					}
				}
			}
			cur = next
		}
		return cur
	}
	var cluster string
	macros := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var root node
		if err := xml.Unmarshal(data, &root); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !strings.Contains(string(compose), strings.TrimPrefix(f, "../")) {
			t.Errorf("%s is not mounted by docker-compose.cluster.yml", f)
		}
		if rs := find(root, "remote_servers"); len(rs) == 1 && len(rs[0].Nodes) == 1 {
			cluster = rs[0].Nodes[0].XMLName.Local
			if n := len(find(rs[0].Nodes[0], "shard", "replica")); n != 2 {
				t.Errorf("%s: %d replicas, want 2", f, n)
			}
		}
		if m := find(root, "macros"); len(m) == 1 {
			if len(find(m[0], "shard")) != 1 || len(find(m[0], "replica")) != 1 {
				t.Errorf("%s: macros without shard and replica", f)
			}
			macros++
		}
	}
	if macros != 2 {
		t.Errorf("%d macros files, want one per replica", macros)
	}
	if cluster == "" || !strings.Contains(string(compose), "KLIMATRAPPORT_CLUSTER: "+cluster+"\n") {
		t.Errorf("the service is not configured with the cluster %q of remote_servers", cluster)
	}
	if _, err := OnCluster("CREATE DATABASE IF NOT EXISTS klimatrapport", cluster); err != nil {
		t.Error(err)
	}
}
