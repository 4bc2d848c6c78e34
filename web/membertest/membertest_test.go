package membertest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// answers is a complete application from Lund, every question met but the
// measures of the plan ("nej").
func answers() url.Values {
	return url.Values{
		"code":                {"1281"},
		"q_inventory_decided": {"ja"}, "q_inventory_body": {"Kommunfullmäktige"}, "q_inventory_date": {"2021-03-24"},
		"q_inventory_link": {"https://lund.se/beslut/1"}, "q_inventory_method": {"SMHI"},
		"q_goals_decided": {"ja"}, "q_goals_body": {"Kommunfullmäktige"}, "q_goals_date": {"2021-03-24"},
		"q_goals_link": {"https://lund.se/beslut/2"}, "q_goals_base_year": {"2010"}, "q_goals_target_year": {"2030"},
		"q_plan_decided": {"ja"}, "q_plan_measures": {"nej"}, "q_plan_body": {"Kommunstyrelsen"}, "q_plan_date": {"2022-01-10"},
		"q_plan_link": {"https://lund.se/plan"}, "q_plan_from": {"2022"}, "q_plan_to": {"2026"},
		"q_reporting_decided": {"ja"}, "q_reporting_body": {"Kommunstyrelsen"}, "q_reporting_date": {"2022-01-10"},
		"q_reporting_link": {"https://lund.se/beslut/3"},
		"official_name":    {"Anna Andersson"}, "official_email": {"anna@lund.se"},
		"officer_name": {"Bo Berg"}, "officer_email": {"bo@lund.se"},
	}
}

func server(t *testing.T, w *testworld.World, perHour int) string {
	t.Helper()
	w.ApplyPerHour = perHour
	srv := httptest.NewServer(w.Server(web.Config{Version: "test"}, nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Router)
	t.Cleanup(srv.Close)
	return srv.URL
}

func post(t *testing.T, base string, form url.Values, header ...string) testworld.Response {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/medlemstest", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return testworld.Do(t, nil, req)
}

func stored(t *testing.T, w *testworld.World, code string) int {
	t.Helper()
	got, err := w.MemberTest.Applications(context.Background(), kr.System(), code)
	if err != nil {
		t.Fatal(err)
	}
	return len(got)
}

func TestMemberTestPage(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		base := server(t, w, 100)
		// The blank form is rendered once per snapshot: a new list of places is shown at once.
		if r := testworld.Get(t, base+"/medlemstest"); r.Status != http.StatusOK || bytes.Contains(r.Body, []byte(">Lund<")) {
			t.Fatalf("GET /medlemstest before SCB's list: %d\n%s", r.Status, r.Body)
		}
		w.ImportMunicipalities(t)

		r := testworld.Get(t, base+"/medlemstest")
		for _, want := range []string{`<html lang="sv">`, `<label for="code">Kommun eller region</label>`, `<option value="1281">Lund</option>`,
			`Region – Skåne län`, `<h2>Inventering av utsläppen</h2>`, `<legend>Har kommunen eller regionen beslutat politiskt att inventera`,
			`<label for="q_goals_base_year">Basår</label>`, `type="date"`, `<legend>Förtroendevald</legend>`, `<label for="officer_email">E-postadress</label>`} {
			if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(want)) {
				t.Fatalf("GET /medlemstest: %d, no %q\n%s", r.Status, want, r.Body)
			}
		}

		r = post(t, base, answers())
		// Hand-worked from questions.json: inventory 8 of 8, goals 8 of 8, plan 8 of 10
		// (the measures, weight 2, are not carried out), reporting 6 of 6: 30 of 32, 93 %.
		for _, want := range []string{"Resultat av medlemstestet", "Lund (1281): 30 av 32 poäng, 93 %",
			"Inventering av utsläppen: uppfyllt (8 av 8 poäng)", "Handlingsplan och åtgärder: delvis uppfyllt (8 av 10 poäng)",
			"Genomför åtgärder ur planen och följ upp dem.", `download="medlemstest-1281.csv"`} {
			if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(want)) {
				t.Fatalf("POST valid: %d, no %q\n%s", r.Status, want, r.Body)
			}
		}
		csv := csvOf(t, r.Body)
		if !strings.Contains(csv, "Handlingsplan och åtgärder;delvis uppfyllt;8;10;;") || !strings.Contains(csv, "Totalt;93 %;30;32") {
			t.Errorf("download:\n%s", csv)
		}
		if n := stored(t, w, "1281"); n != 1 {
			t.Errorf("stored %d applications, want 1", n)
		}
	})
}

// csvOf is the CSV in the result page's download link.
func csvOf(t *testing.T, page []byte) string {
	t.Helper()
	m := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no download link\n%s", page)
	}
	b, err := base64.StdEncoding.DecodeString(html.UnescapeString(string(m[1]))) // "+" is written &#43;
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMemberTestRefuses(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		w.ImportMunicipalities(t)
		base := server(t, w, 100)

		bad := answers()
		bad.Set("code", "9999")
		bad.Set("officer_email", "bo@")
		bad.Set("q_goals_link", "javascript:alert(1)")
		bad.Set("q_plan_date", "2200-01-01")
		bad.Set("q_goals_base_year", "tjugo")
		bad.Set("official_name", `<script>alert("x")</script>`)
		r := post(t, base, bad)
		for _, want := range []string{"Välj en kommun eller region i listan.", "Ange en giltig e-postadress, till exempel namn@kommun.se. (tjänsteperson)",
			"ange en länk som börjar med https:// eller http://.", "ange ett datum som ÅÅÅÅ-MM-DD mellan 1970-01-01 och 2105-12-31.",
			"ange ett år mellan 1990 och 2100.", "5 svar behöver rättas.", `<a href="#q_goals_link">`, `aria-invalid="true"`, `value="bo@"`, "&lt;script&gt;"} {
			if r.Status != http.StatusBadRequest || !bytes.Contains(r.Body, []byte(want)) {
				t.Errorf("POST invalid: %d, no %q\n%s", r.Status, want, r.Body)
			}
		}
		if bytes.Contains(r.Body, []byte("<script>alert")) {
			t.Errorf("a name's script tag came back unescaped")
		}

		// A hostile name in a valid application is stored, and shown escaped.
		hostile := answers()
		hostile.Set("officer_name", `<script>alert("x")</script>`)
		hostile.Set("official_name", "=HYPERLINK(\"http://evil\")")
		r = post(t, base, hostile)
		if r.Status != http.StatusOK || bytes.Contains(r.Body, []byte("<script>alert")) || !bytes.Contains(r.Body, []byte("&lt;script&gt;")) {
			t.Errorf("a hostile name: %d\n%s", r.Status, r.Body)
		}
		// and neutralised in the download, where a spreadsheet would run it.
		if csv := csvOf(t, r.Body); !strings.Contains(csv, "Förtroendevald;\"'=HYPERLINK(\"\"http://evil\"\")\";anna@lund.se") {
			t.Errorf("a formula in the download:\n%s", csv)
		}

		// A body beyond web.FormLimit is refused before it is read.
		huge := answers()
		huge.Set("q_inventory_body", strings.Repeat("x", web.FormLimit+1))
		if r := post(t, base, huge); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("a huge body: %d\n%s", r.Status, r.Body)
		}
		// So is one of no declared length (chunked), once read past the cap.
		req, _ := http.NewRequest("POST", base+"/medlemstest", io.MultiReader(strings.NewReader(huge.Encode())))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := testworld.Do(t, nil, req); r.Status != http.StatusRequestEntityTooLarge || !bytes.Contains(r.Body, []byte("högst 64 kB")) {
			t.Errorf("a huge chunked body: %d\n%s", r.Status, r.Body)
		}

		// A form sent from another site is refused.
		if r := post(t, base, answers(), "Sec-Fetch-Site", "cross-site"); r.Status != http.StatusForbidden {
			t.Errorf("a cross-origin POST: %d\n%s", r.Status, r.Body)
		}
		if n := stored(t, w, "1281"); n != 1 {
			t.Errorf("stored %d applications, want the hostile one only", n)
		}
	})
}

func TestMemberTestRateLimit(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		w.ImportMunicipalities(t)
		base := server(t, w, 2)
		for i := range 2 {
			if r := post(t, base, answers()); r.Status != http.StatusOK {
				t.Fatalf("POST %d: %d\n%s", i+1, r.Status, r.Body)
			}
		}
		r := post(t, base, answers())
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" ||
			!bytes.Contains(r.Body, []byte("Ni har skickat för många svar på kort tid. Försök igen om")) {
			t.Errorf("POST 3: %d Retry-After %q\n%s", r.Status, r.Header.Get("Retry-After"), r.Body)
		}
		if n := stored(t, w, "1281"); n != 2 {
			t.Errorf("stored %d applications, want 2", n)
		}
	})
}
