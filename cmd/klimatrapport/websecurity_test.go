package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

const xss = `</script><script>alert(1)</script>"><img src=x onerror=alert(2)>`

// hostileReport fills every free-text field of a report with hostile text.
func hostileReport(code string, year int) *kr.Report {
	v := 100.0
	rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: year, Contact: xss, Email: "a@b.se", PoliticalContact: xss}}
	for _, s := range kr.MainSectors() {
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: year - 2, Sector: s, Tonnes: &v, Source: xss, Comment: "=HYPERLINK(\"http://x\")"})
	}
	rep.Goals = []kr.Goal{{ID: "=1+1", Name: xss, Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 50,
		DecidedBy: xss + " kommunfullmäktige", Link: "javascript:alert(3)"}}
	rep.Plans = []kr.ActionPlan{{Name: "@SUM(A1)" + xss, DecidedBy: xss, ValidFrom: year - 1, ValidTo: year + 5}}
	rep.Measures = []kr.Measure{{ID: "-2+3", Name: xss, Status: kr.MeasureOngoing, Responsible: xss, Comment: "+cmd|' /C calc'!A0"}}
	return rep
}

func hostileWorkbook(t *testing.T, code string, year int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: code, Year: year, Prefill: hostileReport(code, year)}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// noRawXSS fails when a page carries the hostile text unescaped.
func noRawXSS(t *testing.T, where, body string) {
	t.Helper()
	raws := []string{"<script>alert(1)", "<img src=x"}
	if !strings.HasPrefix(where, "/api/") {
		raws = append(raws, `href="javascript:`) // in JSON a link is data; on a page it must not become a link
	}
	for _, raw := range raws {
		if strings.Contains(body, raw) {
			i := strings.Index(body, raw)
			t.Errorf("%s shows %q unescaped: …%s…", where, raw, body[max(0, i-80):min(len(body), i+80)])
		}
	}
}

func TestWebSecurity(t *testing.T) {
	testworld.Engines(t, siteOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		ctx := context.Background()
		w.ImportMunicipalities(t)

		// Stored XSS: every uploaded text field, on every page that shows it.
		if code, body := s.upload("lund", nil, hostileWorkbook(t, "1281", 2025)); code != 201 {
			t.Fatalf("hostile but valid upload: %d %s", code, trim(body))
		}
		officer := s.browser().login("lund")
		reviewer := s.browser().login("reviewer")
		for _, p := range []struct {
			b    *browser
			path string
		}{
			{s.browser(), "/"}, {s.browser(), "/kommun/1281"}, {s.browser(), "/jamfor?kod=1281"}, {s.browser(), "/rangordning"},
			{officer, "/rapportera"}, {reviewer, "/granskning"}, {reviewer, "/granskning/1281"},
		} {
			code, body := p.b.get(p.path)
			if code != 200 {
				t.Errorf("GET %s: %d", p.path, code)
			}
			noRawXSS(t, p.path, body)
		}
		for _, path := range []string{"/api/v1/municipalities/1281/metrics", "/api/v1/municipalities/1281/compliance?year=2025"} {
			_, body := s.api("admin", "GET", path, nil, "")
			noRawXSS(t, path, body) // JSON escapes < and > as \u003c
		}

		// Exports: cells starting with = + - @ are neutralised.
		code, body := s.api("reviewer", "GET", "/api/v1/compliance.xlsx?year=2025", nil, "")
		if code != 200 {
			t.Fatalf("compliance.xlsx: %d", code)
		}
		checkNoFormulas(t, "compliance.xlsx", []byte(body))
		for _, path := range []string{"/api/v1/emissions.xlsx?source=reported", "/api/v1/ranking.xlsx?metric=total"} {
			if code, body := s.api("public", "GET", path, nil, ""); code == 200 {
				checkNoFormulas(t, path, []byte(body))
			}
		}
		if code, body := s.api("public", "GET", "/api/v1/emissions.csv?source=reported", nil, ""); code == 200 {
			for _, line := range strings.Split(body, "\n") {
				for _, cell := range strings.Split(line, ",") {
					cell = strings.Trim(cell, `"`)
					if cell != "" && strings.ContainsRune("=+@", rune(cell[0])) {
						t.Errorf("emissions.csv has a formula cell %q", cell)
					}
				}
			}
		}

		// Cross-site request forgery: the session's form sent from another
		// site's page is refused, from the service's own page accepted.
		form := url.Values{"year": {"2025"}, "obligation": {"goals"}, "message": {"Hej"}}
		officer.from = "https://elak.example"
		if code, _ := officer.post("/rapportera/svar", form); code != http.StatusForbidden {
			t.Errorf("reply from another site: %d, want 403", code)
		}
		officer.from = ""
		if code, _ := officer.post("/rapportera/svar", form); code != http.StatusSeeOther {
			t.Errorf("reply from the service's page: %d, want 303", code)
		}
		// Nor can another site sign a visitor in (login forgery).
		forger := s.browser()
		forger.from = "https://elak.example"
		if code, _ := forger.post("/logga-in", url.Values{"email": {emails["lund"]}, "password": {webPassword}}); code != http.StatusForbidden {
			t.Errorf("login from another site: %d, want 403", code)
		}
		// A wrong password and an unknown address get the same answer.
		b1, b2 := s.browser(), s.browser()
		c1, p1 := b1.post("/logga-in", url.Values{"email": {emails["lund"]}, "password": {"fel lösenord!!"}})
		c2, p2 := b2.post("/logga-in", url.Values{"email": {"ingen@alls.se"}, "password": {"fel lösenord!!"}})
		if c1 != 401 || c2 != 401 || !strings.Contains(p1, "Fel e-postadress eller lösenord") || !strings.Contains(p2, "Fel e-postadress eller lösenord") {
			t.Errorf("failed logins differ or are not 401: %d, %d", c1, c2)
		}

		// An oversized upload: 413, through the API and the page.
		big := bytes.Repeat([]byte("x"), 4<<20)
		if code, _ := s.upload("lund", nil, big); code != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized API upload: %d, want 413", code)
		}
		body2, ct := multipartFile(nil, big)
		if code, _ := officer.do("POST", "/rapportera", body2, ct); code != http.StatusRequestEntityTooLarge {
			t.Errorf("oversized page upload: %d, want 413", code)
		}

		// A disabled account's token and session stop working.
		acc, _, _ := s.w.Accounts.ByEmail(ctx, emails["lund"])
		if _, err := s.w.Accounts.SetDisabled(ctx, kr.System(), acc.ID, true); err != nil {
			t.Fatal(err)
		}
		if code, _ := s.api("lund", "GET", "/api/v1/municipalities/1281/submissions", nil, ""); code != http.StatusUnauthorized {
			t.Errorf("token of a disabled account: %d, want 401", code)
		}
		if code, _ := officer.get("/rapportera"); code != http.StatusSeeOther {
			t.Errorf("session of a disabled account: %d, want a redirect to the login page", code)
		}
		// Every write above is in the audit log, with who and from where.
		log, err := s.w.Accounts.AuditLog(ctx, 100)
		if err != nil || len(log) == 0 {
			t.Fatalf("audit log: %v", err)
		}
		found := false
		for _, e := range log {
			if e.Action == "POST /api/v1/submissions" && e.Actor == emails["lund"] && e.RemoteAddr != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("the upload is not in the audit log: %+v", log[:min(5, len(log))])
		}
	})
}

// checkNoFormulas fails when a workbook has a cell (text or formula) that a
// spreadsheet would run: text starting with = + - @ must be neutralised.
func checkNoFormulas(t *testing.T, name string, b []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s %s!%s holds a formula %q", name, sheet, cell, formula)
				}
				if v != "" && strings.ContainsRune("=+@", rune(v[0])) {
					t.Errorf("%s %s!%s starts with %q: %q", name, sheet, cell, v[:1], v)
				}
			}
		}
	}
}
