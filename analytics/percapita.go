package analytics

import "math"

// PerCapita returns tonnes per inhabitant. ok is false when persons is not
// positive or tonnes is not a finite number.
func PerCapita(tonnes float64, persons int64) (float64, bool) {
	if persons <= 0 || math.IsNaN(tonnes) || math.IsInf(tonnes, 0) {
		return 0, false
	}
	return tonnes / float64(persons), true
}

// Area is one area's emissions and population for the same year, the unit of
// a per-capita average.
type Area struct {
	Code    string  `json:"code,omitempty"`
	Tonnes  float64 `json:"tonnes"`
	Persons int64   `json:"persons"`
}

// PerCapitaAverage returns the per-capita emissions of a set of areas taken
// together: Σ tonnes / Σ persons. This is how "the members emit 3.0 t per
// inhabitant, Sweden 4.4 t" is computed: each inhabitant counts once, so a
// large municipality weighs more than a small one. It is not the mean of the
// areas' per-capita values (see Mean). Leave out areas that lack either
// number for the year; ok is false when the total population is not positive
// or a value is not finite.
func PerCapitaAverage(areas []Area) (float64, bool) {
	var tonnes float64
	var persons int64
	for _, a := range areas {
		if a.Persons < 0 || math.IsNaN(a.Tonnes) || math.IsInf(a.Tonnes, 0) {
			return 0, false
		}
		tonnes += a.Tonnes
		persons += a.Persons
	}
	return PerCapita(tonnes, persons)
}

// Mean returns the arithmetic mean of values: each value counts once. Use it
// for "the average municipality" (for example the mean of per-capita values,
// where Stockholm and Bjurholm weigh the same); use PerCapitaAverage for the
// per-capita emissions of a group. ok is false for no values or a value that
// is not finite.
func Mean(values []float64) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		sum += v
	}
	return sum / float64(len(values)), true
}

// Populations holds SCB's population by area and year.
type Populations map[string]map[int]int64

// Nearest returns the population of code in year, or in the nearest year
// SCB has (the earlier one on a tie), and which year that was. It is the
// one rule of which population a per-capita figure divides by: a year's
// own when SCB has it, else the nearest year's, and then the figure is an
// estimate (PerCapitaValue.Estimated, PopulationUse.Estimated).
func (p Populations) Nearest(code string, year int) (int64, int, bool) {
	years := p[code]
	if n, ok := years[year]; ok {
		return n, year, true
	}
	best, bestYear, found := int64(0), 0, false
	for y, n := range years {
		dist, bestDist := abs(y-year), abs(bestYear-year)
		if !found || dist < bestDist || (dist == bestDist && y < bestYear) {
			best, bestYear, found = n, y, true
		}
	}
	return best, bestYear, found
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// PopulationFunc returns the population used for year: persons, the year
// whose figure it is (year itself unless the figure is another year's, an
// estimate), and whether there is one.
type PopulationFunc func(year int) (persons int64, popYear int, ok bool)

// AreaPopulation is the PopulationFunc of one area in p (Populations.Nearest).
func AreaPopulation(p Populations, code string) PopulationFunc {
	return func(year int) (int64, int, bool) { return p.Nearest(code, year) }
}

// GroupPopulation is the PopulationFunc of several areas taken together:
// the sum of their populations. It has no figure for a year unless every
// area has one. The year reported is year when every area has its own
// population for it; else it is the population year farthest from year
// (the first area's on a tie), so that the sum is marked as an estimate
// when any part of it is one.
func GroupPopulation(p Populations, codes []string) PopulationFunc {
	return func(year int) (int64, int, bool) {
		var sum int64
		popYear := year
		for _, c := range codes {
			n, y, ok := p.Nearest(c, year)
			if !ok {
				return 0, 0, false
			}
			if abs(y-year) > abs(popYear-year) {
				popYear = y
			}
			sum += n
		}
		return sum, popYear, len(codes) > 0
	}
}

// PerCapitaValue is a year's tonnes per inhabitant with the population it
// divides by.
type PerCapitaValue struct {
	Value          float64
	Persons        int64
	PopulationYear int
	// Estimated is true when PopulationYear is not the emissions' year:
	// SCB has no population for it and the nearest year's was used.
	Estimated bool
}

// PerCapitaIn returns the tonnes of year per inhabitant, with the
// population pop gives for year (a nil pop has none). ok is false without
// a population or a finite quotient.
func PerCapitaIn(tonnes float64, year int, pop PopulationFunc) (PerCapitaValue, bool) {
	if pop == nil {
		return PerCapitaValue{}, false
	}
	persons, popYear, ok := pop(year)
	if !ok {
		return PerCapitaValue{}, false
	}
	pc, ok := PerCapita(tonnes, persons)
	if !ok {
		return PerCapitaValue{}, false
	}
	return PerCapitaValue{Value: pc, Persons: persons, PopulationYear: popYear, Estimated: popYear != year}, true
}

// PopulationUse says whose population a per-capita value divides by.
type PopulationUse struct {
	Year           int `json:"year"`            // the emissions' year
	PopulationYear int `json:"population_year"` // the population's
}

// Estimated is true when the value used another year's population.
func (u PopulationUse) Estimated() bool { return u.Year != u.PopulationYear }

// PerCapitaSeries divides each year of s by the population of that year
// (PopulationFunc); years without a population are left out.
func PerCapitaSeries(s Series, pop PopulationFunc) Series {
	out, _ := PerCapitaUses(s, pop)
	return out
}

// PerCapitaUses is PerCapitaSeries with, for each of its values, the year
// whose population it divides by.
func PerCapitaUses(s Series, pop PopulationFunc) (Series, []PopulationUse) {
	out := Series{}
	var uses []PopulationUse
	for _, p := range s {
		if pc, ok := PerCapitaIn(p.Tonnes, p.Year, pop); ok {
			out = append(out, Point{Year: p.Year, Tonnes: pc.Value})
			uses = append(uses, PopulationUse{Year: p.Year, PopulationYear: pc.PopulationYear})
		}
	}
	return out, uses
}
