package main

// Accounts, sessions and rights, through the assembled service (the real
// router of internal/app) on both engines.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

const webPassword = "ett långt och hemligt lösenord"

// site is the assembled service with one account of each role.
type site struct {
	t      *testing.T
	w      *testworld.World
	base   string
	tokens map[string]string // role name → API token
}

var roleNames = []string{"public", "lund", "malmo", "reviewer", "admin"}

// siteOptions are the world a site runs on: uploads up to 2 MB.
var siteOptions = testworld.Options{MaxUploadMB: 2}

func newSite(t *testing.T, w *testworld.World) *site {
	t.Helper()
	ctx := context.Background()
	s := &site{t: t, w: w, base: w.Serve(t, "").URL, tokens: map[string]string{}}
	w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280")
	for name, acc := range map[string]struct {
		role kr.Role
		code string
	}{"lund": {kr.RoleOfficer, "1281"}, "malmo": {kr.RoleOfficer, "1280"}, "reviewer": {kr.RoleReviewer, ""}, "admin": {kr.RoleAdmin, ""}} {
		created, err := w.Accounts.Create(ctx, kr.System(), emails[name], acc.role, acc.code, webPassword)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := w.Accounts.CreateToken(ctx, kr.System(), created.ID, "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[name] = secret
	}
	return s
}

// emails are the accounts' addresses, by role name.
var emails = map[string]string{"lund": "anna@lund.se", "malmo": "mats@malmo.se", "reviewer": "greta@klimatkommunerna.se", "admin": "ada@klimatkommunerna.se"}

// browser is a client with cookies, signed in through the login form. Like
// a browser, it says where its forms come from: from the service's own
// pages, unless from is set (another site's page).
type browser struct {
	s    *site
	c    *http.Client
	from string // the origin its forms are sent from; "" the service's own
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, body io.Reader, contentType string) (int, string) {
	b.s.t.Helper()
	req, _ := http.NewRequest(method, b.s.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch {
	case method == "GET":
	case b.from == "":
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", b.s.base)
	default:
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", b.from)
	}
	r := testworld.Do(b.s.t, b.c, req)
	return r.Status, string(r.Body)
}

func (b *browser) get(path string) (int, string) { return b.do("GET", path, nil, "") }

func (b *browser) post(path string, form url.Values) (int, string) {
	return b.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

func (b *browser) login(role string) *browser {
	b.s.t.Helper()
	if code, page := b.get("/logga-in"); code != 200 || !strings.Contains(page, `name="password"`) {
		b.s.t.Fatalf("the login form: %d\n%s", code, page)
	}
	code, body := b.post("/logga-in", url.Values{"email": {emails[role]}, "password": {webPassword}})
	if code != http.StatusSeeOther {
		b.s.t.Fatalf("login as %s: %d %s", role, code, body)
	}
	start := "/granskning"
	if role == "lund" || role == "malmo" {
		start = "/rapportera"
	}
	if code, body := b.get(start); code != 200 {
		b.s.t.Fatalf("%s after login: %d\n%s", start, code, body)
	}
	return b
}

// api calls the API with a role's token ("public": none).
func (s *site) api(role, method, path string, body io.Reader, contentType string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(method, s.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := s.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func multipartFile(fields map[string]string, file []byte) (io.Reader, string) {
	return testworld.UploadForm(fields, "rapport.xlsx", file)
}

func jsonBody(v any) (io.Reader, string) {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b), "application/json"
}

// TestAuthorizationTable enumerates every write endpoint and signed-in page
// against every role, including Lund's officer writing for Malmö by id, by
// path and by form field.
func TestAuthorizationTable(t *testing.T) {
	testworld.Engines(t, siteOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		lundFile, malmoFile := reportFor(t, "1281", 2025, 100), reportFor(t, "1280", 2025, 100)
		// Malmö's submission, to be read by id.
		code, body := s.upload("malmo", nil, malmoFile)
		if code != 201 {
			t.Fatalf("Malmö's upload: %d %s", code, body)
		}
		var malmoSub struct {
			Submission struct{ ID string } `json:"submission"`
		}
		json.Unmarshal([]byte(body), &malmoSub)

		type call struct {
			name, method, path string
			body               func() (io.Reader, string)
			allowed            map[string]bool
		}
		review := func() (io.Reader, string) {
			return jsonBody(map[string]any{"year": 2025, "obligation": "goals", "status": "uppfyllt", "comment": "Beslutet finns i protokollet."})
		}
		reply := func() (io.Reader, string) {
			return jsonBody(map[string]any{"year": 2025, "obligation": "goals", "message": "Vi har ett beslut."})
		}
		calls := []call{
			{"upload own file", "POST", "/api/v1/submissions", func() (io.Reader, string) { return multipartFile(nil, lundFile) },
				map[string]bool{"lund": true, "admin": true}},
			{"upload for Malmö by form field", "POST", "/api/v1/submissions", func() (io.Reader, string) {
				return multipartFile(map[string]string{"municipality": "1280"}, malmoFile)
			}, map[string]bool{"malmo": true, "admin": true}},
			{"read Malmö's submission by id", "GET", "/api/v1/submissions/" + malmoSub.Submission.ID, nil,
				map[string]bool{"malmo": true, "reviewer": true, "admin": true}},
			{"read Malmö's file by id", "GET", "/api/v1/submissions/" + malmoSub.Submission.ID + "/file", nil,
				map[string]bool{"malmo": true, "reviewer": true, "admin": true}},
			{"Malmö's history by path", "GET", "/api/v1/municipalities/1280/submissions", nil,
				map[string]bool{"malmo": true, "reviewer": true, "admin": true}},
			{"Malmö's compliance by path", "GET", "/api/v1/municipalities/1280/compliance?year=2025", nil,
				map[string]bool{"malmo": true, "reviewer": true, "admin": true}},
			{"review Malmö", "POST", "/api/v1/municipalities/1280/compliance/reviews", review,
				map[string]bool{"reviewer": true, "admin": true}},
			{"reply for Malmö by path", "POST", "/api/v1/municipalities/1280/compliance/replies", reply,
				map[string]bool{"malmo": true}},
			{"all compliance (officers: their own only)", "GET", "/api/v1/compliance?year=2025", nil,
				map[string]bool{"lund": true, "malmo": true, "reviewer": true, "admin": true}},
			{"board export", "GET", "/api/v1/compliance.xlsx?year=2025", nil, map[string]bool{"reviewer": true, "admin": true}},
			{"add a member", "POST", "/api/v1/members", func() (io.Reader, string) {
				return jsonBody(map[string]any{"code": "0180", "joined": "2026-01-01"})
			}, map[string]bool{"admin": true}},
			{"change a member", "PATCH", "/api/v1/members/1280", func() (io.Reader, string) {
				return jsonBody(map[string]any{"officer": map[string]string{"name": "Mats", "email": "mats@malmo.se"}})
			}, map[string]bool{"admin": true}},
			{"end a membership", "POST", "/api/v1/members/0180/end", func() (io.Reader, string) {
				return jsonBody(map[string]any{"date": "2026-06-30"})
			}, map[string]bool{"admin": true}},
		}
		for _, c := range calls {
			for _, role := range roleNames {
				var body io.Reader
				var ctype string
				if c.body != nil {
					body, ctype = c.body()
				}
				code, out := s.api(role, c.method, c.path, body, ctype)
				allowed := code < 400 || code == 409 // 409: allowed, but already done by an earlier role
				if allowed != c.allowed[role] {
					t.Errorf("%s as %s: %d, want allowed=%v\n%s", c.name, role, code, c.allowed[role], trim(out))
				}
				if !c.allowed[role] && role == "public" && code != 401 {
					t.Errorf("%s as public: %d, want 401", c.name, code)
				}
			}
		}
		_, out0 := s.api("lund", "GET", "/api/v1/compliance?year=2025", nil, "")
		if strings.Contains(out0, `"1280"`) || !strings.Contains(out0, `"1281"`) {
			t.Errorf("Lund's officer sees other members' compliance: %s", trim(out0))
		}
		// Lund's officer uploading Malmö's file: rejected, nothing stored for Malmö.
		code, out := s.upload("lund", nil, malmoFile)
		if code != 422 || !strings.Contains(out, "wrong_municipality") {
			t.Errorf("Lund's officer with Malmö's file: %d %s", code, trim(out))
		}
		// The signed-in pages.
		pages := []struct {
			path    string
			allowed map[string]bool
		}{
			{"/rapportera", map[string]bool{"lund": true, "malmo": true}},
			{"/rapportera?kod=1280", map[string]bool{"lund": true, "malmo": true, "admin": true}}, // an officer always sees their own
			{"/granskning", map[string]bool{"reviewer": true, "admin": true}},
			{"/granskning/1280", map[string]bool{"reviewer": true, "admin": true}},
		}
		for _, p := range pages {
			for _, role := range roleNames {
				b := s.browser()
				if role != "public" {
					b.login(role)
				}
				code, body := b.get(p.path)
				if (code == 200) != p.allowed[role] {
					t.Errorf("GET %s as %s: %d, want allowed=%v", p.path, role, code, p.allowed[role])
				}
				if p.path == "/rapportera?kod=1280" && role == "lund" && !strings.Contains(body, "(1281)") {
					t.Errorf("Lund's officer asking for Malmö's page got another municipality's page")
				}
				if role == "public" && code != http.StatusSeeOther {
					t.Errorf("GET %s signed out: %d, want a redirect to the login page", p.path, code)
				}
			}
		}
		// Page forms: Lund's officer setting a status for Malmö.
		b := s.browser().login("lund")
		if code, _ := b.post("/granskning/1280/granska", url.Values{"year": {"2025"}, "obligation": {"goals"},
			"status": {"uppfyllt"}, "comment": {"Jag godkänner mig själv."}}); code != 403 {
			t.Errorf("Lund's officer reviewing Malmö through the page: %d, want 403", code)
		}
	})
}

// upload posts a workbook to the API as a role.
func (s *site) upload(role string, fields map[string]string, file []byte) (int, string) {
	body, ct := multipartFile(fields, file)
	return s.api(role, "POST", "/api/v1/submissions", body, ct)
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

var _ = fmt.Sprint
var _ = os.Getenv
var _ = excelize.NewFile
var _ = accounts.NewThrottle
var _ = workbook.DefaultLimits
