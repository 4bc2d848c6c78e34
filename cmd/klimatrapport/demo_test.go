package main

import (
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// TestServeDemo runs the binary on one chDB path with the national data
// imported by the commands: a plain serve registers no member; serve with
// --demo (here KLIMATRAPPORT_DEMO) registers the example members, whose
// page says "Exempeldata"; a plain serve afterwards still says so.
func TestServeDemo(t *testing.T) {
	dsn := "chdb://" + t.TempDir()
	importSamples(t, dsn)
	plain := startService(t, dsn)
	waitForPage(t, plain, "/kommun/1281", "Lund")
	time.Sleep(2 * time.Second) // time enough for a seeding to begin
	plain.stop(t)
	if code, out, errs := runCLI(t, "members", "list", "--db", dsn); code != 0 || strings.Contains(out, "1281") {
		t.Fatalf("members after a plain serve: %d\n%s\n%s", code, out, errs)
	}
	withDemo := startService(t, dsn, "KLIMATRAPPORT_DEMO=true")
	waitForLog(t, "example members ready", withDemo) // the page says Exempeldata before the last report is in
	waitForPage(t, withDemo, "/kommun/1281", "Exempeldata")
	withDemo.stop(t)
	later := startService(t, dsn)
	waitForPage(t, later, "/kommun/1281", "Exempeldata")
	if _, body := get(t, later.base+"/kommun/1280"); strings.Contains(body, "Exempeldata") {
		t.Error("Malmö's page says Exempeldata")
	}
	later.stop(t)
}

// importSamples imports SCB's and SMHI's sample files into dsn with the
// import commands.
func importSamples(t *testing.T, dsn string) {
	t.Helper()
	for _, args := range [][]string{
		{"import", "municipalities", samples.Path(t, samples.Municipalities)},
		{"import", "population", samples.Path(t, samples.Population)},
		{"import", "smhi", samples.Path(t, samples.SMHI)},
	} {
		if code, out, errs := runCLI(t, append(args, "--db", dsn)...); code != 0 {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
	}
}

// waitForPage waits until path's page contains want.
func waitForPage(t *testing.T, s *service, path, want string) {
	t.Helper()
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if code, body := get(t, s.base+path); code == 200 && strings.Contains(body, want) {
			return
		}
	}
	t.Fatalf("%s never said %q\n%s", path, want, s.logs)
}
