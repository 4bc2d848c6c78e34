package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// years builds points for consecutive years from first.
func years(first int, values ...float64) []Point {
	p := make([]Point, len(values))
	for i, v := range values {
		p[i] = Point{Year: first + i, Tonnes: v}
	}
	return p
}

// sad is Σ|y_i − (a + b·(year_i − L))|, computed independently of lad.go.
func sad(points []Point, L int, a, b float64) float64 {
	s := 0.0
	for _, p := range points {
		s += math.Abs(p.Tonnes - a - b*float64(p.Year-L))
	}
	return s
}

// ols is the ordinary least-squares slope, for comparison.
func ols(points []Point) float64 {
	var mx, my float64
	for _, p := range points {
		mx += float64(p.Year)
		my += p.Tonnes
	}
	mx /= float64(len(points))
	my /= float64(len(points))
	var sxy, sxx float64
	for _, p := range points {
		dx := float64(p.Year) - mx
		sxy += dx * (p.Tonnes - my)
		sxx += dx * dx
	}
	return sxy / sxx
}

func TestLADExactLineWithMissingYears(t *testing.T) {
	// SMHI's sparse years, all on E = 1000 − 10·(year − 2022): any two
	// points give slope −10 and every residual is 0.
	var pts []Point
	for _, y := range []int{1990, 2000, 2005, 2010, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022} {
		pts = append(pts, Point{y, 1000 - 10*float64(y-2022)})
	}
	f := mustFit(t, pts)
	assertNear(t, "slope", f.Slope, -10, 1e-12)
	assertNear(t, "intercept", f.Intercept, 1000, 1e-9)
	assertNear(t, "SAD", f.SumAbsDev, 0, 1e-9)
	if f.LastYear != 2022 || f.LastValue != 1000 || f.Points != 12 {
		t.Errorf("fit = %+v", f)
	}
}

func TestLADIgnoresOutlier(t *testing.T) {
	// 2015–2022 on E = 100 − 2·(year − 2015) except 2018, which is 10 000
	// instead of 94. Seven of eight points are on the line; the outlier's
	// residual is 10 000 − 94 = 9 906. The line is optimal: centred on
	// L = 2022 the outlier sits at x = −4 with sign +1, and the signs
	// −½ at x = −5 and −½ at x = −3 cancel it (Σs = −1, Σs·x = 2.5 + 1.5 = 4).
	pts := years(2015, 100, 98, 96, 10000, 92, 90, 88, 86)
	f := mustFit(t, pts)
	assertNear(t, "LAD slope", f.Slope, -2, 1e-12)
	assertNear(t, "LAD intercept (value at 2022)", f.Intercept, 86, 1e-9)
	assertNear(t, "LAD SAD", f.SumAbsDev, 9906, 1e-9)

	// Least squares is dragged by the outlier: the slope moves by
	// 9 906·(x_out − x̄)/Σ(x − x̄)² = 9 906·(−0.5)/42, where 42 = 8·(8² − 1)/12
	// for eight consecutive years, to −2 − 117.93 = −119.93.
	assertNear(t, "OLS slope", ols(pts), -2-9906*0.5/42, 1e-9)
}

func TestLADOddMedian(t *testing.T) {
	// A one-year spike: 0, 10, 0. Slopes through pairs are 10, 0, −10 with
	// sums 20, 10, 20, so the line is flat at 0 and SAD = 10.
	f := mustFit(t, years(2020, 0, 10, 0))
	if f.Slope != 0 || f.Intercept != 0 || f.SumAbsDev != 10 {
		t.Errorf("fit = %+v", f)
	}
}

func TestLADTiesSymmetric(t *testing.T) {
	// 2015–2018: 1, 0, 0, 1. Centred on 2018, x = −3, −2, −1, 0 and the
	// residuals for slope b are 1 + 3b, 2b, b, 1. Two-point slopes are
	// −1, −½, 0, ½, 1 with sums
	//   b = −1: −2, −2, −1, 1 → (−1 + 1) − (−2 − 2) = 4
	//   b = −½: −½, −1, −½, 1 → (−½ + 1) − (−1 − ½) = 2
	//   b =  0:  1,  0,  0, 1 → 2
	//   b =  ½: 2½, 1, ½, 1   → (1 + 2½) − (½ + 1) = 2
	//   b =  1:  4,  2, 1, 1  → 4
	// so every slope in [−½, ½] is optimal; the midpoint is 0. At b = 0
	// the residuals 0, 0, 1, 1 have middle values 0 and 1: intercept ½.
	f := mustFit(t, years(2015, 1, 0, 0, 1))
	if f.Slope != 0 || f.Intercept != 0.5 || f.SumAbsDev != 2 {
		t.Errorf("fit = %+v, want slope 0, intercept 0.5, SAD 2", f)
	}
}

func TestLADTiesAsymmetric(t *testing.T) {
	// 2015–2018: 5, 0, 1, 3; residuals for slope b are 5 + 3b, 2b, 1 + b, 3.
	// Two-point slopes: −5, −2, −⅔, 1, 3/2, 2. Sums:
	//   b = −5:  −10, −10, −4, 3   → (−4 + 3) − (−20)      = 19
	//   b = −2:  −1, −4, −1, 3     → (−1 + 3) − (−4 − 1)   = 7
	//   b = −⅔:  3, −4/3, 1/3, 3   → (3 + 3) − (−4/3 + 1/3) = 7
	//   b = 1:   8, 2, 2, 3        → (3 + 8) − (2 + 2)      = 7
	//   b = 3/2: 9.5, 3, 2.5, 3    → (3 + 9.5) − (2.5 + 3)  = 7
	//   b = 2:   11, 4, 3, 3       → (4 + 11) − (3 + 3)     = 9
	// The optimum 7 holds for b in [−2, 3/2] (the points at x = −3 and 0
	// stay above the others); the midpoint is b = −¼. Residuals at −¼:
	// 4.25, −0.5, 0.75, 3; middle values 0.75 and 3, intercept 1.875;
	// SAD = (3 + 4.25) − (−0.5 + 0.75) = 7.
	pts := years(2015, 5, 0, 1, 3)
	f := mustFit(t, pts)
	if f.Slope != -0.25 || f.Intercept != 1.875 || f.SumAbsDev != 7 {
		t.Errorf("fit = %+v, want slope −0.25, intercept 1.875, SAD 7", f)
	}
	// The input order does not matter.
	g, _ := LADTrend([]Point{pts[2], pts[0], pts[3], pts[1]})
	if g != f {
		t.Errorf("shuffled input gives %+v, want %+v", g, f)
	}
	// Scaled by 0.7 the tie is the same, but 3.5, 0, 0.7, 2.1 are not exact
	// in binary, so the tied sums may differ in the last bits: the tolerance
	// must still see the whole interval [−1.4, 1.05], midpoint −0.175,
	// intercept 0.7·1.875 = 1.3125, SAD 0.7·7 = 4.9.
	f, _ = LADTrend(years(2015, 3.5, 0, 0.7, 2.1))
	assertNear(t, "scaled slope", f.Slope, -0.175, 1e-12)
	assertNear(t, "scaled intercept", f.Intercept, 1.3125, 1e-12)
	assertNear(t, "scaled SAD", f.SumAbsDev, 4.9, 1e-12)
}

func TestLADRejects(t *testing.T) {
	for name, pts := range map[string][]Point{
		"none":      nil,
		"one":       {{2020, 1}},
		"same year": {{2020, 1}, {2020, 2}},
		"NaN":       {{2020, 1}, {2021, math.NaN()}},
		"Inf":       {{2020, math.Inf(1)}, {2021, 1}},
	} {
		if _, ok := LADTrend(pts); ok {
			t.Errorf("%s: ok", name)
		}
	}
	// Two points: the line through them.
	f, ok := LADTrend([]Point{{2022, 7}, {2020, 3}})
	if !ok || f.Slope != 2 || f.Intercept != 7 || f.SumAbsDev != 0 {
		t.Errorf("two points: %+v, %v", f, ok)
	}
}

// TestLADOptimalProperty checks, by brute force on random small series, that
// the LAD line's sum of absolute deviations is no larger than that of any
// line through two data points, and (since the optimum is attained at such a
// line) no smaller than the best of them either.
func TestLADOptimalProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(2015, 2050))
	for iter := range 3000 {
		n := 2 + rng.IntN(9)
		perm := rng.Perm(26)[:n] // n distinct years out of 2005–2030
		pts := make([]Point, n)
		for i, k := range perm {
			var v float64
			switch iter % 3 {
			case 0: // small integers: many ties
				v = float64(rng.IntN(6))
			case 1: // realistic tonnages
				v = 1e5 * rng.Float64()
			default: // a decline with noise and, sometimes, an outlier
				v = 5e4 - 1e3*float64(k) + 2e3*rng.NormFloat64()
				if rng.IntN(4) == 0 {
					v *= 10
				}
			}
			pts[i] = Point{Year: 2005 + k, Tonnes: v}
		}
		f, ok := LADTrend(pts)
		if !ok {
			t.Fatalf("iteration %d: not ok for %v", iter, pts)
		}
		L := f.LastYear
		scale := 0.0
		for _, p := range pts {
			scale += math.Abs(p.Tonnes)
		}
		tol := 1e-9 * (scale + 1)

		if got := sad(pts, L, f.Intercept, f.Slope); !near(got, f.SumAbsDev, tol) {
			t.Fatalf("iteration %d: SumAbsDev %v, recomputed %v", iter, f.SumAbsDev, got)
		}
		best := math.Inf(1)
		for i := range pts {
			for j := range pts {
				if pts[i].Year >= pts[j].Year {
					continue
				}
				b := (pts[j].Tonnes - pts[i].Tonnes) / float64(pts[j].Year-pts[i].Year)
				a := pts[i].Tonnes - b*float64(pts[i].Year-L) // value at L
				best = min(best, sad(pts, L, a, b))
			}
		}
		if f.SumAbsDev > best+tol {
			t.Fatalf("iteration %d: LAD sum %v > best two-point line %v for %v", iter, f.SumAbsDev, best, pts)
		}
		if f.SumAbsDev < best-tol {
			t.Fatalf("iteration %d: LAD sum %v < best two-point line %v: brute force or LAD wrong", iter, f.SumAbsDev, best)
		}
	}
}

// mustFit is LADTrend(pts), failing the test when there is no fit.
func mustFit(t *testing.T, pts []Point) LADFit {
	t.Helper()
	f, ok := LADTrend(pts)
	if !ok {
		t.Fatal("not ok")
	}
	return f
}
