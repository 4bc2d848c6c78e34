package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
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
