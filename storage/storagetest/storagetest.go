// Package storagetest gives tests a fresh, migrated database on each engine
// (Engines, Migrated, Open). Besides storage/engines, which the binary uses,
// it is the one place that opens both engines.
//
// chDB opens one data path per process, so every test in a test binary
// shares one path (a temporary directory, removed by Main) and gets a
// database of its own. The ClickHouse server is named by
// KLIMATRAPPORT_TEST_CLICKHOUSE; without it the server cases are skipped,
// unless KLIMATRAPPORT_TEST_REQUIRE_SERVER=1 (CI), where they fail.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
	"github.com/klimatkommunerna/klimatrapport/storage/clickhouse"
)

// Environment variables that configure the test engines.
const (
	ServerEnv        = "KLIMATRAPPORT_TEST_CLICKHOUSE"
	RequireServerEnv = "KLIMATRAPPORT_TEST_REQUIRE_SERVER"
)

// EngineNames returns the engines every storage-touching suite runs on.
func EngineNames() []string { return []string{"chdb", "clickhouse"} }

var (
	chdbOnce   sync.Once
	chdbPath   string
	chdbAnchor *chdb.DB // keeps the shared connection open for the binary
	chdbErr    error
)

// Main runs the tests and removes the shared chDB directory afterwards. Use
// it from TestMain in packages that open databases.
func Main(m *testing.M) {
	code := m.Run()
	if chdbAnchor != nil {
		chdbAnchor.Close()
	}
	if chdbPath != "" && os.Getenv("KLIMATRAPPORT_TEST_CHDB_PATH") == "" {
		os.RemoveAll(chdbPath)
	}
	os.Exit(code)
}

// ChdbPath returns the shared chDB data path of this test binary.
func ChdbPath(t testing.TB) string {
	t.Helper()
	chdbOnce.Do(func() {
		chdbPath = os.Getenv("KLIMATRAPPORT_TEST_CHDB_PATH")
		if chdbPath == "" {
			chdbPath, chdbErr = os.MkdirTemp("", "klimatrapport-chdb-test-")
			if chdbErr != nil {
				return
			}
		}
		chdbAnchor, chdbErr = chdb.Open(context.Background(), chdbPath, "default")
	})
	if chdbErr != nil {
		t.Fatalf("chDB is required for the tests (run `make test`, which installs libchdb %s): %v", chdb.LibVersion(), chdbErr)
	}
	return chdbPath
}

// ServerDSN returns the test server's DSN, skipping (or failing in CI) when
// there is none.
func ServerDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(ServerEnv)
	if dsn == "" {
		if os.Getenv(RequireServerEnv) == "1" {
			t.Fatalf("%s is not set but %s=1: the ClickHouse server suite is required", ServerEnv, RequireServerEnv)
		}
		t.Skipf("no ClickHouse server: set %s=clickhouse://… to run the server suite", ServerEnv)
	}
	return dsn
}

// NewDatabaseName returns a random database name for one test.
func NewDatabaseName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "t_" + hex.EncodeToString(b)
}

// Open returns an empty database on engine ("chdb" or "clickhouse"),
// dropped when the test ends.
func Open(t testing.TB, engine string) storage.DB {
	t.Helper()
	ctx := context.Background()
	name := NewDatabaseName()
	var db storage.DB
	var err error
	switch engine {
	case "chdb":
		db, err = chdb.Open(ctx, ChdbPath(t), name)
	case "clickhouse":
		db, err = clickhouse.Open(ctx, ServerDSN(t), name, clickhouse.DefaultPool())
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() {
		if err := db.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		db.Close()
	})
	return db
}

// Migrated returns a database on engine with the schema applied.
func Migrated(t testing.TB, engine string) storage.DB {
	t.Helper()
	db := Open(t, engine)
	if _, err := schema.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate on %s: %v", engine, err)
	}
	return db
}

// Engines runs f as a subtest on each engine with a migrated database.
func Engines(t *testing.T, f func(t *testing.T, db storage.DB)) {
	for _, e := range EngineNames() {
		t.Run(e, func(t *testing.T) { f(t, Migrated(t, e)) })
	}
}
