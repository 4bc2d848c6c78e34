package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// runWithStdin runs the binary with stdin as a pipe that holds stdin.
func runWithStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// tableLines returns the rows of table in an uncompressed backup in dir.
func tableLines(t *testing.T, dir, table string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, table+".tsv"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// Commands started with a pipe full of bytes on stdin (a shell loop reading a
// list, `echo x | klimatrapport accounts add …`) store exactly what they
// would without it: the embedded engine never reads the process's stdin, and
// `--password-stdin` still reads the password from it.
func TestCommandsIgnoreStdinBytes(t *testing.T) {
	junk := strings.Repeat("lista-med-filer.xlsx\n", 3000) // more than one pipe buffer
	year := time.Now().Year()
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			book := filepath.Join(dir, "lund.xlsx")
			if err := os.WriteFile(book, completeWorkbook(t, "1281", year), 0o644); err != nil {
				t.Fatal(err)
			}
			steps := [][]string{
				{"import", "municipalities", "--db", db, samples.Path(t, samples.Municipalities)},
				{"ingest", book, "--db", db},
				{"accounts", "add", "--db", db, "--email", "anna@lund.se", "--role", "officer", "--municipality", "1281"},
			}
			for _, args := range steps {
				if code, out, errs := runWithStdin(t, junk, args...); code != 0 {
					t.Fatalf("%s with bytes on stdin: exit %d\n%s\n%s", args[0], code, out, errs)
				}
			}
			const password = "ett långt lösenord 123"
			if code, out, errs := runWithStdin(t, password+"\n"+junk, "accounts", "add", "--db", db, "--email", "bo@klimatkommunerna.se", "--role", "reviewer", "--password-stdin"); code != 0 {
				t.Fatalf("accounts add --password-stdin: exit %d\n%s\n%s", code, out, errs)
			}

			backupDir := filepath.Join(dir, "backup")
			if code, out, errs := runCLI(t, "backup", "--db", db, "--out", backupDir, "--gzip=false"); code != 0 {
				t.Fatalf("backup: exit %d\n%s\n%s", code, out, errs)
			}
			// Five years of every main sector, as in the workbook.
			if n, want := len(tableLines(t, backupDir, "inventory_values")), 5*len(kr.MainSectors()); n != want {
				t.Errorf("inventory_values: %d rows, want %d", n, want)
			}
			if n := len(tableLines(t, backupDir, "municipalities")); n < 290 {
				t.Errorf("municipalities: %d rows, want every municipality", n)
			}
			var hash string
			for _, line := range tableLines(t, backupDir, "accounts") {
				if f := strings.Split(line, "\t"); len(f) > 5 && f[1] == "bo@klimatkommunerna.se" {
					hash = f[4]
				}
			}
			if !accounts.CheckPassword(hash, password) {
				t.Errorf("the password read with --password-stdin does not check against the stored hash %q", hash)
			}
		})
	}
}
