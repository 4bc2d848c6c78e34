package analytics

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Point is one year's emissions of an area, in tonnes CO2e (or, for
// per-capita series, tonnes CO2e per inhabitant: nothing here depends on the
// unit).
type Point struct {
	Year   int     `json:"year"`
	Tonnes float64 `json:"tonnes"`
}

// Series is an area's yearly totals sorted by strictly increasing year. Years
// may be sparse: SMHI publishes 1990, 2000, 2005, 2010 and then every year from
// 2015. A missing year is simply absent; it is never a zero.
//
// Build a Series with NewSeries when the order of the input is not known.
// Every function taking a Series checks the invariant (sorted, unique years,
// finite values) and reports ok=false when it does not hold, rather than
// computing from misordered data.
type Series []Point

// NewSeries returns a sorted copy of points. It fails on duplicate years and
// on values that are NaN or infinite.
func NewSeries(points []Point) (Series, error) {
	s := slices.Clone(Series(points))
	slices.SortFunc(s, func(a, b Point) int { return a.Year - b.Year })
	for i, p := range s {
		if math.IsNaN(p.Tonnes) || math.IsInf(p.Tonnes, 0) {
			return nil, fmt.Errorf("analytics: year %d: value %v is not a finite number", p.Year, p.Tonnes)
		}
		if i > 0 && s[i-1].Year == p.Year {
			return nil, fmt.Errorf("analytics: year %d occurs more than once", p.Year)
		}
	}
	return s, nil
}

// errNotSorted is what Valid reports for a misordered series.
var errNotSorted = errors.New("analytics: series is not sorted by strictly increasing year")

// Valid reports whether s keeps the Series invariant: strictly increasing
// years and finite values.
func (s Series) Valid() error {
	for i, p := range s {
		if math.IsNaN(p.Tonnes) || math.IsInf(p.Tonnes, 0) {
			return fmt.Errorf("analytics: year %d: value %v is not a finite number", p.Year, p.Tonnes)
		}
		if i > 0 && s[i-1].Year >= p.Year {
			return errNotSorted
		}
	}
	return nil
}

// Value returns the value for year, and whether the series has that year.
func (s Series) Value(year int) (float64, bool) {
	i, found := slices.BinarySearchFunc(s, year, func(p Point, y int) int { return p.Year - y })
	if !found {
		return 0, false
	}
	return s[i].Tonnes, true
}

// Last returns the point of the last year with data, and false for an empty
// series.
func (s Series) Last() (Point, bool) {
	if len(s) == 0 {
		return Point{}, false
	}
	return s[len(s)-1], true
}

// Since returns the part of s from year on (a subslice, not a copy).
func (s Series) Since(year int) Series {
	i, _ := slices.BinarySearchFunc(s, year, func(p Point, y int) int { return p.Year - y })
	return s[i:]
}
