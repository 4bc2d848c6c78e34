package pages_test

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/browsertest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// officerEmail has characters HTML escapes, so the header must escape it.
const officerEmail = "anna.o'brien&co@lund.se"

const officerPassword = "ett långt och hemligt lösenord"

const (
	loginLink  = `<a href="/logga-in">Logga in</a>`
	logoutForm = `<form method="post" action="/logga-ut" class="inline"><button type="submit">Logga ut</button></form>`
)

// TestHeaderOfCachedPages: the public pages are rendered once for
// everyone and served from the cache, yet a signed-in officer who asks for
// one after the public did sees their own account in the header (their
// e-mail, escaped, "Rapportera" and the logout form, a form that needs no
// script and is reached with the keyboard), never "Logga in", in a response
// that is not stored and has no ETag, so neither their browser's copy of
// the public page (If-None-Match) nor a proxy's answers them. The public
// still get the very same cached page, "Logga in" and cacheable, and the
// cached body never holds the officer's e-mail.
func TestHeaderOfCachedPages(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		if _, err := f.Accounts.Create(ctx, kr.System(), officerEmail, kr.RoleOfficer, "1281", officerPassword); err != nil {
			t.Fatal(err)
		}
		officer := signIn(t, f, officerEmail)
		escaped := template.HTMLEscapeString(officerEmail)
		for _, path := range []string{"/kommun/1281", "/", "/rangordning", "/jamfor?kod=1281"} {
			public := get(t, f.url+path)
			if public.status != http.StatusOK || !strings.Contains(string(public.body), loginLink) ||
				!strings.HasPrefix(public.header.Get("Cache-Control"), "public") || public.header.Get("ETag") == "" {
				t.Fatalf("GET %s, public: %d, Cache-Control %q, ETag %q, login link %v", path, public.status,
					public.header.Get("Cache-Control"), public.header.Get("ETag"), strings.Contains(string(public.body), loginLink))
			}
			req, _ := http.NewRequest(http.MethodGet, f.url+path, nil)
			own := testworld.Do(t, officer, req)
			page := string(own.Body)
			if own.Status != http.StatusOK || strings.Contains(page, "Logga in") || !strings.Contains(page, `<span class="who">`+escaped+`</span>`) ||
				!strings.Contains(page, `<a href="/rapportera">Rapportera</a>`) || !strings.Contains(page, logoutForm) {
				t.Errorf("GET %s, signed in: %d, want the officer's account in the header:\n%s", path, own.Status, header(page))
			}
			if strings.Contains(page, officerEmail) {
				t.Errorf("GET %s, signed in: the e-mail is not HTML-escaped:\n%s", path, header(page))
			}
			if own.Header.Get("Cache-Control") != "no-store" || own.Header.Get("ETag") != "" {
				t.Errorf("GET %s, signed in: Cache-Control %q, ETag %q, want no-store and none", path,
					own.Header.Get("Cache-Control"), own.Header.Get("ETag"))
			}
			// The browser kept the public page from before the officer signed in.
			req.Header.Set("If-None-Match", public.header.Get("ETag"))
			if r := testworld.Do(t, officer, req); r.Status != http.StatusOK || !strings.Contains(string(r.Body), logoutForm) {
				t.Errorf("GET %s, signed in, with the public page's ETag: %d, want the page with the account", path, r.Status)
			}
			if withoutAccount(page) != withoutAccount(string(public.body)) {
				t.Errorf("GET %s, signed in: the page differs from the public one beyond the header's account", path)
			}

			// Without compression the public get the cached body's bytes as they are.
			plainReq, _ := http.NewRequest(http.MethodGet, f.url+path, nil)
			plainReq.Header.Set("Accept-Encoding", "identity")
			cached := testworld.Do(t, nil, plainReq)
			if cached.Status != http.StatusOK || string(cached.Body) != string(public.body) ||
				strings.Contains(string(cached.Body), escaped) || strings.Contains(string(cached.Body), officerEmail) {
				t.Errorf("GET %s: the cached body changed or holds the officer's account:\n%s", path, header(string(cached.Body)))
			}
			again := get(t, f.url+path)
			// The same body, the second time compressed (publish.Body.Serve).
			if string(again.body) != string(public.body) || strings.Replace(again.header.Get("ETag"), `-gzip"`, `"`, 1) != public.header.Get("ETag") ||
				again.header.Get("Cache-Control") != public.header.Get("Cache-Control") {
				t.Errorf("GET %s, public after the officer: not the same cached page (ETag %q, was %q)", path,
					again.header.Get("ETag"), public.header.Get("ETag"))
			}
		}
		// The comparison's form with what is wrong in it is not cached, yet
		// rendered without an actor: it gets the account as well.
		req, _ := http.NewRequest(http.MethodGet, f.url+"/jamfor?kod=Ingenstans", nil)
		if r := testworld.Do(t, officer, req); r.Status != http.StatusBadRequest || strings.Contains(string(r.Body), loginLink) ||
			!strings.Contains(string(r.Body), logoutForm) || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET /jamfor?kod=Ingenstans, signed in: %d, Cache-Control %q:\n%s", r.Status, r.Header.Get("Cache-Control"), header(string(r.Body)))
		}
	})
}

// signIn starts a session for the account with email, as the login form
// does, and returns a client whose requests carry its cookie (the login
// form itself is driven by TestBrowserHeader).
func signIn(t testing.TB, f *fixture, email string) *http.Client {
	t.Helper()
	acc, ok, err := f.Accounts.ByEmail(ctx, email)
	if err != nil || !ok {
		t.Fatalf("account %s: %v %v", email, ok, err)
	}
	secret, _, err := f.Accounts.StartSession(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: sessionCookie{(&http.Cookie{Name: web.SessionCookie, Value: secret}).String()}}
}

// sessionCookie sends every request with a session cookie.
type sessionCookie struct{ cookie string }

func (s sessionCookie) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Cookie", s.cookie)
	return http.DefaultTransport.RoundTrip(r)
}

// header is the page's header, for messages.
func header(page string) string {
	start, end := strings.Index(page, "<header"), strings.Index(page, "</header>")
	if start < 0 || end < start {
		return page
	}
	return page[start:end]
}

// withoutAccount is page without the header's account part.
func withoutAccount(page string) string {
	before, rest, _ := strings.Cut(page, `<div class="account">`)
	_, after, _ := strings.Cut(rest, "</div>")
	return before + after
}

// BenchmarkSignedInPage: the municipality page, cached, for the public and
// for a signed-in officer (their session looked up, the account put in,
// sent uncompressed), against a static file in the same run (for the
// public, and for the officer: what their session's lookup costs alone),
// one request after the other on one keep-alive connection each. It
// reports each target's requests per second and its share of the static
// file's.
func BenchmarkSignedInPage(b *testing.B) {
	f := newFixture(b, storagetest.Migrated(b, "chdb"), fixtureOptions{})
	if _, err := f.Accounts.Create(ctx, kr.System(), officerEmail, kr.RoleOfficer, "1281", officerPassword); err != nil {
		b.Fatal(err)
	}
	officer := signIn(b, f, officerEmail)
	f.Published.ProbeInterval = time.Minute // as served: the data's fingerprint is not read on every request
	targets := []struct {
		name, path string
		client     *http.Client
	}{
		{"static", "/static/style.css", &http.Client{}},
		{"public", "/kommun/1281", &http.Client{}},
		{"signed_in", "/kommun/1281", officer},
		{"signed_in_static", "/static/style.css", officer}, // the session's lookup alone
	}
	perSecond := map[string]float64{}
	for _, tg := range targets {
		b.Run(tg.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, f.url+tg.path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				if r := testworld.Do(b, tg.client, req); r.Status != http.StatusOK {
					b.Fatalf("%s: %d", tg.name, r.Status)
				}
			}
			perSecond[tg.name] = float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(perSecond[tg.name], "req/s")
		})
	}
	for _, tg := range targets[1:] {
		b.Logf("%s: %.0f req/s, %.0f %% of the static file's %.0f", tg.name, perSecond[tg.name], 100*perSecond[tg.name]/perSecond["static"], perSecond["static"])
	}
}

// TestBrowserHeader: in headless Chromium without JavaScript, an officer
// signs in with the login form, opens the cached municipality page (the
// public has seen it first), sees their account in the header, reaches
// "Logga ut" with Tab alone and logs out with Enter; the page they come
// back to says "Logga in" again.
func TestBrowserHeader(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	f := newFixture(t, storagetest.Migrated(t, "chdb"), fixtureOptions{})
	if _, err := f.Accounts.Create(ctx, kr.System(), officerEmail, kr.RoleOfficer, "1281", officerPassword); err != nil {
		t.Fatal(err)
	}
	if r := get(t, f.url+"/kommun/1281"); r.status != http.StatusOK {
		t.Fatalf("GET /kommun/1281: %d", r.status)
	}
	bctx, blog := browsertest.Start(t, 2*time.Minute)
	account := func() string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('.site-header .account').textContent.replace(/\s+/g, ' ').trim()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}), chromedp.Navigate(f.url+"/logga-in?nasta=%2Fkommun%2F1281"),
		chromedp.SendKeys(chromedp.CSS("#email"), officerEmail), chromedp.SendKeys(chromedp.CSS("#password"), officerPassword),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#trend")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := account(), officerEmail+" Rapportera Logga ut"; got != want {
		t.Fatalf("signed in, the header says %q, want %q", got, want)
	}
	focused := ""
	for range 12 {
		if err := chromedp.Do(bctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		if focused, err = chromedp.Run(bctx, chromedp.Evaluate[string](`document.activeElement.textContent.trim()`)); err != nil {
			t.Fatal(err)
		}
		if focused == "Logga ut" {
			break
		}
	}
	if focused != "Logga ut" {
		t.Fatalf("Tab does not reach the logout button")
	}
	if err := chromedp.Do(bctx, chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS("#medlemmar"))); err != nil {
		t.Fatal(err)
	}
	if got := account(); got != "Logga in" {
		t.Errorf("after logging out, the header says %q, want Logga in", got)
	}
	for _, p := range blog.Take() {
		t.Errorf("browser reported: %s", p)
	}
}
