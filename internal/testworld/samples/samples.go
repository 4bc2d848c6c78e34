// Package samples finds the real sample files (SCB's municipality list and
// population table, SMHI's export) that tests read in place from
// shared/data beside the repository; they are never copied into it. It
// imports nothing of the repository, so any package's own tests can use it.
package samples

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The sample files, relative to shared/data.
const (
	Municipalities = "scb/municipality_county.csv"
	Population     = "scb/be0101-population-2024.xlsx"
	SMHI           = "smhi/smhi-co2-2024-04-18.xlsx"     // CO2, main sectors and subsectors
	GGT            = "smhi/ggt-2026-04-15-sektorer.xlsx" // all greenhouse gases, by sector
)

var (
	rootOnce sync.Once
	root     string // shared/data, "" when not found
)

// dir returns shared/data: beside the repository root, the directory
// holding go.mod, found by walking up from the working directory.
func dir() string {
	rootOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			return
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				root = filepath.Join(filepath.Dir(d), "shared", "data")
				return
			}
			if filepath.Dir(d) == d {
				return
			}
		}
	})
	return root
}

// File returns where a sample file is (rel is relative to shared/data),
// for tests that open it outside a test function; opening it fails when it
// is missing. Tests prefer Path, which says so.
func File(rel string) string {
	return filepath.Join(dir(), rel)
}

// Path returns the path of a sample file (rel is relative to shared/data,
// e.g. Municipalities), failing the test when it is missing: the samples
// are part of the test setup.
func Path(t testing.TB, rel string) string {
	t.Helper()
	d := dir()
	if d == "" {
		t.Fatalf("no go.mod above the working directory: cannot find shared/data")
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the shared sample data is needed beside the repository (shared/data/%s): %v", rel, err)
	}
	return p
}

// Read returns a sample file's content.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Open opens a sample file, closed when the test ends.
func Open(t testing.TB, rel string) *os.File {
	t.Helper()
	f, err := os.Open(Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
