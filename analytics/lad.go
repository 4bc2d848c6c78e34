package analytics

import (
	"math"
	"slices"
)

// LADFit is a least-absolute-deviations (median) regression line of tonnes on
// year, with years centred on the last year L of the data:
//
//	fitted(year)   = Intercept + Slope*(year - L)   (the regression line itself)
//	anchored(year) = LastValue + Slope*(year - L)   (the same line shifted through E_L)
//
// Klimatkollen shifts the fitted line so that it passes through the last
// data point; Anchored is that line. Only Slope and LastValue matter for the
// trend; Intercept and SumAbsDev describe the regression itself.
type LADFit struct {
	LastYear  int     `json:"last_year"`   // L
	LastValue float64 `json:"last_value"`  // E_L
	Slope     float64 `json:"slope"`       // tonnes per year
	Intercept float64 `json:"intercept"`   // the regression line's value at L, before the shift
	SumAbsDev float64 `json:"sum_abs_dev"` // Σ|E_i − fitted(year_i)| of the regression line
	Points    int     `json:"points"`      // how many points were fitted
}

// Fitted returns the regression line's value at year (not shifted).
func (f LADFit) Fitted(year float64) float64 {
	return f.Intercept + f.Slope*(year-float64(f.LastYear))
}

// Anchored returns the value at year of the regression line shifted to pass
// through (L, E_L). This is the line Klimatkollen's trend uses.
func (f LADFit) Anchored(year float64) float64 {
	return f.LastValue + f.Slope*(year-float64(f.LastYear))
}

// LADTrend fits a least-absolute-deviations line (median regression) of
// tonnes on year to points, which may come in any order and may skip years.
// ok is false with fewer than two points, duplicate years, or a value that is
// not a finite number.
//
// Method (exact, no iteration). With years centred on L, x_i = year_i − L,
// write f(b) = min_a Σ|y_i − a − b·x_i|. For a fixed slope b the best
// intercept a is a median of the residuals y_i − b·x_i, so f(b) is the sum of
// absolute deviations from that median. The order of the residuals changes
// only where two of them are equal, that is at a slope through two data
// points, (y_j − y_i)/(x_j − x_i); between such slopes f is linear, and as a
// partial minimum of a convex function f is convex. So the minimum of f is
// attained at one of the two-point slopes, and the set of optimal slopes is an
// interval [b_lo, b_hi] whose ends are two-point slopes. LADTrend evaluates f
// at every distinct two-point slope (O(n³ log n): about 500 candidates for 33
// points) and takes the smallest and largest slope attaining the minimum.
//
// Ties. When the optimum is not unique (common with an even number of
// points) LADTrend picks, like the usual convention for the median of an even
// number of values, the midpoint of the optimal set: slope (b_lo + b_hi)/2,
// and intercept the midpoint of the two middle residuals at that slope. The
// midpoint of a convex set of optima is itself optimal, so the line is still a
// least-absolute-deviations line, though it then need not pass through two
// data points. The choice depends only on the data, not on their order.
// Statsmodels' QuantReg, which Klimatkollen uses, solves the same problem by
// iteratively reweighted least squares and returns some point of the optimal
// set; results agree whenever the optimum is unique.
//
// Rounding. Sums are computed in float64, so two mathematically equal sums
// may differ in the last bits. Slopes whose sum is within 1e-12·Σ|y_i| of the
// smallest count as tied. Because the centred years are integers, f changes by
// at least 1 (unit of y) per unit of slope away from the optimal interval, so
// this widens the interval by at most that tolerance in slope.
func LADTrend(points []Point) (LADFit, bool) {
	n := len(points)
	if n < 2 {
		return LADFit{}, false
	}
	s, err := NewSeries(points)
	if err != nil {
		return LADFit{}, false
	}
	last := s[n-1]
	xs := make([]float64, n)
	ys := make([]float64, n)
	scale := 0.0
	for i, p := range s {
		xs[i] = float64(p.Year - last.Year)
		ys[i] = p.Tonnes
		scale += math.Abs(p.Tonnes)
	}

	slopes := make([]float64, 0, n*(n-1)/2)
	for i := range n {
		for j := i + 1; j < n; j++ {
			b := (ys[j] - ys[i]) / (xs[j] - xs[i])
			if math.IsInf(b, 0) || math.IsNaN(b) {
				return LADFit{}, false // values so large that differences overflow
			}
			slopes = append(slopes, b)
		}
	}
	slices.Sort(slopes)
	slopes = slices.Compact(slopes)

	buf := make([]float64, n)
	sums := make([]float64, len(slopes))
	best := math.Inf(1)
	for k, b := range slopes {
		_, sums[k] = medianFit(xs, ys, b, buf)
		best = min(best, sums[k])
	}
	tol := 1e-12 * scale
	lo, hi := -1, -1
	for k, v := range sums {
		if v <= best+tol {
			if lo < 0 {
				lo = k
			}
			hi = k
		}
	}
	slope := slopes[lo]
	if hi != lo {
		slope = slopes[lo]/2 + slopes[hi]/2
	}
	a, sad := medianFit(xs, ys, slope, buf)
	return LADFit{
		LastYear:  last.Year,
		LastValue: last.Tonnes,
		Slope:     slope,
		Intercept: a,
		SumAbsDev: sad,
		Points:    n,
	}, true
}

// medianFit returns, for slope b, the best intercept (the median of the
// residuals y_i − b·x_i, the midpoint of the two middle ones for an even
// count) and the sum of absolute deviations from it. buf must have len(xs)
// elements; it is overwritten.
func medianFit(xs, ys []float64, b float64, buf []float64) (a, sad float64) {
	for i := range xs {
		buf[i] = ys[i] - b*xs[i]
	}
	slices.Sort(buf)
	n := len(buf)
	if n%2 == 1 {
		a = buf[n/2]
	} else {
		a = buf[n/2-1]/2 + buf[n/2]/2
	}
	for _, r := range buf {
		sad += math.Abs(r - a)
	}
	return a, sad
}
