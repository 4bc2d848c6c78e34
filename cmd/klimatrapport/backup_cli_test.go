package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage/clickhouse"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestMoveUp moves up through the command line: a member starts on the
// embedded engine (members, an account, an upload), copies everything to
// the ClickHouse server, backs the server up, restores the backup on a
// fresh embedded database, and every step answers the same.
func TestMoveUp(t *testing.T) {
	server := storagetest.ServerDSN(t)
	ctx := context.Background()
	year := time.Now().Year()
	dir := t.TempDir()
	embedded := "chdb://" + filepath.Join(dir, "data")
	serverDB := func() string {
		name := storagetest.NewDatabaseName()
		t.Cleanup(func() {
			db, err := clickhouse.Open(ctx, server, name, clickhouse.DefaultPool())
			if err == nil {
				db.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
				db.Close()
			}
		})
		return dsnFor(server, name)
	}
	expect := func(want int, contains string, args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, args...)
		if code != want || !strings.Contains(out+errs, contains) {
			t.Fatalf("%v: exit %d (want %d), want %q in\n%s\n%s", args, code, want, contains, out, errs)
		}
		return out
	}
	answers := func(dsn string) string {
		t.Helper()
		var lines []string
		for _, l := range strings.Split(expect(0, "", "members", "list", "--json", "--db", dsn)+
			expect(0, "", "compliance", "--year", fmt.Sprint(year), "--format", "json", "--db", dsn), "\n") {
			if !strings.Contains(l, `"as_of"`) { // when the answer was computed
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}

	// Content on the embedded engine.
	expect(0, "", "members", "add", "1281", "--joined", "2015-01-01", "--officer-name", "Anna Åberg", "--officer-email", "anna@lund.se", "--db", embedded)
	expect(0, "", "accounts", "add", "--email", "anna@lund.se", "--role", "officer", "--municipality", "1281", "--db", embedded)
	workbook := completeWorkbook(t, "1281", year)
	wb := filepath.Join(dir, "lund.xlsx")
	if err := os.WriteFile(wb, workbook, 0o600); err != nil {
		t.Fatal(err)
	}
	expect(0, "Filen är mottagen", "ingest", wb, "--db", embedded)
	want := answers(embedded)
	if !strings.Contains(want, "1281") {
		t.Fatalf("no member in %s", want)
	}

	// chDB → server.
	target := serverDB()
	out := expect(0, "every table verified", "copy", "--from", embedded, "--to", target)
	for _, table := range []string{"submissions", "submission_files", "inventory_values", "members", "accounts", "audit_log"} {
		if !strings.Contains(out, "\n"+table+" ") {
			t.Errorf("copy does not list %s:\n%s", table, out)
		}
	}
	if got := answers(target); got != want {
		t.Fatalf("the server answers differently:\n%s\nwant\n%s", got, want)
	}
	// The upload's bytes arrived exactly.
	db, err := engines.Open(ctx, target, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var files []struct {
		H string `ch:"h"`
	}
	if err := db.Select(ctx, &files, "SELECT hex(content) AS h FROM submission_files"); err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].H != strings.ToUpper(hex.EncodeToString(workbook)) {
		t.Fatalf("the workbook did not arrive intact (%d files)", len(files))
	}
	expect(1, "not empty", "copy", "--from", embedded, "--to", target)

	// Server → backup → a fresh embedded database.
	bdir := filepath.Join(dir, "backup")
	expect(0, "Backed up", "backup", "--db", target, "--out", bdir)
	expect(0, "complete and intact", "restore", "--check", "--from", bdir)
	restored := "chdb://" + filepath.Join(dir, "restored")
	expect(0, "every table verified", "restore", "--from", bdir, "--db", restored)
	if got := answers(restored); got != want {
		t.Fatalf("the restored database answers differently:\n%s\nwant\n%s", got, want)
	}
	expect(1, "not empty", "restore", "--from", bdir, "--db", restored)

	// Refusals.
	expect(2, "Copy in two steps", "copy", "--from", embedded, "--to", "chdb://"+filepath.Join(dir, "other"))
	expect(2, "--from and --to are required", "copy", "--from", embedded)
	expect(1, "no chDB data", "backup", "--db", "chdb://"+filepath.Join(dir, "nowhere"), "--out", filepath.Join(dir, "b2"))
	expect(1, "not empty", "backup", "--db", target, "--out", bdir)
	expect(1, "has no cluster", "restore", "--from", bdir, "--db", "chdb://"+filepath.Join(dir, "c"), "--cluster", "kk")
	data, err := os.ReadFile(filepath.Join(bdir, "submission_files.tsv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x40
	if err := os.WriteFile(filepath.Join(bdir, "submission_files.tsv.gz"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	expect(1, "backup is damaged: submission_files.tsv.gz", "restore", "--check", "--from", bdir)
	expect(1, "backup is damaged: submission_files.tsv.gz", "restore", "--from", bdir, "--db", serverDB())
}
