package site

import (
	"bytes"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// TestWithAccount: a page rendered for everyone, with the account put in,
// is byte for byte the page rendered for that actor (the same look), the
// account HTML-escaped; the page given is not changed, and a page without
// the public account part is reported.
func TestWithAccount(t *testing.T) {
	render := func(a kr.Actor) []byte {
		b, err := errorTemplate.Execute("error", &errorView{Frame: Frame{Title: "Sidan finns inte", Actor: a},
			Heading: "Sidan finns inte", Message: `<a href="/logga-in">Logga in</a>`})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	shared := render(kr.Public())
	kept := bytes.Clone(shared)
	for _, a := range []kr.Actor{
		{ID: "1", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"},
		{ID: "2", Email: "greta@klimatkommunerna.se", Role: kr.RoleReviewer},
		{ID: "3", Email: `"<script>alert(1)</script>"@x.se`, Role: kr.RoleAdmin},
		{ID: "token:abcd…", Role: kr.RoleOfficer, Municipality: "1281"},
	} {
		got, found, err := WithAccount(shared, a)
		if err != nil || !found {
			t.Fatalf("%s: found %v, %v", a.ID, found, err)
		}
		if want := render(a); !bytes.Equal(got, want) {
			t.Errorf("%s: the page with the account put in is not the page rendered for them:\n%s\nwant\n%s", a.ID, got, want)
		}
		if strings.Contains(string(got), "<script>") {
			t.Errorf("%s: the account is not escaped", a.ID)
		}
	}
	if !bytes.Equal(shared, kept) {
		t.Errorf("WithAccount changed the shared page")
	}
	if _, found, _ := WithAccount([]byte("<p>Logga in</p>"), kr.Actor{Email: "a@b.se", Role: kr.RoleAdmin}); found {
		t.Errorf("a page without the account part: found")
	}
}
