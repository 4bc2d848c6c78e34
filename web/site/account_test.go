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

// BenchmarkWithAccount: putting the account into a page the size of a
// municipality's (~200 KB) costs about what copying the page costs (the
// yardstick, in the same run): one search and one copy, no rendering of
// the page.
func BenchmarkWithAccount(b *testing.B) {
	page, err := errorTemplate.Execute("error", &errorView{Frame: Frame{Title: "Stor sida"}, Heading: "Stor sida",
		Message: strings.Repeat("Utsläpp per invånare, ton. ", 8000)})
	if err != nil {
		b.Fatal(err)
	}
	officer := kr.Actor{ID: "1", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}
	var copyNs, putNs float64
	b.Run("copy", func(b *testing.B) {
		for b.Loop() {
			_ = bytes.Clone(page)
		}
		copyNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("with_account", func(b *testing.B) {
		for b.Loop() {
			if _, found, err := WithAccount(page, officer); !found || err != nil {
				b.Fatal(found, err)
			}
		}
		putNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Logf("page %d KB: copy %.0f ns, with the account %.0f ns (%.1f× the copy)", len(page)/1024, copyNs, putNs, putNs/copyNs)
}
