package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// publishers is the local SMHI and SCB: SMHI with the GGT sample, SCB
// with testworld.PopulationAnswer.
func publishers(t *testing.T) *testworld.Publishers {
	pub := testworld.NewPublishers(t)
	pub.SetSMHI("GGT", samples.Read(t, samples.GGT))
	pub.SetSCB(testworld.PopulationAnswer(t))
	return pub
}

func wantRun(t *testing.T, wantCode int, want string, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(t, args...)
	if code != wantCode || !strings.Contains(out+errs, want) {
		t.Fatalf("%v: exit %d (want %d), want %q in\n%s%s", args, code, wantCode, want, out, errs)
	}
	return out
}

func TestImportFromSMHIAndSCB(t *testing.T) {
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			pub := publishers(t)
			wantRun(t, 0, "290 kommuner", "import", "municipalities", "--db", db, samples.Path(t, samples.Municipalities))
			fromSMHI := []string{"import", "smhi", "--from-smhi", "--substances", "ggt", "--smhi-url", pub.URL, "--db", db}
			wantRun(t, 0, "Inläst: SMHI:s publicering 2026-04-15 av GGT", fromSMHI...)
			// SMHI stamps each download anew; the same release changes nothing.
			wantRun(t, 0, "redan inläst som publiceringen 2026-04-15 (GGT)", fromSMHI...)
			url := pub.URL + "/api/getexcelfile/?county=0&municipality=0&sub=GGT"
			wantRun(t, 0, "redan inläst", "import", "smhi", "--url", url, "--db", db)

			// A substance SMHI does not serve: exit 1 with the reason, the
			// other substance still read.
			out := wantRun(t, 1, "CO2: Hämtningen från", "import", "smhi", "--from-smhi", "--substances", "GGT,CO2", "--smhi-url", pub.URL, "--db", db)
			if !strings.Contains(out, "404 Not Found") || !strings.Contains(out, "redan inläst") {
				t.Errorf("partial failure:\n%s", out)
			}
			out = wantRun(t, 1, "404 Not Found", "import", "smhi", "--url", pub.URL+"/nowhere", "--db", db)
			if !strings.Contains(out, "Ingenting har lästs in") {
				t.Errorf("--url failure:\n%s", out)
			}
			wantRun(t, 2, "Okänt ämne", "import", "smhi", "--from-smhi", "--substances", "XYZ", "--db", db)
			wantRun(t, 2, "not both", "import", "smhi", "--from-smhi", "--db", db, samples.Path(t, samples.GGT))

			// --json lists each substance's summary.
			out = wantRun(t, 0, "", "import", "smhi", "--from-smhi", "--substances", "GGT", "--smhi-url", pub.URL, "--json", "--db", db)
			var got []struct {
				Substance string `json:"substance"`
				Summary   struct {
					AlreadyPresent bool `json:"already_present"`
				} `json:"summary"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 || got[0].Substance != "GGT" || !got[0].Summary.AlreadyPresent {
				t.Errorf("--json: %v %s", err, out)
			}

			wantRun(t, 0, "Inläst från SCB: folkmängd 1990–2024 för 3 kommuner, 1 län och riket (8 värden, 8 av dem nya eller ändrade; riket 10 587 710 invånare 2024)",
				"import", "population", "--from-scb", "--scb-url", pub.URL, "--db", db)
			pub.Fail(testworld.Status(http.StatusNotFound))
			wantRun(t, 1, "404 Not Found", "import", "population", "--from-scb", "--scb-url", pub.URL, "--scb-table", "TAB0", "--db", db)
		})
	}
}

func TestServeRefreshNational(t *testing.T) {
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			pub := publishers(t)
			wantRun(t, 0, "290 kommuner", "import", "municipalities", "--db", db, samples.Path(t, samples.Municipalities))
			s := startService(t, db, "KLIMATRAPPORT_REFRESH_NATIONAL=200ms", "KLIMATRAPPORT_SMHI_URL="+pub.URL, "KLIMATRAPPORT_SUBSTANCES=GGT")
			release := func() string {
				_, body := get(t, s.base+"/api/v1/emissions?municipality=1281&source=smhi")
				var e struct {
					Release string `json:"release"`
				}
				json.Unmarshal([]byte(body), &e)
				return e.Release
			}
			waitFor := func(what string, ok func() bool) {
				t.Helper()
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					if ok() {
						return
					}
				}
				t.Fatalf("no %s within a minute", what)
			}
			waitFor("first release", func() bool { return release() == "2026-04-15" })

			// SMHI fails: a whole check's attempts go by, the data stay.
			pub.Fail(testworld.Status(http.StatusInternalServerError))
			failing := pub.Requests.Load()
			waitFor("failed check", func() bool { return pub.Requests.Load() >= failing+5 })
			if r := release(); r != "2026-04-15" {
				t.Fatalf("after failed checks the release is %q", r)
			}

			// SMHI publishes a new release: it appears on its own.
			pub.SetSMHI("GGT", testworld.NextGGT(t, "2027-04-15"))
			pub.Fail(nil)
			waitFor("new release", func() bool { return release() == "2027-04-15" })

			s.cmd.Process.Signal(syscall.SIGTERM)
			<-s.done
			logs := s.logs.String()
			for _, want := range []string{"checking SMHI for new releases", "SMHI check failed; the current data stay", "500 Internal Server Error",
				"imported a new SMHI release", "release=2027-04-15", "substance=GGT"} {
				if !strings.Contains(logs, want) {
					t.Errorf("the log lacks %q:\n%s", want, logs)
				}
			}
		})
	}
}
