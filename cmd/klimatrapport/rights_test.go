package main

// Writes stay inside the actor's rights: through the assembled service (the
// real router) on both engines, with the rows of every written table
// counted before and after.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// writtenTables are the tables a write of the service can add rows to. The
// audit log is not among them: the web shell records every attempt, the
// refused ones too.
var writtenTables = []string{"submissions", "submission_files", "inventory_values", "goals", "action_plans", "measures",
	"compliance_reviews", "compliance_replies", "members", "accounts", "api_tokens", "password_links", "sessions",
	"counties", "municipalities", "population", "smhi_releases", "smhi_values", "applications"}

// tableCounts counts the rows of every written table, and of some per
// municipality (Lund's and Malmö's), in one query.
func tableCounts(t *testing.T, w *testworld.World) map[string]uint64 {
	t.Helper()
	var parts []string
	for _, table := range writtenTables {
		parts = append(parts, fmt.Sprintf("SELECT '%s' AS k, count() AS n FROM %s", table, table))
	}
	for _, table := range []string{"submissions", "inventory_values", "goals", "compliance_reviews", "compliance_replies", "members"} {
		col := "municipality_code"
		if table == "members" {
			col = "code"
		}
		parts = append(parts, fmt.Sprintf("SELECT concat('%s@', %s) AS k, count() AS n FROM %s WHERE %s IN ('1281', '1280') GROUP BY %s",
			table, col, table, col, col))
	}
	var rows []struct {
		K string `ch:"k"`
		N uint64 `ch:"n"`
	}
	if err := w.DB.Select(context.Background(), &rows, strings.Join(parts, " UNION ALL ")); err != nil {
		t.Fatal(err)
	}
	out := map[string]uint64{}
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out
}

// changedTables lists the counts that differ, as "table: before → after".
func changedTables(before, after map[string]uint64) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if before[k] != after[k] {
			out = append(out, fmt.Sprintf("%s: %d → %d", k, before[k], after[k]))
		}
	}
	return out
}

// TestOfficerCannotWriteIntoAnotherHistory: Lund's officer uploads a
// workbook that states Malmö's code. It is rejected with the reason, and
// kept in Lund's history (where Lund's officer sees the attempt), never in
// Malmö's: not in Malmö's submissions, its list, nor its compliance text.
func TestOfficerCannotWriteIntoAnotherHistory(t *testing.T) {
	testworld.Engines(t, siteOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		before := tableCounts(t, w)
		code, out := s.upload("lund", nil, reportFor(t, "1280", 2025, 100))
		if code != http.StatusUnprocessableEntity || !strings.Contains(out, "wrong_municipality") {
			t.Fatalf("Lund's officer with a file for Malmö: %d %s", code, trim(out))
		}
		var res struct {
			Submission kr.Submission `json:"submission"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if res.Submission.MunicipalityCode != "1281" {
			t.Errorf("the rejected file is kept under %q, want Lund's 1281", res.Submission.MunicipalityCode)
		}
		if !strings.Contains(out, "Filen gäller kod 1280, men du rapporterar för kod 1281") {
			t.Errorf("the report does not say why in Swedish: %s", trim(out))
		}
		after := tableCounts(t, w)
		for _, k := range []string{"submissions@1280", "inventory_values@1280", "goals@1280"} {
			if after[k] != before[k] {
				t.Errorf("%s: %d → %d, want nothing written for Malmö", k, before[k], after[k])
			}
		}
		if after["submissions@1281"] != before["submissions@1281"]+1 {
			t.Errorf("Lund's history did not get the rejected attempt: %v", changedTables(before, after))
		}
		_, malmo := s.api("malmo", "GET", "/api/v1/municipalities/1280/submissions", nil, "")
		if strings.Contains(malmo, res.Submission.ID) {
			t.Errorf("Malmö's submission list shows Lund's attempt: %s", trim(malmo))
		}
		_, lund := s.api("lund", "GET", "/api/v1/municipalities/1281/submissions", nil, "")
		if !strings.Contains(lund, res.Submission.ID) {
			t.Errorf("Lund's submission list lacks its rejected attempt: %s", trim(lund))
		}
		_, comp := s.api("admin", "GET", "/api/v1/municipalities/1280/compliance?year=2025", nil, "")
		if strings.Contains(comp, "laddades upp") {
			t.Errorf("Malmö's compliance text tells of Lund's upload: %s", trim(comp))
		}
		// The same through the upload form of /rapportera.
		b := s.browser().login("lund")
		body, ctype := multipartFile(map[string]string{"kod": "1280"}, reportFor(t, "1280", 2024, 50))
		if code, page := b.do("POST", "/rapportera", body, ctype); code != http.StatusUnprocessableEntity {
			t.Errorf("the form with Malmö's file: %d %s", code, trim(page))
		}
		if n := count(t, w.DB, "SELECT count() AS n FROM submissions WHERE municipality_code = '1280'"); n != before["submissions@1280"] {
			t.Errorf("the form wrote %d submissions for Malmö", n-before["submissions@1280"])
		}
	})
}

// The actors of the service-level checks: each role, and officers of Lund
// and Malmö.
var (
	lundOfficer  = kr.Actor{ID: "lund", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}
	malmoOfficer = kr.Actor{ID: "malmo", Email: "mats@malmo.se", Role: kr.RoleOfficer, Municipality: "1280"}
	reviewer     = kr.Actor{ID: "greta", Email: "greta@klimatkommunerna.se", Role: kr.RoleReviewer}
	admin        = kr.Actor{ID: "ada", Email: "ada@klimatkommunerna.se", Role: kr.RoleAdmin}
	notAdmins    = []kr.Actor{kr.Public(), lundOfficer, malmoOfficer, reviewer}
)

// TestServicesCheckTheActor calls every write of the services directly,
// past the handlers, as each actor without the right: each is refused
// (Unauthorized for the public, else Forbidden) with a Swedish message, and
// no table gains a row. A handler's bug or a new caller (the command line,
// a future page) can so write nothing the rights do not allow.
func TestServicesCheckTheActor(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		w.ImportMunicipalities(t)
		joined := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		w.Join(t, joined, "1281", "1280")
		smhiFile, places, population := samples.Read(t, samples.SMHI), samples.Read(t, samples.Municipalities), samples.Read(t, samples.Population)
		lundFile := reportFor(t, "1281", 2025, 7)
		ended := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		contact := members.Contact{Name: "Mallory", Email: "mallory@example.com"}
		writes := []struct {
			name    string
			refused []kr.Actor
			write   func(kr.Actor) error
		}{
			{"members.Save", notAdmins, func(a kr.Actor) error {
				_, err := w.Members.Save(ctx, a, members.Member{Code: "1281", Joined: joined, Officer: contact})
				return err
			}},
			{"members.Add", notAdmins, func(a kr.Actor) error {
				_, err := w.Members.Add(ctx, a, "0180", joined, false, 0)
				return err
			}},
			{"members.Join", notAdmins, func(a kr.Actor) error {
				_, err := w.Members.Join(ctx, a, members.Member{Code: "0180", Joined: joined, Officer: contact}, false, 0)
				return err
			}},
			{"members.Update", notAdmins, func(a kr.Actor) error {
				_, err := w.Members.Update(ctx, a, "1281", members.Change{Officer: &contact})
				return err
			}},
			{"members.End", notAdmins, func(a kr.Actor) error {
				_, err := w.Members.End(ctx, a, "1281", ended)
				return err
			}},
			{"national.ImportSMHI", notAdmins, func(a kr.Actor) error {
				_, err := w.National.ImportSMHI(ctx, a, national.SMHIImport{FileName: "smhi.xlsx", Content: smhiFile})
				return err
			}},
			{"national.ImportMunicipalities", notAdmins, func(a kr.Actor) error {
				_, err := w.National.ImportMunicipalities(ctx, a, bytes.NewReader(places))
				return err
			}},
			{"national.ImportPopulation", notAdmins, func(a kr.Actor) error {
				_, err := w.National.ImportPopulation(ctx, a, bytes.NewReader(population), 0)
				return err
			}},
			{"compliance.Review of Lund", []kr.Actor{kr.Public(), lundOfficer, malmoOfficer}, func(a kr.Actor) error {
				_, _, err := w.Compliance.Review(ctx, a, compliance.ReviewInput{Code: "1281", Year: 2025, Obligation: compliance.Goals,
					Status: compliance.Fulfilled, Comment: "Godkänt av mig själv."})
				return err
			}},
			{"compliance.Reply for Lund", []kr.Actor{kr.Public(), malmoOfficer, reviewer, admin}, func(a kr.Actor) error {
				_, _, err := w.Compliance.Reply(ctx, a, compliance.ReplyInput{Code: "1281", Year: 2025, Obligation: compliance.Goals,
					Message: "Vi svarar för Lund."})
				return err
			}},
			{"submissions.Submit for Lund", []kr.Actor{kr.Public(), malmoOfficer, reviewer}, func(a kr.Actor) error {
				_, err := w.Submissions.Submit(ctx, a, submissions.Upload{FileName: "lund.xlsx", Content: lundFile, Municipality: "1281"})
				return err
			}},
		}
		for _, wr := range writes {
			for _, a := range wr.refused {
				before := tableCounts(t, w)
				err := wr.write(a)
				want := kr.Forbidden
				if a.Role == kr.RolePublic {
					want = kr.Unauthorized
				}
				if kr.KindOf(err) != want || kr.MessageOf(err) == "" {
					t.Errorf("%s as %s: %v, want %s with a message", wr.name, a.Name(), err, want)
				}
				if changed := changedTables(before, tableCounts(t, w)); len(changed) > 0 {
					t.Errorf("%s as %s wrote %v", wr.name, a.Name(), changed)
				}
			}
		}
		// An administrator imports (the register's writes by administrators
		// are in TestRightsMatrix).
		for _, wr := range writes {
			if !strings.HasPrefix(wr.name, "national.") {
				continue
			}
			before := tableCounts(t, w)
			if err := wr.write(admin); err != nil {
				t.Errorf("%s as an administrator: %v", wr.name, err)
			}
			if len(changedTables(before, tableCounts(t, w))) == 0 {
				t.Errorf("%s as an administrator wrote nothing", wr.name)
			}
			// Refused before the store looks: an officer is not told
			// that the identical file is already imported.
			if err := wr.write(lundOfficer); kr.KindOf(err) != kr.Forbidden {
				t.Errorf("%s as an officer, after an administrator's: %v, want forbidden", wr.name, err)
			}
		}
	})
}

// matrixActor is one way of sending requests in the rights matrix: a role
// of the site signed in with a session or an API token (or the public,
// with neither), and the municipality an officer reports for.
type matrixActor struct {
	name, role, own string
	send            func(method, path string, body io.Reader, contentType string) (int, string)
}

// matrixActors are the public and every role of the site, each signed in
// through the login form (a session), with its account's API token, and
// with a token of the service's configuration (--api-tokens), on a second
// server over the same world. No one follows redirects: where a form sends
// its sender is its answer.
func matrixActors(s *site) []matrixActor {
	static := map[string]string{"lund": "lund-static-token:officer:1281", "malmo": "malmo-static-token:officer:1280",
		"reviewer": "reviewer-static-token:reviewer", "admin": "admin-static-token:admin"}
	staticBase := s.w.Serve(s.t, strings.Join(slices.Collect(maps.Values(static)), ",")).URL
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	bearer := func(base, token string) func(string, string, io.Reader, string) (int, string) {
		return func(method, path string, body io.Reader, contentType string) (int, string) {
			req, _ := http.NewRequest(method, base+path, body)
			req.Header.Set("Content-Type", contentType)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			r := testworld.Do(s.t, client, req)
			return r.Status, string(r.Body)
		}
	}
	out := []matrixActor{{name: "public", role: "public", send: bearer(s.base, "")}}
	own := map[string]string{"lund": "1281", "malmo": "1280"}
	for _, role := range roleNames[1:] {
		b := s.browser().login(role)
		token, _, _ := strings.Cut(static[role], ":")
		out = append(out, matrixActor{name: role + " (session)", role: role, own: own[role], send: b.do},
			matrixActor{name: role + " (token)", role: role, own: own[role], send: bearer(s.base, s.tokens[role])},
			matrixActor{name: role + " (configured token)", role: role, own: own[role], send: bearer(staticBase, token)})
	}
	return out
}

// writeEndpoint is a write the routers offer, sent for the municipality
// code. expect gives the status an actor gets and the counts that change
// (every other count must stay); n makes each request's content unique.
type writeEndpoint struct {
	name   string
	member bool // code is a member before the request (else not)
	send   func(a matrixActor, code string, n int) (int, string)
	expect func(a matrixActor, code string) (int, []string)
}

// refused is what a refused actor gets: the public is asked to sign in
// (the API's 401, a page's redirect to the login form), the others 403;
// nothing is written.
func refused(a matrixActor, page bool) (int, []string) {
	switch {
	case a.role != "public":
		return http.StatusForbidden, nil
	case page:
		return http.StatusSeeOther, nil
	}
	return http.StatusUnauthorized, nil
}

// rowsFor are the counts a write of tables for code changes: each table's,
// and code's share where the counts keep one.
func rowsFor(code string, tables ...string) []string {
	out := slices.Clone(tables)
	for _, t := range tables {
		switch t {
		case "submissions", "inventory_values", "goals", "compliance_reviews", "compliance_replies", "members":
			out = append(out, t+"@"+code)
		}
	}
	slices.Sort(out)
	return out
}

// writeEndpoints lists every write of the routers (the API's and the
// portal's forms) but the login and logout, which write sessions for
// anyone who knows a password.
func writeEndpoints(t *testing.T) []writeEndpoint {
	form := func(v url.Values) (io.Reader, string) {
		return strings.NewReader(v.Encode()), "application/x-www-form-urlencoded"
	}
	return []writeEndpoint{
		{"POST /api/v1/submissions", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := multipartFile(map[string]string{"municipality": code}, reportFor(t, code, 2025, float64(100+n)))
			return a.send("POST", "/api/v1/submissions", body, ct)
		}, only(submitter, http.StatusCreated, false, "submissions", "submission_files", "inventory_values")},
		{"POST /rapportera", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := multipartFile(map[string]string{"kod": code}, reportFor(t, code, 2025, float64(100+n)))
			return a.send("POST", "/rapportera", body, ct)
		}, func(a matrixActor, code string) (int, []string) {
			switch {
			case submitter(a, code):
				return http.StatusOK, rowsFor(code, "submissions", "submission_files", "inventory_values")
			case a.own != "":
				// The form reports for the officer's own municipality,
				// whatever it names: the other's file is rejected and
				// kept in the officer's own history.
				return http.StatusUnprocessableEntity, rowsFor(a.own, "submissions", "submission_files")
			}
			return refused(a, true)
		}},
		{"POST /rapportera/svar", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := form(url.Values{"kod": {code}, "year": {"2025"}, "obligation": {"goals"}, "message": {fmt.Sprintf("Svar %d.", n)}})
			return a.send("POST", "/rapportera/svar", body, ct)
		}, func(a matrixActor, code string) (int, []string) {
			if a.own != "" {
				return http.StatusSeeOther, rowsFor(a.own, "compliance_replies") // the officer's own, as above
			}
			return refused(a, true)
		}},
		{"POST /api/v1/municipalities/{code}/compliance/reviews", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := jsonBody(map[string]any{"year": 2025, "obligation": "goals", "status": "uppfyllt", "comment": fmt.Sprintf("Beslut %d finns i protokollet.", n)})
			return a.send("POST", "/api/v1/municipalities/"+code+"/compliance/reviews", body, ct)
		}, only(isReviewer, http.StatusCreated, false, "compliance_reviews")},
		{"POST /api/v1/municipalities/{code}/compliance/replies", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := jsonBody(map[string]any{"year": 2025, "obligation": "goals", "message": fmt.Sprintf("Svar %d.", n)})
			return a.send("POST", "/api/v1/municipalities/"+code+"/compliance/replies", body, ct)
		}, only(officerOf, http.StatusCreated, false, "compliance_replies")},
		{"POST /granskning/{code}/granska", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := form(url.Values{"year": {"2025"}, "obligation": {"goals"}, "status": {"uppfyllt"}, "comment": {fmt.Sprintf("Beslut %d.", n)}})
			return a.send("POST", "/granskning/"+code+"/granska", body, ct)
		}, only(isReviewer, http.StatusSeeOther, true, "compliance_reviews")},
		{"POST /api/v1/members", false, func(a matrixActor, code string, n int) (int, string) {
			body, ct := jsonBody(map[string]any{"code": code, "joined": "2020-01-01"})
			return a.send("POST", "/api/v1/members", body, ct)
		}, only(isAdmin, http.StatusCreated, false, "members")},
		{"PATCH /api/v1/members/{code}", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := jsonBody(map[string]any{"officer": map[string]string{"name": fmt.Sprintf("Person %d", n), "email": "ny@example.se"}})
			return a.send("PATCH", "/api/v1/members/"+code, body, ct)
		}, only(isAdmin, http.StatusOK, false, "members")},
		{"POST /api/v1/members/{code}/end", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := jsonBody(map[string]any{"date": "2026-06-30"})
			return a.send("POST", "/api/v1/members/"+code+"/end", body, ct)
		}, only(isAdmin, http.StatusOK, false, "members")},
		{"POST /losenord with a forged link", true, func(a matrixActor, code string, n int) (int, string) {
			body, ct := form(url.Values{"nyckel": {"förfalskad-" + code}, "password": {webPassword}, "password2": {webPassword}})
			return a.send("POST", "/losenord", body, ct)
		}, func(matrixActor, string) (int, []string) { return http.StatusUnprocessableEntity, nil }},
		{"POST /medlemstest", false, func(a matrixActor, code string, n int) (int, string) {
			body, ct := form(url.Values{"code": {code}, "official_name": {"Anna"}, "official_email": {"anna@kommun.se"},
				"officer_name": {"Bo"}, "officer_email": {fmt.Sprintf("bo%d@kommun.se", n)}})
			return a.send("POST", "/medlemstest", body, ct)
		}, func(matrixActor, string) (int, []string) { return http.StatusOK, []string{"applications"} }}, // anyone may apply
	}
}

// only is the expectation of a write that may permits: status and the rows
// of tables for code, else refused (page: a form of the portal).
func only(may func(a matrixActor, code string) bool, status int, page bool, tables ...string) func(matrixActor, string) (int, []string) {
	return func(a matrixActor, code string) (int, []string) {
		if may(a, code) {
			return status, rowsFor(code, tables...)
		}
		return refused(a, page)
	}
}

// Who may write what for code: the register's administrators, reviewers
// (and administrators) of compliance, code's officer, and whoever may
// upload code's report.
func isAdmin(a matrixActor, _ string) bool      { return a.role == "admin" }
func isReviewer(a matrixActor, _ string) bool   { return a.role == "reviewer" || a.role == "admin" }
func officerOf(a matrixActor, code string) bool { return a.own == code }
func submitter(a matrixActor, code string) bool { return a.role == "admin" || a.own == code }

// TestRightsMatrix sends every write the routers offer as every role
// (public; Lund's and Malmö's officers; reviewer; admin), each signed in
// with a session, an account's API token and a configured token, for Lund
// and for Malmö: the officer of one municipality acting on the other's.
// Each answer's status is checked, and the rows of every table before and
// after: a refused request writes nothing, a permitted one writes only its
// own rows, for the municipality it may write for. Before each request,
// the command line restores what the write needs (a member to review, a
// non-member to add).
func TestRightsMatrix(t *testing.T) {
	testworld.Engines(t, siteOptions, func(t *testing.T, w *testworld.World) {
		w.ApplyPerHour = 1000     // every actor sends the member test from one address
		w.ImportMunicipalities(t) // the member test's places
		s := newSite(t, w)
		ctx := context.Background()
		actors := matrixActors(s)
		n := 0
		for _, ep := range writeEndpoints(t) {
			for _, code := range []string{"1281", "1280"} {
				for _, a := range actors {
					n++
					setMember(t, ctx, w, code, ep.member)
					before := tableCounts(t, w)
					status, body := ep.send(a, code, n)
					wantStatus, wantRows := ep.expect(a, code)
					if status != wantStatus {
						t.Errorf("%s for %s as %s: %d, want %d\n%s", ep.name, code, a.name, status, wantStatus, trim(body))
					}
					var changed []string
					for _, c := range changedTables(before, tableCounts(t, w)) {
						changed = append(changed, c[:strings.Index(c, ":")])
					}
					if !slices.Equal(changed, wantRows) {
						t.Errorf("%s for %s as %s changed %v, want %v", ep.name, code, a.name, changed, wantRows)
					}
				}
			}
		}
	})
}

// setMember makes code a member from 2020 (member) or ends its membership,
// as the command line does, if it is not so already.
func setMember(t *testing.T, ctx context.Context, w *testworld.World, code string, member bool) {
	t.Helper()
	cur, ok, err := w.Members.Get(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	active := ok && cur.Ended == nil
	switch {
	case member && !active:
		_, err = w.Members.Join(ctx, kr.System(), members.Member{Code: code, Joined: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, false, 0)
	case !member && active:
		_, err = w.Members.End(ctx, kr.System(), code, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))
	}
	if err != nil {
		t.Fatal(err)
	}
}
