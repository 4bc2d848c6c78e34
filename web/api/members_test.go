package api_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/officetest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

type membersBody struct {
	Members []struct {
		Code          string                  `json:"code"`
		Name          string                  `json:"name"`
		Status        string                  `json:"status"`
		ObserverUntil *time.Time              `json:"observer_until"`
		Officer       *struct{ Email string } `json:"officer"`
	} `json:"members"`
}

func (b membersBody) statuses() string {
	var s []string
	for _, m := range b.Members {
		s = append(s, m.Code+" "+m.Name+"="+m.Status)
	}
	return strings.Join(s, ", ")
}

// TestMembersAPI: the list of members is public without contacts and with
// each standing, vilande two months after the deadline without a report
// and reinstated by the report; administrators get the contacts too.
func TestMembersAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := testworld.Over(t, db, testworld.Options{Samples: true}) // SCB's names
		day := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)          // 2026's deadline was 30 June
		w.Published.Now = func() time.Time { return day }
		ts := w.Serve(t, staticTokens)
		v1 := ts.URL + "/api/v1"
		if r := send(t, "POST", v1+"/members", adminToken, `{"code":"1281","joined":"2015-01-01","officer":{"name":"Anna","email":"anna@lund.se"}}`); r.status != http.StatusCreated {
			t.Fatalf("add Lund: %d %s", r.status, r.body)
		}
		if r := send(t, "POST", v1+"/members", adminToken, `{"code":"1280","joined":"2026-02-01","observer":true,"officer":{"name":"Mia","email":"mia@malmo.se"}}`); r.status != http.StatusCreated {
			t.Fatalf("add Malmö: %d %s", r.status, r.body)
		}
		admin := kr.Actor{ID: "admin", Role: kr.RoleAdmin}
		if _, err := w.Members.Add(context.Background(), admin, "1262", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), true, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Members.Add(context.Background(), admin, "0180", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false, 0); err != nil {
			t.Fatal(err) // not yet a member: not listed
		}

		var pub membersBody
		r := get(t, v1+"/members", "")
		r.json(t, &pub)
		if r.status != http.StatusOK || strings.Contains(string(r.body), "@") || strings.Contains(string(r.body), "officer") {
			t.Fatalf("public list: %d %s", r.status, r.body)
		}
		want := "1262 Lomma=observatörsår slut, 1281 Lund=vilande, 1280 Malmö=observatör"
		if got := pub.statuses(); got != want {
			t.Errorf("public list:\n got %s\nwant %s", got, want)
		}

		// Lund's report for 2026 arrives: a member again.
		if r := upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, lundComplete())); r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		r = get(t, v1+"/members", lundToken)
		pub = membersBody{}
		r.json(t, &pub)
		if got := pub.statuses(); !strings.Contains(got, "1281 Lund=medlem") || strings.Contains(string(r.body), "@") {
			t.Errorf("after Lund's report: %s", r.body)
		}

		membersExports(t, v1)

		var all membersBody
		r = get(t, v1+"/members", adminToken)
		r.json(t, &all)
		if r.status != http.StatusOK || len(all.Members) != 4 || !strings.Contains(string(r.body), "anna@lund.se") || !strings.Contains(string(r.body), `"status":"medlem"`) {
			t.Errorf("admin list: %d %s", r.status, r.body)
		}
	})
}

// membersExports: the public list as CSV (the JSON names as headers) and
// XLSX (Swedish headers), without contacts.
func membersExports(t *testing.T, v1 string) {
	t.Helper()
	r := get(t, v1+"/members.csv", "")
	want := "code,name,kind,joined,observer_until,status\n" +
		"1262,Lomma,municipality,2025-01-01,2026-01-01,observatörsår slut\n" +
		"1281,Lund,municipality,2015-01-01,,medlem\n" +
		"1280,Malmö,municipality,2026-02-01,2027-02-01,observatör\n"
	if r.status != http.StatusOK || strings.ReplaceAll(string(r.body), "\r\n", "\n") != want {
		t.Errorf("CSV: %d\n%s", r.status, r.body)
	}
	r = get(t, v1+"/members.xlsx", "")
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("XLSX: %d %v", r.status, err)
	}
	defer f.Close()
	rows, err := f.GetRows("Medlemmar")
	if err != nil || len(rows) != 4 || strings.Join(rows[0], "|") != "Kod|Namn|Typ|Medlem sedan|Observatör till|Status" ||
		strings.Join(rows[2], "|") != "1281|Lund|municipality|2015-01-01||medlem" {
		t.Errorf("XLSX rows %q %v", rows, err)
	}
	exportPrints(t, f, "Medlemmar", r.body)
}

// exportPrints reads back an XLSX export's print settings (xlsx.SetLayout:
// A4 landscape one page wide, the header row frozen and repeated, the
// source and the data's day in the footer) and prints it with LibreOffice.
func exportPrints(t *testing.T, f *excelize.File, sheet string, body []byte) {
	t.Helper()
	pl, err := f.GetPageLayout(sheet)
	if err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.Size == nil || *pl.Size != xlsx.A4 {
		t.Errorf("%s: page layout %+v %v", sheet, pl, err)
	}
	hf, err := f.GetHeaderFooter(sheet)
	footer := regexp.MustCompile(`^&LKälla: Klimatkommunerna, klimatrapport · data per \d{4}-\d{2}-\d{2}&RSida &P av &N$`)
	if err != nil || hf == nil || !footer.MatchString(hf.OddFooter) {
		t.Errorf("%s: footer %+v %v", sheet, hf, err)
	}
	titles := ""
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" && d.Scope == sheet {
			titles = d.RefersTo
		}
	}
	if titles != "'"+sheet+"'!$1:$1" {
		t.Errorf("%s: print titles %q", sheet, titles)
	}
	if p, err := f.GetPanes(sheet); err != nil || !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v %v", sheet, p, err)
	}
	pdf := officetest.PDF(t, body)
	pages := officetest.Pages(t, pdf)
	if !officetest.Landscape(t, pdf) || len(pages) != 1 || !strings.Contains(pages[0], "Källa: Klimatkommunerna, klimatrapport · data per") ||
		!strings.Contains(pages[0], "Sida 1 av 1") {
		t.Errorf("%s printed on %d pages:\n%s", sheet, len(pages), strings.Join(pages, "\f"))
	}
}
