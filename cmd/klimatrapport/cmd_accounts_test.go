package main

import (
	"strings"
	"testing"
	"time"
)

// TestAccountsTokenExpires: `accounts token --expires` takes days, a
// duration or a last day, prints the expiry under the secret, and refuses
// what it cannot read (exit 2) or a day gone by (exit 1); without it the
// output is the two lines it always was.
func TestAccountsTokenExpires(t *testing.T) {
	for engine, db := range cliEngines(t) {
		t.Run(engine, func(t *testing.T) {
			if code, out, errs := runCLI(t, "accounts", "add", "--db", db, "--email", "anna@lund.se", "--role", "officer", "--municipality", "1281"); code != 0 {
				t.Fatalf("accounts add: %d %s %s", code, out, errs)
			}
			token := func(expires ...string) (int, []string) {
				args := append([]string{"accounts", "token", "--db", db, "--email", "anna@lund.se"}, expires...)
				code, out, _ := runCLI(t, args...)
				return code, strings.Split(strings.TrimSpace(out), "\n")
			}
			code, lines := token()
			if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "API-nyckel ") || !strings.HasPrefix(lines[1], "krt_") {
				t.Errorf("token without an expiry: %d %q", code, lines)
			}
			in90 := time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02")
			for arg, want := range map[string]string{"90d": "Gäller till " + in90, "2160h": "Gäller till " + in90,
				"2099-12-31": "Gäller till 2100-01-01 00:00 UTC."} {
				code, lines := token("--expires", arg)
				if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "krt_") || !strings.HasPrefix(lines[2], want) {
					t.Errorf("--expires %s: %d %q, want %q", arg, code, lines, want)
				}
			}
			for arg, want := range map[string]int{"nittio": 2, "-5d": 2, "0h": 2, "2001-01-01": 1} {
				if code, lines := token("--expires", arg); code != want {
					t.Errorf("--expires %s: exit %d, want %d: %q", arg, code, want, lines)
				}
			}
		})
	}
}
