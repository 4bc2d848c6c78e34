package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestCanonicalKeys: requests that differ in junk parameters, in repeated
// one-valued parameters or in the order and repetition of a set of codes
// share one kept answer, byte for byte what each asked for; an invalid code
// still gets its Swedish 422, and a comparison's order is its own page.
func TestCanonicalKeys(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, "")
		snap, err := w.Published.Snapshot(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// variants asks for each URL and checks they give one kept answer,
		// the same bytes, with status 200.
		variants := func(urls ...string) {
			t.Helper()
			var first []byte
			var entries int
			for i, u := range urls {
				r := testworld.Get(t, ts.URL+u)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: %d %s", u, r.Status, r.Body)
				}
				if snap2, _ := w.Published.Snapshot(t.Context()); snap2 != snap {
					t.Fatal("the snapshot changed during the test")
				}
				n, _ := snap.Kept()
				if i == 0 {
					first, entries = r.Body, n
					continue
				}
				if !bytes.Equal(r.Body, first) {
					t.Errorf("%s answered differently from %s", u, urls[0])
				}
				if n != entries {
					t.Errorf("%s made %d new entries after %s", u, n-entries, urls[0])
					entries = n
				}
			}
		}
		var junk []string
		for i := range 20 {
			junk = append(junk, fmt.Sprintf("/api/v1/ranking?x=%d", i))
		}
		variants(junk...)
		variants("/api/v1/ranking?metric=per_capita&year=2022", "/api/v1/ranking?year=2022&metric=per_capita&utm_source=a",
			"/api/v1/ranking?metric=per_capita&metric=per_capita&year=2022&year=2021")
		variants("/api/v1/emissions?municipality=1281&municipality=1280&from=2015",
			"/api/v1/emissions?municipality=1280&municipality=1281&from=2015",
			"/api/v1/emissions?from=2015&municipality=1280&municipality=1281&municipality=1280&cb=7")
		variants("/jamfor?kod=1281&kod=1280", "/jamfor?kod=1281&kod=1280&x=1", "/jamfor?x=2&kod=1281&kod=1280")
		variants("/kommun/1281", "/kommun/1281?x=1", "/kommun/1281?kod=1280")

		if r := testworld.Get(t, ts.URL+"/jamfor?kod=1280&kod=1281"); r.Status != http.StatusOK ||
			strings.Index(string(r.Body), "Malmö") > strings.Index(string(r.Body), "Lund") {
			t.Errorf("/jamfor in another order: %d, not Malmö first", r.Status)
		}
		for _, bad := range []string{"/api/v1/emissions?municipality=12a&municipality=1281", "/api/v1/emissions?municipality=1281&municipality=12a"} {
			if r := testworld.Get(t, ts.URL+bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "ingen kommunkod") {
				t.Errorf("%s: %d %s", bad, r.Status, r.Body)
			}
		}
		if r := testworld.Get(t, ts.URL+"/kommun/9999?x=1"); r.Status != http.StatusNotFound {
			t.Errorf("/kommun/9999: %d", r.Status)
		}
	})
}
