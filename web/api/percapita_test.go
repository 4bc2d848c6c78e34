package api_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestPerCapitaEstimatedInAPI: with SCB's population for 1990 and 2024, a
// per-capita value divides by its own year's population when SCB has it
// (1990: not marked) and else by the nearest year's, marked as an
// estimate with that year: in the emissions JSON and CSV, the metrics, and
// the ranking's JSON and CSV.
func TestPerCapitaEstimatedInAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := loadNational(t, db)
		pop1990 := 8590630.0
		w.ImportPopulationYear(t, 1990, pop1990/10587710)
		w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := w.Serve(t, "")

		var e struct {
			Series []struct {
				Values []struct {
					Year           int      `json:"year"`
					Tonnes         float64  `json:"tonnes"`
					PerCapita      *float64 `json:"per_capita"`
					PopulationYear int      `json:"population_year"`
					Estimated      *bool    `json:"per_capita_estimated"`
				} `json:"values"`
			} `json:"series"`
		}
		get(t, ts.URL+"/api/v1/emissions?municipality=00&from=1990&to=2000&per_capita=true", "").json(t, &e)
		if len(e.Series) != 1 || len(e.Series[0].Values) != 2 {
			t.Fatalf("emissions: %+v", e)
		}
		v1990, v2000 := e.Series[0].Values[0], e.Series[0].Values[1]
		if v1990.PopulationYear != 1990 || v1990.Estimated != nil || math.Abs(*v1990.PerCapita-v1990.Tonnes/pop1990) > 1e-12 {
			t.Errorf("1990: %+v, want 1990's population, not marked", v1990)
		}
		if v2000.PopulationYear != 1990 || v2000.Estimated == nil || !*v2000.Estimated || math.Abs(*v2000.PerCapita-v2000.Tonnes/pop1990) > 1e-12 {
			t.Errorf("2000: %+v, want 1990's population, marked as estimated", v2000)
		}

		r := get(t, ts.URL+"/api/v1/emissions.csv?municipality=00&from=1990&to=2000&per_capita=true", "")
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("emissions.csv: %v %q", err, recs)
		}
		col := slices.Index(recs[0], "per_capita_estimated")
		if col < 0 || recs[1][col] != "false" || recs[2][col] != "true" {
			t.Errorf("emissions.csv: %q", recs)
		}

		// SMHI's last year, 2022, divides by 2024's population: an estimate.
		var m struct {
			SMHI struct {
				Metrics struct {
					LastYear       int  `json:"last_year"`
					PopulationYear int  `json:"population_year"`
					Estimated      bool `json:"per_capita_estimated"`
				} `json:"metrics"`
			} `json:"smhi"`
			PerCapita []struct {
				Code      string `json:"code"`
				Estimated []struct {
					Year           int `json:"year"`
					PopulationYear int `json:"population_year"`
				} `json:"estimated"`
			} `json:"per_capita_comparison"`
		}
		get(t, ts.URL+"/api/v1/municipalities/1281/metrics", "").json(t, &m)
		if sm := m.SMHI.Metrics; sm.LastYear != 2022 || sm.PopulationYear != 2024 || !sm.Estimated {
			t.Errorf("metrics: %+v", sm)
		}
		if len(m.PerCapita) == 0 || len(m.PerCapita[0].Estimated) == 0 || m.PerCapita[0].Estimated[0].Year != 2000 ||
			m.PerCapita[0].Estimated[0].PopulationYear != 1990 {
			t.Errorf("per capita comparison: %+v", m.PerCapita)
		}

		var rk struct {
			Rows []struct {
				Code           string `json:"code"`
				PopulationYear int    `json:"population_year"`
				Estimated      bool   `json:"estimated"`
			} `json:"rows"`
			Averages []struct {
				Group     string `json:"group"`
				Estimated bool   `json:"estimated"`
			} `json:"averages"`
		}
		get(t, ts.URL+"/api/v1/ranking?metric=per_capita&year=1990", "").json(t, &rk)
		for _, row := range rk.Rows {
			if row.PopulationYear != 1990 || row.Estimated {
				t.Fatalf("ranking 1990: %+v, want 1990's own population", row)
			}
		}
		get(t, ts.URL+"/api/v1/ranking?metric=per_capita&year=2000", "").json(t, &rk)
		for _, row := range rk.Rows {
			if row.PopulationYear != 1990 || !row.Estimated {
				t.Fatalf("ranking 2000: %+v, want 1990's population, marked", row)
			}
		}
		if len(rk.Averages) == 0 || !rk.Averages[0].Estimated {
			t.Errorf("ranking 2000's averages: %+v", rk.Averages)
		}
		r = get(t, ts.URL+"/api/v1/ranking.csv?metric=per_capita&year=2000", "")
		recs, _ = csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if col := slices.Index(recs[0], "per_capita_estimated"); col < 0 || len(recs) != 291 || recs[1][col] != "true" {
			t.Errorf("ranking.csv: %q", recs[:2])
		}
	})
}
