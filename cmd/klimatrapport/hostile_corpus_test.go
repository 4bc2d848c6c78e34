package main

// The attack corpus through the real router of the wired service, on both
// engines: hostile files get their problem code and a Swedish refusal and
// leave nothing visible, hostile file names are never shown raw, every
// redirect stays on the site, and an officer cannot write for another
// municipality.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// corpusOptions take uploads up to the default limit, as serve does: the
// hostile files are built to fit in it.
var corpusOptions = testworld.Options{}

// TestHostileFilesThroughAPI: every hostile file, uploaded by Lund's
// officer, is refused with its problem code and a Swedish message, its
// annotated copy is answered without a failure, and nothing of it becomes
// visible.
func TestHostileFilesThroughAPI(t *testing.T) {
	files := workbooktest.HostileFiles()
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		accepted := 0 // inventory values of the valid workbooks under hostile names
		for _, h := range files {
			body, ct := testworld.UploadForm(nil, h.File, h.Content)
			status, out := s.api("lund", "POST", "/api/v1/submissions", body, ct)
			var e apiError
			json.Unmarshal([]byte(out), &e)
			var r struct{ Submission kr.Submission }
			json.Unmarshal([]byte(out), &r)
			if r.Submission.ID != "" {
				// The stored file's annotated copy: never a failure, nor
				// a second parse of a bomb.
				if code, ann := s.api("lund", "GET", "/api/v1/submissions/"+r.Submission.ID+"/annotated.xlsx", nil, ""); code >= 500 {
					t.Errorf("%s: annotated copy %d %s", h.Name, code, trim(ann))
				}
			}
			if h.Problem == "" {
				// A valid workbook under a hostile name: taken or refused
				// as validation says, never a failure of the service.
				if status == http.StatusCreated {
					accepted += r.Submission.Counts.Inventory
				}
				if status >= 500 || status >= 400 && !readsSwedish(e.Error.Message) {
					t.Errorf("%s: %d %s", h.Name, status, trim(out))
				}
				continue
			}
			codes := []string{e.Error.Code}
			for _, it := range e.Report {
				codes = append(codes, it.Code)
			}
			switch {
			case status != http.StatusUnprocessableEntity && status != http.StatusRequestEntityTooLarge:
				t.Errorf("%s: %d, want 422 or 413: %s", h.Name, status, trim(out))
			case !slices.Contains(codes, h.Problem):
				t.Errorf("%s: problem codes %v, want %q", h.Name, codes, h.Problem)
			case !readsSwedish(e.Error.Message):
				t.Errorf("%s: message %q is not Swedish", h.Name, e.Error.Message)
			}
		}
		if n := count(t, w.DB, visibleValues); n != uint64(accepted) {
			t.Errorf("%d values visible, want the %d of the valid workbooks: the hostile files left some", n, accepted)
		}
	})
}

// TestHostileFilesThroughUploadPage: the same files through the upload
// form of /rapportera are refused (422 or 413) with the parser's Swedish
// message on the page.
func TestHostileFilesThroughUploadPage(t *testing.T) {
	files := workbooktest.HostileFiles()
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		b := newSite(t, w).browser().login("lund")
		for _, h := range files {
			if h.Problem == "" {
				continue
			}
			_, perr := workbook.Parse(bytes.NewReader(h.Content), int64(len(h.Content)), workbook.Limits{})
			want := kr.MessageOf(perr)
			body, ct := testworld.UploadForm(map[string]string{"kod": "1281"}, h.File, h.Content)
			code, page := b.do("POST", "/rapportera", body, ct)
			if code != http.StatusUnprocessableEntity && code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: %d, want 422 or 413", h.Name, code)
			}
			if perr == nil || !strings.Contains(page, html.EscapeString(want)) {
				t.Errorf("%s: the page lacks the parser's message %q (%v)", h.Name, want, perr)
			}
		}
	})
}

// hostileNames are file names an attacker might give a valid workbook:
// markup, quotes, control characters, paths, a formula, a direction
// override, a very long name.
var hostileNames = []string{
	`<script>alert(1)</script>.xlsx`,
	`"><img src=x onerror=alert(1)>.xlsx`,
	"a\x00b.xlsx",
	"rapport\x1b[31m.xlsx",
	`..\..\windows\win.ini.xlsx`,
	`=HYPERLINK("https://evil.example","klicka").xlsx`,
	"rapport\u202egsm.xlsx",
	"'; DROP TABLE submissions; --.xlsx",
	strings.Repeat("å", 300) + ".xlsx",
}

// raw reports whether name has a character that a page or JSON must not
// carry as it came: markup, double quotes, a path separator, control or
// direction characters.
func raw(name string) bool {
	return strings.ContainsAny(name, `<>"&/`) || strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	})
}

// TestHostileFileNamesNotShownRaw: valid workbooks uploaded under hostile
// names; the pages, the JSON and the download headers that show a file name
// show it escaped or cleaned, never as it came.
func TestHostileFileNamesNotShownRaw(t *testing.T) {
	names := slices.Clone(hostileNames)
	for _, h := range workbooktest.HostileFiles() {
		if !slices.Contains(names, h.File) {
			names = append(names, h.File)
		}
	}
	noRawName := func(t *testing.T, where, text string) {
		t.Helper()
		for _, name := range names {
			if raw(name) && strings.Contains(text, strings.TrimSuffix(name, ".xlsx")) {
				t.Errorf("%s shows the file name %q raw", where, name)
			}
		}
	}
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		var ids []string
		for i, name := range names {
			body, ct := testworld.UploadForm(nil, name, reportFor(t, "1281", 2025, float64(100+i)))
			status, out := s.api("lund", "POST", "/api/v1/submissions", body, ct)
			var r struct {
				Submission struct{ ID string } `json:"submission"`
			}
			json.Unmarshal([]byte(out), &r)
			if status >= 500 {
				t.Errorf("upload as %q: %d %s", name, status, trim(out))
			}
			noRawName(t, fmt.Sprintf("upload answer for %q", name), out)
			if r.Submission.ID != "" {
				ids = append(ids, r.Submission.ID)
			}
		}
		officer := s.browser().login("lund")
		reviewer := s.browser().login("reviewer")
		for _, p := range []struct {
			b    *browser
			path string
		}{{s.browser(), "/kommun/1281"}, {officer, "/rapportera"}, {reviewer, "/granskning/1281"}} {
			_, body := p.b.get(p.path)
			noRawName(t, p.path, body)
		}
		_, list := s.api("lund", "GET", "/api/v1/municipalities/1281/submissions", nil, "")
		noRawName(t, "the submission list", list)
		for _, id := range ids {
			req, _ := http.NewRequest("GET", s.base+"/api/v1/submissions/"+id+"/file", nil)
			req.Header.Set("Authorization", "Bearer "+s.tokens["lund"])
			r := testworld.Do(t, nil, req)
			noRawName(t, "Content-Disposition of "+id, r.Header.Get("Content-Disposition"))
			_, one := s.api("lund", "GET", "/api/v1/submissions/"+id, nil, "")
			noRawName(t, "submission "+id, one)
		}
	})
}

// hostileNexts are places to go after signing in that a browser could take
// off the site, besides those the portal's own test lists: dot segments,
// user info, semicolons, encoded and doubly encoded slashes and
// backslashes, lookalike slashes and dots, other schemes.
var hostileNexts = []string{
	"//evil.example", "/\\evil.example", "/%09/evil.example", "https://evil.example", "/\t/evil",
	"javascript:alert(1)", "/%2F%2Fevil.example", "\\\\evil", "/.%2e/", "/.%2e/.%2e//evil.example",
	"/%2e%2e/%2e%2e//evil.example", "/@evil.example", "/%40evil.example", "/;//evil.example",
	"/?//evil.example", "/#//evil.example", "/\u3002/evil.example", "/\u2044\u2044evil.example",
	"/%E2%81%84%E2%81%84evil.example", "/%u002F%u002Fevil.example", "//%65vil.example",
	"/%252e%252e/%252f/evil.example", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
	"http:\\\\evil.example", "/\\/evil.example", "/ /evil.example", "%2F%2Fevil.example",
}

// nastaField is the login form's hidden field with the place to go next.
var nastaField = regexp.MustCompile(`name="nasta" value="([^"]*)"`)

// onSite reports whether location, a Location header, stays on the site
// whatever the browser does with it: a path, with no scheme or host, that
// does not start with two slashes or a backslash once decoded.
func onSite(location string) bool {
	if location == "" || strings.ContainsFunc(location, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return false
	}
	u, err := url.Parse(location)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	p := strings.ReplaceAll(u.Path, "\\", "/")
	return !strings.HasPrefix(p, "//") && !strings.HasPrefix(location, "/\\") && !strings.HasPrefix(location, "//")
}

// TestHostileRedirectsStayOnSite: after signing in with a hostile nasta,
// from the form and from the link that sends a visitor to the login page,
// and on any path the router redirects (a trailing slash, a doubled
// slash), the Location is a path on this site.
func TestHostileRedirectsStayOnSite(t *testing.T) {
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		for _, next := range hostileNexts {
			b := s.browser()
			req, _ := http.NewRequest("POST", s.base+"/logga-in", strings.NewReader(url.Values{
				"email": {emails["lund"]}, "password": {webPassword}, "nasta": {next}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", s.base)
			r := testworld.Do(t, b.c, req)
			if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || !onSite(loc) {
				t.Errorf("login with nasta=%q: %d Location %q, want a redirect to a path on the site", next, r.Status, loc)
			}
			code, page := b.get("/logga-in?nasta=" + url.QueryEscape(next))
			m := nastaField.FindStringSubmatch(page)
			if code != http.StatusOK || m == nil || m[1] != "" && !onSite(html.UnescapeString(m[1])) {
				t.Errorf("login form with nasta=%q: %d, the form keeps %q, want a path on the site or nothing", next, code, m)
			}
		}
		// Paths the router itself may redirect, signed in and not.
		officer := s.browser().login("lund")
		for _, path := range []string{"//evil.example/", "//evil.example/%2e%2e", "/\\evil.example/", "/rapportera/",
			"/rapportera//evil.example/", "/%2F%2Fevil.example/", "/kommun/1281/", "///evil.example//"} {
			for _, b := range []*browser{s.browser(), officer} {
				req, err := http.NewRequest("GET", s.base+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.URL.Opaque = path // sent as written, not cleaned by the client
				r := testworld.Do(t, b.c, req)
				if loc := r.Header.Get("Location"); loc != "" && !onSite(loc) {
					t.Errorf("GET %s: %d Location %q, off the site", path, r.Status, loc)
				}
			}
		}
	})
}

// TestCrossMunicipalityWriteRefused: Lund's officer sends a workbook that
// states Malmö's code, by the API with and without naming Malmö in the
// form, and through the upload page; each is refused and nothing is stored
// under Malmö's code.
func TestCrossMunicipalityWriteRefused(t *testing.T) {
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		malmo := reportFor(t, "1280", 2025, 100)
		for _, fields := range []map[string]string{nil, {"municipality": "1280"}, {"municipality": " 1280"}} {
			body, ct := testworld.UploadForm(fields, "malmo.xlsx", malmo)
			status, out := s.api("lund", "POST", "/api/v1/submissions", body, ct)
			var e apiError
			json.Unmarshal([]byte(out), &e)
			if status != http.StatusUnprocessableEntity && status != http.StatusForbidden || !readsSwedish(e.Error.Message) {
				t.Errorf("Lund's officer, Malmö's file, form %v: %d %s; want 422 or 403 in Swedish", fields, status, trim(out))
			}
		}
		b := s.browser().login("lund")
		body, ct := testworld.UploadForm(map[string]string{"kod": "1280"}, "malmo.xlsx", malmo)
		if code, page := b.do("POST", "/rapportera", body, ct); code != http.StatusUnprocessableEntity && code != http.StatusForbidden {
			t.Errorf("the upload page with Malmö's file: %d %s", code, trim(page))
		}
		for _, table := range []string{"submissions", "inventory_values", "goals", "action_plans", "measures"} {
			if n := count(t, w.DB, "SELECT count() AS n FROM "+table+" WHERE municipality_code = '1280'"); n != 0 {
				t.Errorf("%d rows of %s stored under Malmö's code", n, table)
			}
		}
	})
}

// hostileRequest is one request with a hostile query string, header or
// cookie.
type hostileRequest struct {
	name, method, path string
	header             map[string]string
}

// hostileRequests are requests that must be answered without a failure of
// the service: absurd and repeated query parameters, ids that are not ids,
// oversized and malformed credentials and cookies.
func hostileRequests() []hostileRequest {
	many := strings.Repeat("kod=1281&", 2000)
	return []hostileRequest{
		{"2000 codes to compare", "GET", "/jamfor?" + many, nil},
		{"2000 municipalities in a series", "GET", "/api/v1/emissions?" + strings.ReplaceAll(many, "kod", "municipality"), nil},
		{"years out of range", "GET", "/api/v1/emissions?municipality=1281&from=-9223372036854775808&to=9223372036854775807", nil},
		{"years as text", "GET", "/api/v1/emissions?municipality=1281&from=%27%3B--&to=NaN&per_capita=kanske", nil},
		{"as_of far away", "GET", "/api/v1/municipalities/1281/metrics?as_of=99999999999", nil},
		{"ranking by an unknown metric", "GET", "/api/v1/ranking?metric=%3Cscript%3E&year=1e309", nil},
		{"compliance year overflow", "GET", "/api/v1/compliance?year=18446744073709551616", map[string]string{"Authorization": "Bearer admin"}},
		{"a code with SQL", "GET", "/api/v1/municipalities/1281'%20OR%201=1--/submissions", map[string]string{"Authorization": "Bearer admin"}},
		{"a submission id that is no UUID", "GET", "/api/v1/submissions/..%2F..%2Fetc%2Fpasswd", map[string]string{"Authorization": "Bearer admin"}},
		{"a page for a code of 10 000 digits", "GET", "/kommun/" + strings.Repeat("9", 10000), nil},
		{"a bearer token of 64 KiB", "GET", "/api/v1/municipalities/1281/submissions", map[string]string{"Authorization": "Bearer " + strings.Repeat("A", 64<<10)}},
		{"a bearer token that is not text", "GET", "/api/v1/municipalities/1281/submissions", map[string]string{"Authorization": "Bearer \xff\xfe~x"}},
		{"basic credentials", "POST", "/api/v1/submissions", map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}},
		{"a session cookie of 32 KiB", "GET", "/rapportera", map[string]string{"Cookie": "klimatrapport_session=" + strings.Repeat("x", 32<<10)}},
		{"a session cookie that is not text", "GET", "/granskning", map[string]string{"Cookie": "klimatrapport_session=\xff%00%zz; session=; =;;;"}},
		{"a thousand cookies", "GET", "/rapportera", map[string]string{"Cookie": strings.Repeat("a=b; ", 1000)}},
		{"a request id of 8 KiB with a newline", "GET", "/healthz", map[string]string{"X-Request-ID": strings.Repeat("r", 8<<10) + "\\nSet-Cookie: a=b"}},
		{"a forged client address", "GET", "/logga-in", map[string]string{"X-Forwarded-For": strings.Repeat("1.2.3.4, ", 1000), "X-Real-IP": "<script>"}},
		{"a multipart upload without a boundary", "POST", "/api/v1/submissions", map[string]string{"Authorization": "Bearer admin", "Content-Type": "multipart/form-data"}},
		{"a multipart upload with a boundary of 10 000 bytes", "POST", "/api/v1/submissions", map[string]string{"Authorization": "Bearer admin",
			"Content-Type": "multipart/form-data; boundary=" + strings.Repeat("b", 10000)}},
	}
}

// TestHostileRequestsAnsweredCleanly: hostile query strings, headers and
// cookies get an answer below 500; an API refusal is a JSON error in
// Swedish, and nothing hostile is echoed raw.
func TestHostileRequestsAnsweredCleanly(t *testing.T) {
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		client := s.browser().c
		for _, h := range hostileRequests() {
			req, err := http.NewRequest(h.method, s.base+h.path, strings.NewReader(""))
			if err != nil {
				t.Fatalf("%s: %v", h.name, err)
			}
			for k, v := range h.header {
				if v == "Bearer admin" {
					v = "Bearer " + s.tokens["admin"]
				}
				req.Header[k] = []string{v}
			}
			r := testworld.Do(t, client, req)
			body := string(r.Body)
			if r.Status >= 500 {
				t.Errorf("%s: %d %s", h.name, r.Status, trim(body))
				continue
			}
			if strings.HasPrefix(h.path, "/api/") && r.Status >= 400 {
				var e apiError
				if err := json.Unmarshal(r.Body, &e); err != nil || !readsSwedish(e.Error.Message) {
					t.Errorf("%s: %d without a Swedish JSON error: %s", h.name, r.Status, trim(body))
				}
			}
			if strings.Contains(body, "<script>") || r.Header.Get("Set-Cookie") == "a=b" {
				t.Errorf("%s: the answer echoes hostile input: %s", h.name, trim(body))
			}
		}
	})
}

// hostileForm is a multipart body built by hand, to send shapes a browser
// never would.
func hostileForm(parts func(w *multipart.Writer)) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	parts(w)
	w.Close()
	return &b, w.FormDataContentType()
}

// TestHostileMultipartShapes: upload forms of shapes a browser never sends
// (two files, a flood of fields, a huge part header, a municipality field
// of 1 MiB, no file at all) are answered below 500, refusals in Swedish,
// and nothing is stored under another municipality.
func TestHostileMultipartShapes(t *testing.T) {
	testworld.Engines(t, corpusOptions, func(t *testing.T, w *testworld.World) {
		s := newSite(t, w)
		lund, malmo := reportFor(t, "1281", 2025, 100), reportFor(t, "1280", 2025, 100)
		file := func(w *multipart.Writer, name string, content []byte) {
			fw, _ := w.CreateFormFile("file", name)
			fw.Write(content)
		}
		for _, c := range []struct {
			name  string
			parts func(w *multipart.Writer)
		}{
			{"two files, Malmö's second", func(w *multipart.Writer) { file(w, "a.xlsx", lund); file(w, "b.xlsx", malmo) }},
			{"two files, Malmö's first", func(w *multipart.Writer) { file(w, "b.xlsx", malmo); file(w, "a.xlsx", lund) }},
			{"100 000 fields before the file", func(w *multipart.Writer) {
				for i := range 100000 {
					w.WriteField(fmt.Sprintf("f%d", i), "x")
				}
				file(w, "a.xlsx", lund)
			}},
			{"a file name of 64 KiB", func(w *multipart.Writer) { file(w, strings.Repeat("n", 64<<10)+".xlsx", lund) }},
			{"a municipality field of 1 MiB", func(w *multipart.Writer) {
				w.WriteField("municipality", "1280"+strings.Repeat(" ", 1<<20))
				file(w, "a.xlsx", lund)
			}},
			{"the municipality field twice", func(w *multipart.Writer) {
				w.WriteField("municipality", "1281")
				w.WriteField("municipality", "1280")
				file(w, "b.xlsx", malmo)
			}},
			{"no file, only fields", func(w *multipart.Writer) { w.WriteField("file", "inte en fil") }},
			{"nothing at all", func(*multipart.Writer) {}},
		} {
			body, ct := hostileForm(c.parts)
			status, out := s.api("lund", "POST", "/api/v1/submissions", body, ct)
			var e apiError
			json.Unmarshal([]byte(out), &e)
			if status >= 500 || status >= 400 && !readsSwedish(e.Error.Message) {
				t.Errorf("%s: %d %s", c.name, status, trim(out))
			}
		}
		if n := count(t, w.DB, "SELECT count() AS n FROM submissions WHERE municipality_code = '1280'"); n != 0 {
			t.Errorf("%d submissions stored under Malmö's code by Lund's officer", n)
		}
	})
}
