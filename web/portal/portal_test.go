package portal_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

const password = "ett långt och hemligt lösenord"

// visitor is a browser on the service's own pages: it keeps cookies, does
// not follow redirects and says where its forms come from.
type visitor struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newVisitor(t *testing.T, base string) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) do(method, path string, body io.Reader, ctype string) testworld.Response {
	v.t.Helper()
	req, _ := http.NewRequest(method, v.base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method != http.MethodGet {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", v.base)
	}
	return testworld.Do(v.t, v.c, req)
}

func (v *visitor) post(path string, form url.Values) testworld.Response {
	return v.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// createAccounts creates the tests' two accounts, with password: Lund's
// officer anna@lund.se and the reviewer greta@klimatkommunerna.se.
func createAccounts(t *testing.T, w *testworld.World) {
	t.Helper()
	for email, role := range map[string]kr.Role{"anna@lund.se": kr.RoleOfficer, "greta@klimatkommunerna.se": kr.RoleReviewer} {
		code := ""
		if role == kr.RoleOfficer {
			code = "1281"
		}
		if _, err := w.Accounts.Create(context.Background(), kr.System(), email, role, code, password); err != nil {
			t.Fatal(err)
		}
	}
}

func (v *visitor) login(email string) *visitor {
	v.t.Helper()
	if r := v.post("/logga-in", url.Values{"email": {email}, "password": {password}}); r.Status != http.StatusSeeOther {
		v.t.Fatalf("login as %s: %d %s", email, r.Status, r.Body)
	}
	return v
}

// TestPortalPages: the signed-in pages in the shared frame (the account in
// the header, a logout form without a token), and their errors on the one
// error page: a visitor who must sign in is sent to the login page, a
// wrong address is 400, a right they lack 403, a form that did not go
// through says so; none of them is cached.
func TestPortalPages(t *testing.T) {
	testworld.Engines(t, testworld.Options{MaxUploadMB: 1}, func(t *testing.T, w *testworld.World) {
		w.ImportMunicipalities(t)
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280")
		createAccounts(t, w)
		base := w.Serve(t, "").URL

		anon := newVisitor(t, base)
		if r := anon.do("GET", "/granskning?ar=2025", nil, ""); r.Status != http.StatusSeeOther ||
			r.Header.Get("Location") != "/logga-in?nasta="+url.QueryEscape("/granskning?ar=2025") {
			t.Errorf("/granskning signed out: %d %s", r.Status, r.Header.Get("Location"))
		}
		if r := anon.do("GET", "/logga-in", nil, ""); r.Status != 200 || bytes.Contains(r.Body, []byte(`type="hidden" name="csrf"`)) ||
			!bytes.Contains(r.Body, []byte(`<a href="/logga-in">Logga in</a>`)) {
			t.Errorf("the login form: %d\n%s", r.Status, r.Body)
		}

		officer := newVisitor(t, base).login("anna@lund.se")
		r := officer.do("GET", "/rapportera", nil, "")
		page := string(r.Body)
		if r.Status != 200 || !strings.Contains(page, `<span class="who">anna@lund.se</span>`) ||
			!strings.Contains(page, `<form method="post" action="/logga-ut" class="inline"><button type="submit">Logga ut</button></form>`) ||
			!strings.Contains(page, "högst 1 MB") || r.Header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("/rapportera: %d %v\n%s", r.Status, r.Header, page)
		}
		reviewer := newVisitor(t, base).login("greta@klimatkommunerna.se")
		for _, c := range []struct {
			who              *visitor
			method, path     string
			form             url.Values
			status           int
			heading, message string
		}{
			{officer, "GET", "/granskning", nil, 403, "Du får inte se den här sidan", ""},
			{reviewer, "GET", "/granskning?ar=1800", nil, 400, "Adressen går inte att visa", "Året ska vara mellan"},
			{reviewer, "GET", "/granskning?status=bra", nil, 400, "Adressen går inte att visa", "Statusen"},
			{reviewer, "GET", "/rapportera", nil, 400, "Adressen går inte att visa", "Ange vilken kommun"},
			{officer, "POST", "/granskning/1280/granska", url.Values{"year": {"2025"}, "obligation": {"goals"}, "status": {"uppfyllt"},
				"comment": {"Jag godkänner mig själv."}}, 403, "Det gick inte", ""},
			{officer, "POST", "/rapportera/svar", url.Values{"year": {"2025"}, "obligation": {"inget"}, "message": {"Hej"}}, 422, "Det gick inte", ""},
		} {
			var r testworld.Response
			if c.method == "GET" {
				r = c.who.do("GET", c.path, nil, "")
			} else {
				r = c.who.post(c.path, c.form)
			}
			page := string(r.Body)
			if r.Status != c.status || !strings.Contains(page, "<h1>"+c.heading+"</h1>") || !strings.Contains(page, c.message) ||
				r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(page, `class="skip-link"`) {
				t.Errorf("%s %s: %d, want %d with %q and %q\n%s", c.method, c.path, r.Status, c.status, c.heading, c.message, page)
			}
		}

		// The upload form reads the file as the API does: the same limit
		// and the same words, whether the handler finds the file too large
		// or the shell the whole request.
		for _, size := range []int{1<<20 + 1, 3 << 20} {
			body, ctype := testworld.UploadForm(nil, "stor.xlsx", bytes.Repeat([]byte("x"), size))
			if r := officer.do("POST", "/rapportera", body, ctype); r.Status != http.StatusRequestEntityTooLarge ||
				!bytes.Contains(r.Body, []byte("<h1>Det gick inte</h1>")) || !bytes.Contains(r.Body, []byte("Filen är för stor. Den får vara högst 1 MB.")) {
				t.Errorf("an upload of %d bytes: %d\n%s", size, r.Status, r.Body)
			}
		}

		// A form that another site makes the officer's browser send is
		// refused on the error page; the API answers the same in JSON.
		req, _ := http.NewRequest("POST", base+"/rapportera/svar", strings.NewReader("year=2025&obligation=goals&message=Hej"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://elak.example")
		if r := testworld.Do(t, officer.c, req); r.Status != http.StatusForbidden || !bytes.Contains(r.Body, []byte("<h1>Det gick inte</h1>")) ||
			!bytes.Contains(r.Body, []byte("från en annan webbplats")) {
			t.Errorf("a form from another site: %d\n%s", r.Status, r.Body)
		}
		req, _ = http.NewRequest("POST", base+"/api/v1/municipalities/1281/compliance/replies", strings.NewReader(`{}`))
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := testworld.Do(t, officer.c, req); r.Status != http.StatusForbidden || !bytes.Contains(r.Body, []byte(`"code":"csrf"`)) {
			t.Errorf("an API write from another site: %d %s", r.Status, r.Body)
		}
		if r := officer.post("/rapportera", url.Values{"kod": {"1281"}}); r.Status != http.StatusUnprocessableEntity ||
			!bytes.Contains(r.Body, []byte("Ingen fil kom med")) {
			t.Errorf("an upload without a file: %d\n%s", r.Status, r.Body)
		}

		// Signing out ends the session.
		if r := officer.post("/logga-ut", nil); r.Status != http.StatusSeeOther {
			t.Errorf("logout: %d", r.Status)
		}
		if r := officer.do("GET", "/rapportera", nil, ""); r.Status != http.StatusSeeOther {
			t.Errorf("/rapportera after signing out: %d", r.Status)
		}
	})
}
