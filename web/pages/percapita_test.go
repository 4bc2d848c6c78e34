package pages_test

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// TestPerCapitaOwnYearPopulation: with SCB's population for 1990 and 2024,
// Sweden's 1990 per capita divides by 1990's population and is drawn and
// tabled as measured; 2000 (no population of its own) divides by the
// nearest year's, 1990's, and 2010 by 2024's: drawn as an estimate, in a
// column marked "uppskattning", with a note naming the population used.
func TestPerCapitaOwnYearPopulation(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{noReport: true})
		var e struct {
			Series []struct {
				Values []struct {
					Year   int     `json:"year"`
					Tonnes float64 `json:"tonnes"`
				} `json:"values"`
			} `json:"series"`
		}
		getJSON(t, f.url+"/api/v1/emissions?municipality=00", &e)
		tonnes := map[int]float64{}
		for _, v := range e.Series[0].Values {
			tonnes[v.Year] = v.Tonnes
		}
		pop1990 := math.Round(10587710 * pop1990Factor) // 8 590 630
		want := map[int]float64{1990: tonnes[1990] / pop1990, 2000: tonnes[2000] / pop1990, 2010: tonnes[2010] / 10587710}

		r := get(t, f.url+"/jamfor?kod=00")
		var fig *figure
		for _, fg := range pageFigures(t, r.body) {
			if fg.id == "per-capita" {
				fig = &fg
			}
		}
		if fig == nil {
			t.Fatal("no per-capita chart")
		}
		drawn := map[string]map[int]float64{}
		for _, s := range fig.option.Series {
			drawn[s.Name] = map[int]float64{}
			for _, d := range s.Data {
				var xy []float64
				if err := json.Unmarshal(d.Value, &xy); err != nil || len(xy) != 2 {
					t.Fatalf("%s: value %s", s.Name, d.Value)
				}
				drawn[s.Name][int(xy[0])] = xy[1]
			}
		}
		measured, estimated := drawn["Sverige"], drawn["Sverige (uppskattad)"]
		if measured == nil || estimated == nil {
			t.Fatalf("series drawn: %v", drawn)
		}
		if v, ok := measured[1990]; !ok || math.Abs(v-want[1990]) > 1e-12 {
			t.Errorf("1990 drawn as measured: %v, want %v (1990's population)", v, want[1990])
		}
		for _, y := range []int{2000, 2010} {
			if _, ok := measured[y]; ok {
				t.Errorf("%d drawn as measured", y)
			}
			if v, ok := estimated[y]; !ok || math.Abs(v-want[y]) > 1e-12 {
				t.Errorf("%d drawn as an estimate: %v, want %v", y, v, want[y])
			}
		}
		if _, ok := estimated[1990]; ok {
			t.Error("1990 drawn as an estimate")
		}

		// The table: a column for the estimates, marked; each value in its
		// column.
		head := fig.table[0]
		if len(head) != 3 || head[1] != "Sverige" || !strings.Contains(head[2], "uppskattning") {
			t.Fatalf("table head %q", head)
		}
		for _, row := range fig.table[1:] {
			y, _ := strconv.Atoi(row[0])
			col := 2
			if y == 1990 || y == 2024 {
				col = 1
			}
			if w, ok := want[y]; ok && row[col] != swedish.Number(w, 2) {
				t.Errorf("table %d: %q, want %s in column %d", y, row, swedish.Number(w, 2), col)
			}
			if row[3-col] != "" {
				t.Errorf("table %d: %q has a value in both columns", y, row)
			}
		}
		page := string(r.body)
		for _, note := range []string{"Uppskattade år: 2000, 2005 med folkmängden 1990; 2010", "med folkmängden 2024.", "Värden märkta ”uppskattning” är uppskattade"} {
			if !strings.Contains(page, note) {
				t.Errorf("the page does not say %q", note)
			}
		}
	})
}
