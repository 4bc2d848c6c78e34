package api_test

import (
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// jsonKeys returns the field names of a JSON object.
func jsonKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	return slices.Sorted(maps.Keys(m))
}

// TestCountyMetricsAPI: GET /api/v1/counties/{code}/metrics answers a
// county's metrics from SMHI's county rows (its last value is the county's
// own in /api/v1/emissions), in the municipality answer's shape, compared
// per capita with Sweden and the members, cached with an ETag; an unknown
// county is 404 and a bad as_of refused, in Swedish. (On main the route
// did not exist.)
func TestCountyMetricsAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		loadNational(t, db).Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := newServer(t, db)
		r := get(t, ts.URL+"/api/v1/counties/12/metrics?as_of=2026", "")
		var m publish.MunicipalityReport
		r.json(t, &m)
		if r.status != http.StatusOK || m.SMHI == nil || m.AsOf != 2026 || m.Municipality.Code != "12" || m.Municipality.Name != "Skåne län" {
			t.Fatalf("county metrics: %d %s", r.status, r.body[:min(300, len(r.body))])
		}
		muni := get(t, ts.URL+"/api/v1/municipalities/1281/metrics?as_of=2026", "")
		if got, want := jsonKeys(t, r.body), jsonKeys(t, muni.body); !slices.Equal(got, want) {
			t.Errorf("county answer's fields %v, the municipality's %v", got, want)
		}
		var e struct {
			Series []struct {
				Code   string `json:"municipality"`
				Values []struct {
					Year   int
					Tonnes float64
				}
			}
		}
		get(t, ts.URL+"/api/v1/emissions?municipality=12", "").json(t, &e)
		if len(e.Series) != 1 || e.Series[0].Code != "12" {
			t.Fatalf("SMHI's county series: %+v", e.Series)
		}
		last := e.Series[0].Values[len(e.Series[0].Values)-1]
		sm := m.SMHI.Metrics
		if sm.LastYear != last.Year || sm.LastTonnes == nil || math.Abs(*sm.LastTonnes-last.Tonnes) > 1e-9 || sm.Trend == nil || len(m.SMHI.Sectors) == 0 {
			t.Errorf("the county's metrics are not SMHI's county figures: last %d %v, SMHI %d %v", sm.LastYear, sm.LastTonnes, last.Year, last.Tonnes)
		}
		var compared []string
		for _, ns := range m.PerCapita {
			compared = append(compared, ns.Name)
		}
		if len(compared) != 3 || compared[0] != "Skåne län" || compared[1] != "Sverige" || len(m.Averages) != 2 {
			t.Errorf("per capita compared with %v, averages %d; want the county, Sweden and the members", compared, len(m.Averages))
		}

		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/counties/12/metrics?as_of=2026", nil)
		req.Header.Set("If-None-Match", r.header.Get("ETag"))
		if again := do(t, req, ""); r.header.Get("ETag") == "" || again.status != http.StatusNotModified {
			t.Errorf("the county's metrics again: %d (ETag %q), want 304", again.status, r.header.Get("ETag"))
		}
		for _, c := range []struct {
			path    string
			status  int
			message string
		}{
			{"/api/v1/counties/99/metrics", 404, "Det finns inget län med koden 99"},
			{"/api/v1/counties/1281/metrics", 404, "ingen länskod"},
			{"/api/v1/counties/12/metrics?as_of=1800", 422, "as_of ska vara ett årtal"},
			{"/api/v1/counties/12/metrics?as_of=2051", 422, "as_of"},
		} {
			if r := get(t, ts.URL+c.path, ""); r.status != c.status || !strings.Contains(string(r.body), c.message) {
				t.Errorf("GET %s: %d %s, want %d %q", c.path, r.status, r.body, c.status, c.message)
			}
		}
	})
}
