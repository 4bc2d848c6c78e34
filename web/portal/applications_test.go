package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/mail/mailtest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestApplicationsReview: an application sent through /medlemstest is
// listed for reviewers at /granskning/ansokningar with its score, shown
// with its answers and contacts, and decided there: a decision refused is
// shown on the page with the form as sent; one taken registers the member,
// is kept in the history and e-mails the applicant. Officers and the
// public may neither read nor decide.
func TestApplicationsReview(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		w.ImportMunicipalities(t)
		createAccounts(t, w)
		smtp := mailtest.Start(t)
		w.MemberTest.Mail = smtp.Sender(t, "kansliet@klimatkommunerna.se")
		base := w.Serve(t, "").URL

		applicant := newVisitor(t, base)
		if r := applicant.post("/medlemstest", url.Values{"code": {"1262"}, "q_inventory_decided": {"ja"}, "q_inventory_link": {"https://lomma.se/beslut"},
			"official_name": {"Cecilia Ek"}, "official_email": {"cecilia@lomma.se"}, "officer_name": {"David Ås"}, "officer_email": {"david@lomma.se"}}); r.Status != http.StatusOK {
			t.Fatalf("the member test: %d\n%s", r.Status, r.Body)
		}

		anon, officer := newVisitor(t, base), newVisitor(t, base).login("anna@lund.se")
		if r := anon.do("GET", "/granskning/ansokningar", nil, ""); r.Status != http.StatusSeeOther {
			t.Errorf("signed out: %d", r.Status)
		}
		if r := officer.do("GET", "/granskning/ansokningar", nil, ""); r.Status != http.StatusForbidden {
			t.Errorf("an officer: %d", r.Status)
		}
		reviewer := newVisitor(t, base).login("greta@klimatkommunerna.se")
		list := reviewer.do("GET", "/granskning/ansokningar", nil, "")
		m := regexp.MustCompile(`<a href="/granskning/ansokningar/([0-9a-f-]+)">Lomma</a>`).FindStringSubmatch(string(list.Body))
		if list.Status != http.StatusOK || m == nil || !strings.Contains(string(list.Body), "inte beslutad") {
			t.Fatalf("the list: %d\n%s", list.Status, list.Body)
		}
		page := "/granskning/ansokningar/" + m[1]
		r := reviewer.do("GET", page, nil, "")
		for _, want := range []string{"cecilia@lomma.se", "David Ås", `href="https://lomma.se/beslut"`, "Inget beslut ännu.", `name="verdict" value="medlem"`} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("the application's page lacks %q\n%s", want, r.Body)
			}
		}

		if r := officer.post(page+"/beslut", url.Values{"verdict": {"medlem"}, "from": {"2026-10-01"}}); r.Status != http.StatusForbidden {
			t.Errorf("an officer decided: %d", r.Status)
		}
		r = reviewer.post(page+"/beslut", url.Values{"verdict": {"inte än"}, "comment": {""}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "Skriv en kommentar") || !strings.Contains(string(r.Body), `value="inte än" checked`) {
			t.Errorf("not yet without a comment: %d\n%s", r.Status, r.Body)
		}
		if r := reviewer.post(page+"/beslut", url.Values{"verdict": {"medlem"}, "from": {"1 oktober"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.Body), "ÅÅÅÅ-MM-DD") {
			t.Errorf("a date in words: %d\n%s", r.Status, r.Body)
		}
		// Hostile forms: answered below 500, nothing echoed raw, nothing registered.
		for _, h := range []struct {
			path   string
			form   url.Values
			status int
		}{
			{"/granskning/ansokningar/..%2F..%2Fetc%2Fpasswd/beslut", url.Values{"verdict": {"medlem"}, "from": {"2026-10-01"}}, http.StatusNotFound},
			{page + "/beslut", url.Values{"verdict": {"<script>x</script>"}, "from": {"2026-10-01"}}, http.StatusUnprocessableEntity},
			{page + "/beslut", url.Values{"verdict": {"medlem"}, "from": {"99999-01-01"}}, http.StatusUnprocessableEntity},
			{page + "/beslut", url.Values{"verdict": {"inte än"}, "comment": {strings.Repeat("<script>", 1<<17)}}, http.StatusRequestEntityTooLarge},
			{page + "/epost", url.Values{"decision": {"' OR 1=1 --"}}, http.StatusNotFound},
		} {
			r := reviewer.post(h.path, h.form)
			if r.Status != h.status || strings.Contains(string(r.Body), "<script>") {
				t.Errorf("POST %s %.60v: %d, want %d\n%.2000s", h.path, h.form, r.Status, h.status, r.Body)
			}
		}
		if _, ok, _ := w.Members.Get(ctx, "1262"); ok {
			t.Fatal("a refused decision registered the applicant")
		}

		r = reviewer.post(page+"/beslut", url.Values{"verdict": {"medlem"}, "from": {"2026-10-01"}, "comment": {"Välkomna <b>Lomma</b>!"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?klart=beslut" {
			t.Fatalf("the decision: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
		}
		r = reviewer.do("GET", page+"?klart=beslut", nil, "")
		for _, want := range []string{"Beslutet är sparat", "<strong>medlem</strong> från 2026-10-01", "Välkomna &lt;b&gt;Lomma&lt;/b&gt;!", "E-post skickad", "i medlemsregistret: medlem sedan 2026-10-01"} {
			if !strings.Contains(string(r.Body), want) {
				t.Errorf("after the decision the page lacks %q\n%s", want, r.Body)
			}
		}
		got, ok, err := w.Members.Get(ctx, "1262")
		if err != nil || !ok || !got.Joined.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) || got.Officer.Email != "david@lomma.se" {
			t.Errorf("registered: %+v %v %v", got, ok, err)
		}
		if msgs := smtp.Messages(); len(msgs) != 1 || len(msgs[0].To) != 2 || !strings.Contains(msgs[0].Text, "Lomma är medlem i Klimatkommunerna från 2026-10-01") {
			t.Errorf("e-mails: %+v", msgs)
		}
		// The same decision again is kept and registers nothing twice.
		if r := reviewer.post(page+"/beslut", url.Values{"verdict": {"medlem"}, "from": {"2026-10-01"}}); r.Status != http.StatusSeeOther {
			t.Errorf("the decision again: %d", r.Status)
		}
		if h, _ := w.Members.History(ctx, "1262"); len(h) != 1 {
			t.Errorf("%d register entries, want 1", len(h))
		}
		if r := reviewer.post(page+"/beslut", url.Values{"verdict": {"observatör"}, "from": {"2026-10-01"}}); r.Status != http.StatusConflict ||
			!strings.Contains(string(r.Body), "redan medlem sedan 2026-10-01") {
			t.Errorf("an observer decision for a member: %d\n%s", r.Status, r.Body)
		}
	})
}
