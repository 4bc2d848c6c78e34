package main

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// withReference is serve as `make run` starts it: the bundled reference
// data imported into an empty database.
const withReference = "KLIMATRAPPORT_NO_REFERENCE_DATA=false"

// referenceTables are what the first start fills, counted to see that a
// restart imports nothing again.
var referenceTables = []string{"counties", "municipalities", "population", "smhi_releases", "smhi_values"}

// waitForReference waits (at most 90 s) until /rangordning ranks the 290
// municipalities per inhabitant and /kommun/1281 shows Lund.
func waitForReference(t *testing.T, s *service) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		code, body := get(t, s.base+"/rangordning")
		if code == 200 && strings.Count(body, `href="/kommun/`) >= 290 && strings.Contains(body, "per invånare") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/rangordning after 90 s: %d\n%.800s\n%s", code, body, s.logs)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if code, body := get(t, s.base+"/kommun/1281"); code != 200 || !strings.Contains(body, "Lund") {
		t.Fatalf("/kommun/1281: %d\n%.800s", code, body)
	}
}

// waitForImport waits (at most 90 s) until one of ss logs that it has
// imported all the reference data (the CO2 release follows the pages).
func waitForImport(t *testing.T, ss ...*service) {
	t.Helper()
	waitForLog(t, "reference data: done", ss...)
}

// stop ends s with SIGTERM and waits for it.
func (s *service) stop(t *testing.T) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit 30 s after SIGTERM\n%s", s.logs)
	}
}

// TestServeReferenceDataEmbedded: `serve` on an empty chDB path, with no
// import command, serves the 290 municipalities with SMHI's figures per
// inhabitant, and Lund's page; a restart imports nothing again.
func TestServeReferenceDataEmbedded(t *testing.T) {
	dsn := "chdb://" + t.TempDir()
	s := startService(t, dsn, withReference)
	waitForReference(t, s)
	waitForImport(t, s)
	s.stop(t)
	s = startService(t, dsn, withReference)
	waitForReference(t, s)
	s.stop(t)
	if strings.Contains(s.logs.String(), "reference data: importing") {
		t.Errorf("the restart imported again:\n%s", s.logs)
	}
}

// TestServeReferenceDataServer is the same on a ClickHouse server, where
// the tables are counted after each start: the restart adds no row.
func TestServeReferenceDataServer(t *testing.T) {
	dsn := dsnFor(storagetest.ServerDSN(t), storagetest.NewDatabaseName())
	s := startService(t, dsn, withReference)
	waitForReference(t, s)
	waitForImport(t, s)
	s.stop(t)
	db := openForCounts(t, dsn)
	first := countTables(t, db)
	if first["municipalities"] != 290 || first["smhi_releases"] != 2 || first["population"] == 0 {
		t.Fatalf("after the first start: %v, want 290 municipalities, 2 releases (GGT, CO2), the population", first)
	}
	s = startService(t, dsn, withReference)
	waitForReference(t, s)
	s.stop(t)
	if again := countTables(t, db); !equalCounts(first, again) {
		t.Errorf("the restart changed the tables: %v, then %v\n%s", first, again, s.logs)
	}
}

// TestServeReferenceDataTwoAtOnce: two instances started at once on one
// empty server database import the reference data once between them.
func TestServeReferenceDataTwoAtOnce(t *testing.T) {
	dsn := dsnFor(storagetest.ServerDSN(t), storagetest.NewDatabaseName())
	a := startService(t, dsn, withReference)
	b := startService(t, dsn, withReference)
	waitForReference(t, a)
	waitForReference(t, b)
	waitForImport(t, a, b)
	a.stop(t)
	b.stop(t)
	n := countTables(t, openForCounts(t, dsn))
	if n["municipalities"] != 290 || n["counties"] != 21 || n["smhi_releases"] != 2 || n["population"] != 312 {
		t.Errorf("two instances at once stored %v, want the data once: 290 municipalities, 21 counties, 2 releases, 312 population rows\n%s\n%s", n, a.logs, b.logs)
	}
}

// TestServeNoReferenceData: with --no-reference-data an empty database
// stays empty.
func TestServeNoReferenceData(t *testing.T) {
	dsn := dsnFor(storagetest.ServerDSN(t), storagetest.NewDatabaseName())
	s := startService(t, dsn, withReference, "KLIMATRAPPORT_NO_REFERENCE_DATA=true")
	if code, body := get(t, s.base+"/"); code != 200 || !strings.Contains(body, "inga uppgifter") {
		t.Errorf("/: %d\n%.800s", code, body)
	}
	if code, _ := get(t, s.base+"/kommun/1281"); code != 404 {
		t.Errorf("/kommun/1281: %d, want 404", code)
	}
	s.stop(t)
	if n := countTables(t, openForCounts(t, dsn)); n["municipalities"] != 0 || n["smhi_releases"] != 0 {
		t.Errorf("imported despite --no-reference-data: %v", n)
	}
}

func openForCounts(t *testing.T, dsn string) storage.DB {
	t.Helper()
	db, err := engines.Open(context.Background(), dsn, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db.Database())
		db.Close()
	})
	return db
}

func countTables(t *testing.T, db storage.DB) map[string]uint64 {
	t.Helper()
	n := map[string]uint64{}
	for _, table := range referenceTables {
		n[table] = count(t, db, "SELECT count() AS n FROM "+table)
	}
	return n
}

func equalCounts(a, b map[string]uint64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// TestServeHelpNamesReferenceFlag: serve's help shows --no-reference-data
// with its environment variable.
func TestServeHelpNamesReferenceFlag(t *testing.T) {
	code, _, errs := runHere(t, "serve", "--help")
	if code != exitOK || !strings.Contains(errs, "[--no-reference-data]") || !strings.Contains(errs, "(env KLIMATRAPPORT_NO_REFERENCE_DATA)") {
		t.Errorf("serve --help: exit %d\n%s", code, errs)
	}
}

// TestMakeRunServes: `make run` starts serve as the tests above do: on a
// chDB path of its own, outside data/, with the reference data on.
func TestMakeRunServes(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	_, recipe, ok := strings.Cut(string(b), "\nrun: chdb build\n")
	line, _, _ := strings.Cut(recipe, "\n")
	if !ok || strings.TrimSpace(line) != "./bin/klimatrapport serve --db chdb://./var/chdb" {
		t.Errorf("make run's recipe is %q", line)
	}
}
