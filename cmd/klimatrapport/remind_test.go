package main

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/mail/mailtest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// TestRemindCommand: remind --dry-run prints the reminders due (a member
// without last year's report, an observer whose period ends) and sends
// nothing; remind sends each once, across runs and, on the server, across
// two instances at once; the SMTP password is never printed.
func TestRemindCommand(t *testing.T) {
	srv := mailtest.Start(t)
	t.Setenv("SSL_CERT_FILE", srv.CertFile) // the commands trust the test server's certificate
	year := time.Now().Year() - 1           // its deadline has passed whenever the test runs
	until := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	y := strconv.Itoa(year)
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			before := len(srv.Messages())
			run := func(want int, args ...string) string {
				t.Helper()
				code, out, errs := runCLI(t, append(args, "--db", db)...)
				if code != want {
					t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, out, errs)
				}
				if strings.Contains(out+errs, srv.Password) {
					t.Errorf("%v printed the SMTP password:\n%s\n%s", args, out, errs)
				}
				return out
			}
			send := []string{"remind", "--year", y, "--smtp-url", srv.URL(), "--mail-from", "noreply@klimatkommunerna.se", "--public-url", "https://rapport.example.se"}
			run(0, "import", "municipalities", samples.Path(t, samples.Municipalities))
			run(0, "members", "add", "1281", "--joined", "2015-01-01", "--officer-email", "anna@lund.se")
			run(0, "members", "add", "1280", "--joined", y+"-01-01", "--observer-until", until, "--officer-email", "olle@malmo.se")
			out := run(0, "remind", "--year", y, "--dry-run")
			for _, want := range []string{"member/1281/" + y + "/after-", "observer/1280/" + until + "/before-30", "Till: anna@lund.se",
				"Rapportering (saknas): Ingen rapport för " + y + " har lämnats in", "2 påminnelser skulle skickas"} {
				if !strings.Contains(out, want) {
					t.Errorf("--dry-run lacks %q:\n%s", want, out)
				}
			}
			if n := len(srv.Messages()) - before; n != 0 {
				t.Fatalf("--dry-run sent %d messages", n)
			}
			if code, _, errs := runCLI(t, "remind", "--year", y, "--db", db); code != exitUsage || !strings.Contains(errs, "--smtp-url is required") {
				t.Errorf("remind without --smtp-url: exit %d\n%s", code, errs)
			}
			if engine == "clickhouse" { // two instances at once
				var wg sync.WaitGroup
				for range 2 {
					wg.Go(func() { runCLI(t, append(send, "--db", db)...) })
				}
				wg.Wait()
			} else {
				run(0, send...)
			}
			if out := run(0, send...); !strings.Contains(out, "0 påminnelser skickade") {
				t.Errorf("a second run:\n%s", out)
			}
			if out := run(0, "remind", "--year", y, "--dry-run"); !strings.Contains(out, "0 påminnelser skulle skickas") {
				t.Errorf("--dry-run after sending:\n%s", out)
			}
			got := srv.Messages()[before:]
			if len(got) != 2 {
				t.Fatalf("the server got %d messages, want 2", len(got))
			}
			for _, m := range got {
				if !strings.Contains(m.Text, "https://rapport.example.se/rapportera") {
					t.Errorf("a reminder without the link:\n%s", m.Text)
				}
			}
		})
	}
}

// TestServeReminds: serve with an SMTP server sends the reminders due at
// start (here an observer's whose period ends in ten days) and never logs
// the password.
func TestServeReminds(t *testing.T) {
	srv := mailtest.Start(t)
	db := "chdb://" + t.TempDir() + "/data"
	until := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	joined := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	if code, out, errs := runCLI(t, "members", "add", "1280", "--joined", joined, "--observer-until", until, "--officer-email", "olle@malmo.se", "--db", db); code != 0 {
		t.Fatalf("members add: %d\n%s\n%s", code, out, errs)
	}
	s := startService(t, db, "SSL_CERT_FILE="+srv.CertFile, "KLIMATRAPPORT_SMTP_URL="+srv.URL(),
		"KLIMATRAPPORT_MAIL_FROM=noreply@klimatkommunerna.se", "KLIMATRAPPORT_PUBLIC_URL=https://rapport.example.se")
	waitForLog(t, "reminder sent", s)
	s.stop(t)
	if got := srv.Messages(); len(got) != 1 || !strings.Contains(got[0].Subject, "observatör slutar "+until) || !slices.Equal(got[0].To, []string{"olle@malmo.se"}) {
		t.Errorf("serve sent %+v", got)
	}
	if strings.Contains(s.logs.String(), srv.Password) {
		t.Errorf("serve logged the SMTP password:\n%s", s.logs)
	}
}
