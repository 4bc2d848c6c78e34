package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// figure logs a measured figure and appends it to figures.txt in the
// artefacts directory ($KLIMATRAPPORT_ARTIFACTS), which CI prints: go test
// shows no output of passing tests.
func figure(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	dir := os.Getenv("KLIMATRAPPORT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "klimatrapport-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	f, err := os.OpenFile(filepath.Join(dir, "figures.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Log(err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s: %s\n", t.Name(), line)
}
