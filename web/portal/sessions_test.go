package portal_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// serve starts the world's whole server with cfg, over TLS when tls.
func serve(t *testing.T, w *testworld.World, cfg web.Config, tls bool) *httptest.Server {
	t.Helper()
	cfg.Version = "test"
	h := w.Server(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Router
	ts := httptest.NewUnstartedServer(h)
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return ts
}

// sessionCookie is the session cookie a login response sets, if any.
func sessionCookie(r testworld.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if strings.HasSuffix(c.Name, web.SessionCookie) && c.Value != "" {
			return c
		}
	}
	return nil
}

// TestSessionCookieOverHTTPS: over https (TLS to the service, or a trusted
// proxy's X-Forwarded-Proto) the session cookie is __Host-kr_session,
// Secure, Path=/ with no Domain, and every response carries HSTS; over
// plain http, or when an untrusted client claims https, it is kr_session
// without Secure and without HSTS. The response that sets it is no-store. Over https a plain kr_session cookie,
// which another host of the domain could have planted, signs nobody in.
func TestSessionCookieOverHTTPS(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		for _, c := range []struct {
			name    string
			tls     bool
			proxies []string
			proto   string
			secure  bool
		}{
			{"plain http", false, nil, "", false},
			{"an untrusted client claiming https", false, nil, "https", false},
			{"a trusted proxy saying https", false, []string{"127.0.0.1"}, "https", true},
			{"a trusted proxy saying http", false, []string{"127.0.0.1"}, "http", false},
			{"TLS", true, nil, "", true},
		} {
			ts := serve(t, w, web.Config{TrustedProxies: c.proxies}, c.tls)
			v := newVisitor(t, ts.URL)
			v.c.Transport = ts.Client().Transport
			form := url.Values{"email": {"anna@lund.se"}, "password": {password}}
			req, _ := http.NewRequest("POST", ts.URL+"/logga-in", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if c.proto != "" {
				req.Header.Set("X-Forwarded-Proto", c.proto)
			}
			r := testworld.Do(t, v.c, req)
			cookie := sessionCookie(r)
			if r.Status != http.StatusSeeOther || cookie == nil {
				t.Fatalf("%s: login %d, cookie %v", c.name, r.Status, cookie)
			}
			want := web.SessionCookie
			if c.secure {
				want = "__Host-" + web.SessionCookie
			}
			if cookie.Name != want || cookie.Secure != c.secure || cookie.Path != "/" || cookie.Domain != "" || !cookie.HttpOnly ||
				cookie.SameSite != http.SameSiteLaxMode {
				t.Errorf("%s: cookie %s", c.name, cookie)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("%s: the response setting the cookie has Cache-Control %q", c.name, cc)
			}
			if hsts := r.Header.Get("Strict-Transport-Security"); (hsts == "max-age=31536000") != c.secure {
				t.Errorf("%s: Strict-Transport-Security %q", c.name, hsts)
			}
			if !c.tls {
				continue
			}
			// The same secret under the plain name: not accepted over https.
			get := func(name string) int {
				req, _ := http.NewRequest("GET", ts.URL+"/rapportera", nil)
				req.AddCookie(&http.Cookie{Name: name, Value: cookie.Value})
				client := &http.Client{Transport: ts.Client().Transport,
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				return testworld.Do(t, client, req).Status
			}
			if got := get(cookie.Name); got != http.StatusOK {
				t.Errorf("the __Host- cookie over TLS: %d", got)
			}
			if got := get(web.SessionCookie); got != http.StatusSeeOther {
				t.Errorf("a plain session cookie over TLS: %d, want the login page", got)
			}
		}
	})
}

// TestNoStoreForSignedIn: whatever is sent to someone signed in, or to a
// request with a token, is Cache-Control: no-store, even where the same
// route is cached for everyone; the static files stay cacheable.
func TestNoStoreForSignedIn(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		base := w.Serve(t, "statisk-nyckel-for-test:reviewer").URL
		anon := newVisitor(t, base)
		officer := newVisitor(t, base).login("anna@lund.se")
		token := func(path string) testworld.Response {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("Authorization", "Bearer statisk-nyckel-for-test")
			return testworld.Do(t, nil, req)
		}
		for _, path := range []string{"/api/v1/municipalities", "/kommun/1281"} {
			if r := anon.do("GET", path, nil, ""); r.Status != 200 || r.Header.Get("Cache-Control") == "no-store" {
				t.Errorf("%s for everyone: %d %q, want it cacheable", path, r.Status, r.Header.Get("Cache-Control"))
			}
			if r := officer.do("GET", path, nil, ""); r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s signed in: %d %q", path, r.Status, r.Header.Get("Cache-Control"))
			}
			if r := token(path); r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s with a token: %d %q", path, r.Status, r.Header.Get("Cache-Control"))
			}
		}
		for _, path := range []string{"/logga-in", "/losenord?nyckel=x"} {
			if r := anon.do("GET", path, nil, ""); r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d %q", path, r.Status, r.Header.Get("Cache-Control"))
			}
		}
		if r := officer.do("GET", "/static/style.css", nil, ""); r.Status != 200 || !strings.HasPrefix(r.Header.Get("Cache-Control"), "public") {
			t.Errorf("a static file signed in: %d %q", r.Status, r.Header.Get("Cache-Control"))
		}
	})
}

// TestRefusalsAudited: a request refused for want of a valid sign-in
// (401), of a right (403) or because another site sent it is in the audit
// log with its method and path, address and request id.
func TestRefusalsAudited(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		base := w.Serve(t, "").URL
		officer := newVisitor(t, base).login("anna@lund.se")
		send := func(c *http.Client, method, path, id string, header ...string) int {
			req, _ := http.NewRequest(method, base+path, strings.NewReader("year=2025"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Request-ID", id)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			return testworld.Do(t, c, req).Status
		}
		want := map[string]string{
			"r-token": "refused.unauthorized GET /api/v1/municipalities/1281/submissions",
			"r-right": "refused.forbidden GET /granskning",
			"r-csrf":  "refused.cross_origin POST /rapportera/svar",
		}
		statuses := [3]int{
			send(nil, "GET", "/api/v1/municipalities/1281/submissions", "r-token", "Authorization", "Bearer krt_påhittad"),
			send(officer.c, "GET", "/granskning", "r-right"),
			send(officer.c, "POST", "/rapportera/svar", "r-csrf", "Sec-Fetch-Site", "cross-site"),
		}
		if statuses != [3]int{401, 403, 403} {
			t.Fatalf("statuses %v", statuses)
		}
		got := map[string]string{}
		for deadline := time.Now().Add(10 * time.Second); len(got) < len(want) && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			log, err := w.Accounts.AuditLog(t.Context(), 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range log {
				if _, ok := want[e.RequestID]; ok && e.RemoteAddr != "" {
					got[e.RequestID] = e.Action + " " + e.Target
					if e.RequestID == "r-right" && e.Actor != "anna@lund.se" {
						t.Errorf("the refusal of anna's request names %q", e.Actor)
					}
				}
			}
		}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("request %s: audit %q, want %q", id, got[id], w)
			}
		}
	})
}
