package portal_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestReviewNamesRelease: the matrix and a member's review page say which
// SMHI release goals are followed up against, as the compliance answer
// does.
func TestReviewNamesRelease(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		w.ImportSamples(t)
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		createAccounts(t, w)
		reviewer := newVisitor(t, w.Serve(t, "").URL).login("greta@klimatkommunerna.se")
		m := reviewer.do("GET", "/granskning", nil, "")
		if m.Status != 200 || !strings.Contains(string(m.Body), "Målen följs upp mot SMHI:s publicering 2024-04-18 (CO2, smhi-co2-2024-04-18.xlsx)") {
			t.Errorf("the matrix does not name the release: %d\n%s", m.Status, m.Body)
		}
		r := reviewer.do("GET", "/granskning/1281?ar="+strconv.Itoa(time.Now().Year()), nil, "")
		if r.Status != 200 || !strings.Contains(string(r.Body), "Målen följs upp mot SMHI:s publicering ") || !strings.Contains(string(r.Body), "smhi-co2-2024-04-18.xlsx") {
			t.Errorf("the review page does not name the release: %d\n%s", r.Status, r.Body)
		}
	})
}
