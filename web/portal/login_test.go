package portal_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// officerWorld is a world with one officer, anna@lund.se, of Lund.
func officerWorld(t *testing.T, w *testworld.World) {
	t.Helper()
	w.ImportMunicipalities(t)
	if _, err := w.Accounts.Create(context.Background(), kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", password); err != nil {
		t.Fatal(err)
	}
}

// TestLoginRedirectStaysOnSite: the page to go to after signing in
// (nasta) is followed only when it is a path on this site; anything a
// browser could take to another host, or that carries control characters
// in any layer of percent-encoding, sends the officer to the default page.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		base := w.Serve(t, "").URL
		for _, c := range []struct{ next, want string }{
			{"/granskning?ar=2025", "/granskning?ar=2025"},
			{"/rapportera?ar=2024#historik", "/rapportera?ar=2024#historik"},
			{"/granskning?status=ej+f%C3%B6rfallet", "/granskning?status=ej+f%C3%B6rfallet"},
			{"", "/rapportera"},
			{"/\t/evil.example", "/rapportera"},
			{"/%09/evil.example", "/rapportera"},
			{"/\n/evil.example", "/rapportera"},
			{"/%0a/evil.example", "/rapportera"},
			{"/%0d%0aSet-Cookie:%20a=b", "/rapportera"},
			{"/ok\x00", "/rapportera"},
			{"/%C2%85evil", "/rapportera"},
			{"/%5c/evil.example", "/rapportera"},
			{"/%5Cevil.example", "/rapportera"},
			{"//evil.example", "/rapportera"},
			{"///evil.example", "/rapportera"},
			{"/\\evil.example", "/rapportera"},
			{"\\\\evil.example", "/rapportera"},
			{"/%2F/evil.example", "/rapportera"},
			{"/%2f%2fevil.example", "/rapportera"},
			{"/%2509/evil.example", "/rapportera"},
			{"/%252F%252Fevil.example", "/rapportera"},
			{"/%25255c/evil.example", "/rapportera"},
			{"https://evil.example", "/rapportera"},
			{"https:/evil.example", "/rapportera"},
			{"HTTPS://evil.example/", "/rapportera"},
			{"javascript:alert(1)", "/rapportera"},
			{"/\uff0fevil.example", "/rapportera"},
			{"/%EF%BC%8Fevil.example", "/rapportera"},
			{"/\u2215evil.example", "/rapportera"},
			{" /granskning", "/rapportera"},
			{"evil.example", "/rapportera"},
			{"/%zz", "/rapportera"},
			{"/" + strings.Repeat("a", 5000), "/rapportera"},
		} {
			v := newVisitor(t, base)
			r := v.post("/logga-in", url.Values{"email": {"anna@lund.se"}, "password": {password}, "nasta": {c.next}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != c.want {
				t.Errorf("login with nasta=%q: %d Location %q, want %q", c.next, r.Status, r.Header.Get("Location"), c.want)
			}
			form := v.do("GET", "/logga-in?nasta="+url.QueryEscape(c.next), nil, "")
			if hidden := `name="nasta" value=""`; c.want == "/rapportera" && !strings.Contains(string(form.Body), hidden) {
				t.Errorf("login form with nasta=%q keeps it in the form", c.next)
			}
		}
	})
}

// loginFrom posts the login form as a browser on the service's page would,
// claiming to come from forwardedFor; it returns the status, Retry-After
// and the page, or an error (no test helper: it runs in goroutines).
func loginFrom(base, email, pw, forwardedFor string) (int, string, string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/logga-in",
		strings.NewReader(url.Values{"email": {email}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", base)
	req.Header.Set("X-Forwarded-For", forwardedFor)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(b), err
}

// freeze stops the world's clock, so that no throttle wait runs out
// during a test however slow the machine.
func freeze(w *testworld.World) {
	now := time.Now()
	w.Accounts.Now = func() time.Time { return now }
}

// auditCount counts the audit log's entries per action and target.
func auditCount(t *testing.T, w *testworld.World) map[string]int {
	t.Helper()
	log, err := w.Accounts.AuditLog(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range log {
		n[e.Action+" "+e.Target+" "+e.RemoteAddr]++
	}
	return n
}

// TestLoginThrottledInParallel: forty wrong passwords for one account at
// once, each claiming another client in X-Forwarded-For, get 401 at most
// five times (the free attempts) and 429 with Retry-After and a Swedish
// message otherwise; the right password waits as well. Every failure, and
// the refusal that found the wait, is in the audit log with the address
// typed.
func TestLoginThrottledInParallel(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		freeze(w)
		base := w.Serve(t, "").URL
		var mu sync.Mutex
		status := map[int]int{}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				code, retry, page, err := loginFrom(base, "anna@lund.se", "fel lösenord, gissat", fmt.Sprintf("203.0.113.%d", i+1))
				if err != nil {
					t.Error(err)
					return
				}
				if code == http.StatusTooManyRequests && (retry == "" || !strings.Contains(page, "För många inloggningsförsök. Vänta")) {
					t.Errorf("429 without Retry-After (%q) or message", retry)
				}
				mu.Lock()
				status[code]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if status[http.StatusUnauthorized] > 5 || status[http.StatusUnauthorized]+status[http.StatusTooManyRequests] != 40 {
			t.Errorf("statuses %v, want at most 5 × 401 and the rest 429", status)
		}
		if code, _, _, _ := loginFrom(base, "anna@lund.se", password, "203.0.113.99"); code != http.StatusTooManyRequests {
			t.Errorf("the right password while throttled: %d, want 429", code)
		}
		// Refusals the process remembers are in the log of requests only.
		n := auditCount(t, w)
		if throttled := n["login.throttled anna@lund.se 127.0.0.1"]; n["login.failed anna@lund.se 127.0.0.1"] != status[http.StatusUnauthorized] ||
			throttled < 1 || throttled > status[http.StatusTooManyRequests]+1 {
			t.Errorf("audit log %v, statuses %v", n, status)
		}
		// The flood's requests reach the request log through the bounded
		// queue, in batches, not as one synchronous insert per 429.
		if sync := n["POST /logga-in  127.0.0.1"]; sync != 0 {
			t.Errorf("%d login requests audited one insert each, want them queued", sync)
		}
		for end := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			n = auditCount(t, w)
			if n["refused.throttled POST /logga-in 127.0.0.1"] == status[http.StatusTooManyRequests]+1 || time.Now().After(end) {
				break
			}
		}
		if got := n["refused.throttled POST /logga-in 127.0.0.1"]; got != status[http.StatusTooManyRequests]+1 {
			t.Errorf("%d throttled logins in the request log, want %d", got, status[http.StatusTooManyRequests]+1)
		}
	})
}

// TestLoginClientAddress: without trusted proxies X-Forwarded-For is
// ignored, so rotating it does not escape the limit per client (the
// connection's peer); with the peer trusted as a proxy, the header names
// the client, for the throttle and the audit log.
func TestLoginClientAddress(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		freeze(w)
		for _, trusted := range []bool{false, true} {
			cfg := web.Config{Version: "test"}
			if trusted {
				cfg.TrustedProxies = []string{"127.0.0.1"}
			}
			srv := httptest.NewServer(w.Server(cfg, nil, slog.New(slog.DiscardHandler)).Router)
			t.Cleanup(srv.Close)
			codes := make([]int, 22)
			for i := range codes {
				codes[i], _, _, _ = loginFrom(srv.URL, fmt.Sprintf("gissning%d-%v@lund.se", i, trusted), "fel lösenord, gissat",
					fmt.Sprintf("198.51.100.%d", i+1))
			}
			n := auditCount(t, w)
			peer := n[fmt.Sprintf("login.failed gissning0-%v@lund.se 127.0.0.1", trusted)]
			if !trusted && (codes[19] != http.StatusUnauthorized || codes[20] != http.StatusTooManyRequests || peer != 1) {
				t.Errorf("X-Forwarded-For from an untrusted peer: statuses %v, audited from the peer %d times; want 20 × 401, then 429",
					codes, peer)
			}
			forwarded := n[fmt.Sprintf("login.failed gissning21-%v@lund.se 198.51.100.22", trusted)]
			if trusted && (slices.ContainsFunc(codes, func(c int) bool { return c != http.StatusUnauthorized }) || forwarded != 1) {
				t.Errorf("X-Forwarded-For from a trusted proxy: statuses %v, audited from the forwarded address %d times; want 22 × 401",
					codes, forwarded)
			}
		}
	})
}

// TestPasswordLinkPage: the set-password page takes a link once: of two
// forms sent with it at the same time one sets the password (303 to the
// login page) and the other is told on the form that the link has been
// used; the account's session from before is over.
func TestPasswordLinkPage(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		officerWorld(t, w)
		base := w.Serve(t, "").URL
		before := newVisitor(t, base).login("anna@lund.se")
		acc, _, _ := w.Accounts.ByEmail(t.Context(), "anna@lund.se")
		key, err := w.Accounts.NewPasswordLink(t.Context(), kr.System(), acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var forms [2]testworld.Response
		var wg sync.WaitGroup
		for i := range forms {
			wg.Go(func() {
				pw := password + strings.Repeat("!", i+1)
				forms[i] = newVisitor(t, base).post("/losenord", url.Values{"nyckel": {key}, "password": {pw}, "password2": {pw}})
			})
		}
		wg.Wait()
		a, b := forms[0], forms[1]
		if a.Status > b.Status {
			a, b = b, a
		}
		if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/logga-in?klart=losenord" ||
			b.Status != http.StatusUnprocessableEntity || !strings.Contains(string(b.Body), "Länken har redan använts") {
			t.Errorf("two forms with one link: %d %s and %d\n%s", a.Status, a.Header.Get("Location"), b.Status, b.Body)
		}
		if r := before.do("GET", "/rapportera", nil, ""); r.Status != http.StatusSeeOther {
			t.Errorf("the session from before the new password: %d, want the login page", r.Status)
		}
	})
}
