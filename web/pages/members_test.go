package pages_test

import (
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestMembersPage: /medlemmar lists every current member and observer with
// its standing, municipalities linked to their page.
func TestMembersPage(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := testworld.Over(t, db, testworld.Options{Samples: true})
		w.Published.Now = func() time.Time { return time.Date(2024, 9, 1, 12, 0, 0, 0, time.UTC) } // 2024's report due 30 June
		w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280")
		if _, err := w.Members.Add(ctx, admin, "1262", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), true, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Members.Add(ctx, admin, "12", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false, 0); err != nil {
			t.Fatal(err)
		}
		w.Submit(t, admin, "lund.xlsx", lundReport(false)) // report year 2024
		url := w.Serve(t, "").URL
		r := get(t, url+"/medlemmar")
		if r.status != 200 {
			t.Fatalf("/medlemmar: %d %s", r.status, r.body)
		}
		var got []string
		for _, row := range htmlTable(t, r.body, "medlemmar") {
			got = append(got, strings.Join(row, "|"))
		}
		want := []string{
			"Medlem|Kod|Typ|Medlem sedan|Observatör till|Status",
			"Lomma|1262|Kommun|2024-03-01|2025-03-01|observatör",
			"Lund|1281|Kommun|2019-01-01||medlem",
			"Malmö|1280|Kommun|2019-01-01||vilande",
			"Skåne län|12|Region|2020-01-01||vilande",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("table:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, s := range []string{`href="/kommun/1281"`, `href="/api/v1/members.csv"`, `href="/api/v1/members.xlsx"`, "60 dagar"} {
			if !strings.Contains(string(r.body), s) {
				t.Errorf("page lacks %s", s)
			}
		}
	})
}
