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
// SCB has (the earlier one on a tie), and which year that was.
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
