package analytics

import (
	"math"
	"testing"
)

func values(vs []Value) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = v.Tonnes
	}
	return out
}

func checkKinds(t *testing.T, name string, vs []Value, kind ValueKind, first, last int) {
	t.Helper()
	if len(vs) != last-first+1 {
		t.Fatalf("%s: %d values, want years %d..%d", name, len(vs), first, last)
	}
	for i, v := range vs {
		if v.Kind != kind || v.Year != first+i {
			t.Errorf("%s[%d] = %+v, want year %d kind %v", name, i, v, first+i, kind)
		}
	}
}

func TestTrendDecline(t *testing.T) {
	// Old years are ignored by the fit: 1990 is wildly off the line.
	s := Series{{1990, 99999}, {2010, 1}}
	for i, v := range []float64{1000, 900, 800, 700, 600, 500} { // 2015–2020
		s = append(s, Point{2015 + i, v})
	}
	r := Trend(s, 2023)
	if !r.OK {
		t.Fatal("not ok")
	}
	// Exact line, slope −100 t/year, L = 2020, E_L = 500.
	if r.FromYear != 2015 || r.LastYear != 2020 || r.AsOf != 2023 {
		t.Errorf("years: %d %d %d", r.FromYear, r.LastYear, r.AsOf)
	}
	assertNear(t, "slope", r.Slope, -100, 1e-12)

	// Measured: the input as it is, years 1990 and 2010 included.
	if len(r.Measured) != len(s) {
		t.Fatalf("Measured has %d values, want %d", len(r.Measured), len(s))
	}
	for i, v := range r.Measured {
		if v != (Value{s[i].Year, s[i].Tonnes, KindMeasured}) {
			t.Errorf("Measured[%d] = %+v", i, v)
		}
	}
	// Approximated 2020..2023: 500 − 100·(y − 2020) = 500, 400, 300, 200.
	checkKinds(t, "Approximated", r.Approximated, KindApproximated, 2020, 2023)
	assertSlice(t, "Approximated", values(r.Approximated), []float64{500, 400, 300, 200})
	// Trend 2023..2050: 200, 100, then 0 from 2025 (floored), 28 values.
	checkKinds(t, "Trend", r.Trend, KindTrend, 2023, 2050)
	want := make([]float64, 28)
	want[0], want[1] = 200, 100
	assertSlice(t, "Trend", values(r.Trend), want)
	assertNear(t, "TotalTrend", r.TotalTrend, 300, 1e-9)

	// Carbon Law: 200·0.8828^(y−2023) for 2023..2050, N = 28 terms.
	// Geometric sum 200·(1 − 0.8828^28)/0.1172; 0.8828^28 = 0.0304891…,
	// so 200·0.9695109/0.1172 = 1654.455…
	checkKinds(t, "CarbonLaw", r.CarbonLaw, KindCarbonLaw, 2023, 2050)
	closed := 200 * (1 - math.Pow(0.8828, 28)) / 0.1172
	assertNear(t, "TotalCarbonLaw closed form", r.TotalCarbonLaw, closed, 1e-9)
	assertNear(t, "TotalCarbonLaw by hand", r.TotalCarbonLaw, 1654.455, 1e-3)
	assertNear(t, "CarbonLaw 2024", r.CarbonLaw[1].Tonnes, 176.56, 1e-9) // 200·0.8828
	if !r.MeetsParis {
		t.Error("300 <= 1654.5 but MeetsParis false")
	}
	// Net zero: 2020 − 500/(−100) = 2025.
	if r.NetZeroYear == nil || *r.NetZeroYear != 2025 {
		t.Errorf("NetZeroYear = %v, want 2025", r.NetZeroYear)
	}
}

func TestTrendFlatCarbonLawByHand(t *testing.T) {
	// Flat at 1 000 t from 2015 to 2022, as of 2048: slope 0, every
	// approximated and trend value is 1 000. Trend 2048..2050 sums to 3 000.
	// Carbon Law: 1 000, 882.8, 779.33584 (0.8828² = 0.77933584), sum
	// 2 662.13584 < 3 000, so the trend does not meet Paris. No net zero.
	r := Trend(Series(years(2015, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000)), 2048)
	if !r.OK {
		t.Fatal("not ok")
	}
	if r.Slope != 0 || len(r.Approximated) != 27 || r.Approximated[26].Tonnes != 1000 {
		t.Errorf("slope %v, approximated %v", r.Slope, r.Approximated)
	}
	assertNear(t, "TotalTrend", r.TotalTrend, 3000, 1e-9)
	assertSlice(t, "CarbonLaw", values(r.CarbonLaw), []float64{1000, 882.8, 779.33584})
	assertNear(t, "TotalCarbonLaw", r.TotalCarbonLaw, 2662.13584, 1e-9)
	if r.MeetsParis {
		t.Error("3000 > 2662.1 but MeetsParis true")
	}
	if r.NetZeroYear != nil {
		t.Errorf("NetZeroYear = %v for a flat trend", *r.NetZeroYear)
	}
}

func TestTrendRising(t *testing.T) {
	// +10 t a year from 100 in 2015 to 170 in 2022; as of 2050 only one
	// trend value: 170 + 10·28 = 450, and the Carbon Law path starts at
	// the same value, so the sums tie and 450 <= 450 meets Paris.
	r := Trend(Series(years(2015, 100, 110, 120, 130, 140, 150, 160, 170)), 2050)
	if !r.OK {
		t.Fatal("not ok")
	}
	assertNear(t, "TotalTrend", r.TotalTrend, 450, 1e-9)
	assertNear(t, "TotalCarbonLaw", r.TotalCarbonLaw, 450, 1e-9)
	if !r.MeetsParis || r.NetZeroYear != nil {
		t.Errorf("MeetsParis %v, NetZeroYear %v", r.MeetsParis, r.NetZeroYear)
	}
	// As of 2030 the trend rises while Carbon Law falls: not Paris.
	if r := Trend(Series(years(2015, 100, 110, 120, 130, 140, 150, 160, 170)), 2030); r.MeetsParis {
		t.Error("rising trend meets Paris")
	}
}

func TestTrendFloorAtZero(t *testing.T) {
	// 150, 50 in 2021, 2022: slope −100, E_L = 50, as of 2024. The line
	// gives 50, −50, −150 for 2022..2024; floored: 50, 0, 0. Everything
	// from 2024 is 0, the Carbon Law path starts at 0, both sums are 0 and
	// 0 <= 0 meets Paris. Net zero: 2022 − 50/(−100) = 2022.5, before C.
	r := Trend(Series{{2021, 150}, {2022, 50}}, 2024)
	if !r.OK {
		t.Fatal("not ok")
	}
	assertSlice(t, "Approximated", values(r.Approximated), []float64{50, 0, 0})
	for _, v := range append(r.Trend, r.CarbonLaw...) {
		if v.Tonnes != 0 {
			t.Fatalf("%d %v: %v, want 0", v.Year, v.Kind, v.Tonnes)
		}
	}
	if r.TotalTrend != 0 || r.TotalCarbonLaw != 0 || !r.MeetsParis {
		t.Errorf("totals %v %v, MeetsParis %v", r.TotalTrend, r.TotalCarbonLaw, r.MeetsParis)
	}
	if r.NetZeroYear == nil || *r.NetZeroYear != 2022.5 {
		t.Errorf("NetZeroYear = %v, want 2022.5", r.NetZeroYear)
	}
}

func TestTrendSMHIYearsWithOutlierAndGap(t *testing.T) {
	// SMHI-like years, 2018 missing, 2020 an outlier (50 000 instead of
	// 4 500); otherwise E = 5 000 − 100·(year − 2015). Fitted years: 2015,
	// 2016, 2017, 2019, 2020, 2021, 2022 (x = −7, −6, −5, −3, −2, −1, 0).
	// The line is LAD-optimal: the outlier (x = −2, sign +1) is balanced by
	// −½ at x = −1 and −½ at x = −3 (Σs = −1, Σs·x = ½ + 3/2 = 2).
	// E_L = 5 000 − 700 = 4 300, so net zero at 2022 + 4 300/100 = 2065.
	s := Series{{1990, 8000}, {2000, 7000}, {2005, 6500}, {2010, 6000}}
	for _, y := range []int{2015, 2016, 2017, 2019, 2020, 2021, 2022} {
		v := 5000 - 100*float64(y-2015)
		if y == 2020 {
			v = 50000
		}
		s = append(s, Point{y, v})
	}
	r := Trend(s, 2024)
	if !r.OK {
		t.Fatal("not ok")
	}
	assertNear(t, "slope", r.Slope, -100, 1e-9)
	assertSlice(t, "Approximated", values(r.Approximated), []float64{4300, 4200, 4100})
	if r.Fit.Points != 7 || r.FromYear != 2015 {
		t.Errorf("fitted %d points from %d", r.Fit.Points, r.FromYear)
	}
	if r.NetZeroYear == nil || !near(*r.NetZeroYear, 2065, 1e-9) {
		t.Errorf("NetZeroYear = %v, want 2065", r.NetZeroYear)
	}
	// Trend 2024..2050: 4 100 − 100·k for k = 0..26, all positive:
	// 27·(4 100 + 1 500)/2 = 75 600.
	assertNear(t, "TotalTrend", r.TotalTrend, 75600, 1e-6)
	if len(r.Measured) != len(s) || r.Measured[0].Year != 1990 || r.Measured[0].Kind != KindMeasured {
		t.Errorf("Measured = %v", r.Measured)
	}
}

func TestTrendNotOK(t *testing.T) {
	line := Series(years(2015, 10, 9, 8, 7, 6, 5, 4, 3)) // L = 2022
	for name, c := range map[string]struct {
		s    Series
		asOf int
	}{
		"one year since 2015": {Series{{2010, 5}, {2015, 4}}, 2024},
		"as of before L":      {line, 2021},
		"as of after 2050":    {line, 2051},
		"unsorted":            {Series{{2016, 1}, {2015, 2}}, 2024},
		"empty":               {nil, 2024},
	} {
		if r := Trend(c.s, c.asOf); r.OK || r.Trend != nil {
			t.Errorf("%s: OK", name)
		}
	}
	if r := Trend(line, 2022); !r.OK || len(r.Approximated) != 1 || r.Approximated[0].Tonnes != 3 {
		t.Errorf("as of L: %+v", r)
	}
}

func assertSlice(t *testing.T, name string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values %v, want %d %v", name, len(got), got, len(want), want)
	}
	for i := range got {
		if !near(got[i], want[i], 1e-9) {
			t.Errorf("%s[%d] = %.12g, want %.12g", name, i, got[i], want[i])
		}
	}
}

// series33 is 1990–2022 (33 years) with a noisy decline.
func series33(first int) Series {
	s := make(Series, 33)
	for i := range s {
		s[i] = Point{first + i, 50000 - 900*float64(i) + float64((i*7919)%13)*150}
	}
	return s
}

// BenchmarkTrend is the real case: 33 years 1990–2022, of which Trend fits
// the eight from 2015.
func BenchmarkTrend(b *testing.B) {
	s := series33(1990)
	for b.Loop() {
		if r := Trend(s, 2026); !r.OK {
			b.Fatal("not ok")
		}
	}
}

// BenchmarkTrend33Fitted makes all 33 points count (2015–2047): the worst
// case of the O(n³ log n) regression.
func BenchmarkTrend33Fitted(b *testing.B) {
	s := series33(2015)
	for b.Loop() {
		if r := Trend(s, 2048); !r.OK {
			b.Fatal("not ok")
		}
	}
}

// BenchmarkLADTrend33 is the regression alone on 33 points.
func BenchmarkLADTrend33(b *testing.B) {
	s := series33(1990)
	for b.Loop() {
		if _, ok := LADTrend(s); !ok {
			b.Fatal("not ok")
		}
	}
}
