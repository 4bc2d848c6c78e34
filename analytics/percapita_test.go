package analytics

import "testing"

// TestPerCapitaOwnYearOrNearest: a year SCB has divides by its own
// population and is not an estimate; another year divides by the nearest
// year's and is one, with that year; a group is an estimate when any of
// its areas is.
func TestPerCapitaOwnYearOrNearest(t *testing.T) {
	pops := Populations{"00": {1990: 8_590_630, 2024: 10_587_710}, "A": {1990: 100, 2024: 200}, "B": {2024: 50}}
	sweden := AreaPopulation(pops, "00")
	for _, c := range []struct {
		year, popYear int
		persons       float64
		estimated     bool
	}{{1990, 1990, 8_590_630, false}, {2000, 1990, 8_590_630, true}, {2010, 2024, 10_587_710, true}, {2024, 2024, 10_587_710, false}} {
		pc, ok := PerCapitaIn(58e6, c.year, sweden)
		if !ok || pc.Value != 58e6/c.persons || pc.PopulationYear != c.popYear || pc.Estimated != c.estimated {
			t.Errorf("%d: %+v, want %v per inhabitant with %d's population, estimated %v", c.year, pc, 58e6/c.persons, c.popYear, c.estimated)
		}
	}
	s, uses := PerCapitaUses(Series{{1990, 10}, {2000, 10}, {2024, 10}}, AreaPopulation(pops, "A"))
	if len(s) != 3 || uses[0].Estimated() || !uses[1].Estimated() || uses[1].PopulationYear != 1990 || uses[2].Estimated() {
		t.Errorf("uses %+v of %v", uses, s)
	}
	m := ComputeMetrics(MetricsInput{Code: "00", Total: Series{{1990, 58e6}, {2000, 56e6}}, Population: sweden, AsOf: 2000})
	if m.PopulationYear != 1990 || !m.PerCapitaEstimated {
		t.Errorf("metrics of 2000: population from %d, estimated %v", m.PopulationYear, m.PerCapitaEstimated)
	}

	// The group A+B in 1990: A has its own, B only 2024's.
	n, y, ok := GroupPopulation(pops, []string{"A", "B"})(1990)
	if !ok || n != 150 || y != 2024 {
		t.Errorf("group 1990: %d from %d, %v; want 150 from 2024 (an estimate)", n, y, ok)
	}
	if _, y, _ := GroupPopulation(pops, []string{"A", "B"})(2024); y != 2024 {
		t.Errorf("group 2024: from %d", y)
	}
	if _, ok := PerCapitaIn(1, 2024, nil); ok {
		t.Error("per capita without a population")
	}
}
