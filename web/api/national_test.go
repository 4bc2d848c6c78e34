package api_test

import (
	"math"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// loadNational imports the shared sample files and returns the world it
// used, for members to join.
func loadNational(t *testing.T, db storage.DB) *testworld.World {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{})
	w.ImportSamples(t)
	return w
}

func TestMunicipalitiesAndEmissionsAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		loadNational(t, db).Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := newServer(t, db)
		var list struct {
			Municipalities []struct {
				Code       string `json:"code"`
				Name       string `json:"name"`
				CountyCode string `json:"county_code"`
				CountyName string `json:"county_name"`
				Member     *struct {
					Active bool `json:"active"`
				} `json:"member"`
			} `json:"municipalities"`
		}
		r := get(t, ts.URL+"/api/v1/municipalities", "")
		r.json(t, &list)
		if r.status != 200 || len(list.Municipalities) != 290 {
			t.Fatalf("municipalities: %d, %d entries", r.status, len(list.Municipalities))
		}
		members := 0
		for _, m := range list.Municipalities {
			if m.Member != nil {
				members++
				if m.Code != "1281" || !m.Member.Active {
					t.Errorf("member %+v", m)
				}
			}
		}
		if members != 1 {
			t.Errorf("%d members listed, want 1", members)
		}

		var e struct {
			Source, Substance, Release, Unit string
			Series                           []struct {
				Municipality, Name, Sector string
				Values                     []struct {
					Year           int      `json:"year"`
					Tonnes         float64  `json:"tonnes"`
					PerCapita      *float64 `json:"per_capita"`
					PopulationYear int      `json:"population_year"`
				} `json:"values"`
			} `json:"series"`
		}
		r = get(t, ts.URL+"/api/v1/emissions?source=smhi&municipality=1281&municipality=1280&from=2022&to=2022&per_capita=true", "")
		r.json(t, &e)
		if r.status != 200 || e.Source != "smhi" || e.Substance != "CO2" || e.Release != "2024-04-18" || len(e.Series) != 2 {
			t.Fatalf("emissions: %d %s", r.status, r.body)
		}
		lund := e.Series[1]
		if lund.Municipality != "1281" || lund.Name != "Lund" || len(lund.Values) != 1 {
			t.Fatalf("Lund: %+v", lund)
		}
		v := lund.Values[0]
		if math.Abs(v.Tonnes-122064.91323369) > 1e-6 || v.PerCapita == nil || v.PopulationYear != 2024 ||
			math.Abs(*v.PerCapita-122064.91323369/131590) > 1e-9 {
			t.Fatalf("Lund 2022: %+v", v)
		}
		r = get(t, ts.URL+"/api/v1/emissions?municipality=1281&by=sector&from=2022&to=2022", "")
		r.json(t, &e)
		sum := 0.0
		for _, s := range e.Series {
			sum += s.Values[0].Tonnes
		}
		if len(e.Series) != 9 || math.Abs(sum-122064.91323369) > 0.01 {
			t.Fatalf("sectors: %d series summing to %v", len(e.Series), sum)
		}
		for _, q := range []string{"source=nonsense", "municipality=12ab", "from=1800", "by=gas", "release=igår"} {
			if r := get(t, ts.URL+"/api/v1/emissions?"+q, ""); r.status != 422 {
				t.Errorf("emissions?%s: %d, want 422", q, r.status)
			}
		}
		if r := get(t, ts.URL+"/api/v1/emissions?release=2020-01-01", ""); r.status != 404 {
			t.Errorf("an unknown release: %d, want 404", r.status)
		}
		// Reported figures are their own source.
		upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, report("1281", false)))
		r = get(t, ts.URL+"/api/v1/emissions?source=reported&municipality=1281", "")
		r.json(t, &e)
		if r.status != 200 || e.Source != "reported" || len(e.Series) != 1 || e.Series[0].Values[0].Tonnes != 4500 {
			t.Fatalf("reported: %d %s", r.status, r.body)
		}
	})
}
