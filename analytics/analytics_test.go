package analytics

import (
	"encoding/json"
	"math"
	"testing"
)

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func assertNear(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if !near(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (±%g)", name, got, want, tol)
	}
}

func TestNewSeries(t *testing.T) {
	s, err := NewSeries([]Point{{2016, 2}, {1990, 9}, {2015, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if s[0].Year != 1990 || s[1].Year != 2015 || s[2].Year != 2016 {
		t.Errorf("not sorted: %v", s)
	}
	if _, err := NewSeries([]Point{{2015, 1}, {2015, 2}}); err == nil {
		t.Error("duplicate year accepted")
	}
	if _, err := NewSeries([]Point{{2015, math.NaN()}}); err == nil {
		t.Error("NaN accepted")
	}
	if err := (Series{{2016, 1}, {2015, 1}}).Valid(); err == nil {
		t.Error("unsorted series is valid")
	}
	if v, ok := s.Value(2015); !ok || v != 1 {
		t.Errorf("Value(2015) = %v, %v", v, ok)
	}
	if _, ok := s.Value(2000); ok {
		t.Error("Value(2000) found in a series without 2000")
	}
	if got := s.Since(2000); len(got) != 2 || got[0].Year != 2015 {
		t.Errorf("Since(2000) = %v", got)
	}
}

func TestChangeSince(t *testing.T) {
	s := Series{{1990, 200}, {2015, 180}, {2022, 150}}
	// (150 − 200) / 200 = −0.25 → −25 %.
	pct, ok := ChangeSince(s, 1990)
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "ChangeSince 1990", pct, -25, 1e-12)

	for _, base := range []int{2000, 2022} { // no value; no later year
		if _, ok := ChangeSince(s, base); ok {
			t.Errorf("ChangeSince(%d) ok", base)
		}
	}
	if _, ok := ChangeSince(Series{{1990, 0}, {2022, 5}}, 1990); ok {
		t.Error("change from zero ok")
	}
}

func TestAnnualRate(t *testing.T) {
	// 100 → 81 in two years: (81/100)^(1/2) = 0.9, so −10 % a year.
	pct, ok := AnnualRate(Series{{2015, 100}, {2016, 95}, {2017, 81}}, 2015)
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "100→81 over 2 years", pct, -10, 1e-12)

	// 1000 → 1331 in three years, sparse: 1.331^(1/3) = 1.1, so +10 % a year.
	pct, ok = AnnualRate(Series{{2010, 1000}, {2013, 1331}}, 2010)
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "1000→1331 over 3 years", pct, 10, 1e-12)

	// Down to zero: 0^(1/n) − 1 = −1, so −100 %.
	pct, ok = AnnualRate(Series{{2015, 100}, {2020, 0}}, 2015)
	if !ok || pct != -100 {
		t.Errorf("to zero: %v, %v", pct, ok)
	}

	for name, s := range map[string]Series{
		"no 2015":     {{2016, 1}, {2017, 1}},
		"only 2015":   {{2015, 1}},
		"zero 2015":   {{2015, 0}, {2017, 1}},
		"negative":    {{2015, 10}, {2017, -1}},
		"not ordered": {{2017, 1}, {2015, 1}},
	} {
		if _, ok := AnnualRate(s, 2015); ok {
			t.Errorf("%s: ok", name)
		}
	}
}

func TestPerCapita(t *testing.T) {
	// 4 400 000 t / 1 000 000 persons = 4.4 t per person.
	v, ok := PerCapita(4_400_000, 1_000_000)
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "PerCapita", v, 4.4, 1e-15)
	if _, ok := PerCapita(1, 0); ok {
		t.Error("zero persons ok")
	}
	if _, ok := PerCapita(math.Inf(1), 10); ok {
		t.Error("infinite tonnes ok")
	}
}

func TestAverages(t *testing.T) {
	areas := []Area{
		{Code: "A", Tonnes: 300, Persons: 100},  // 3.0 t per person
		{Code: "B", Tonnes: 1000, Persons: 500}, // 2.0 t per person
	}
	// Together: (300 + 1000) / (100 + 500) = 1300/600 = 2.1666…
	v, ok := PerCapitaAverage(areas)
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "PerCapitaAverage", v, 13.0/6, 1e-15)
	// The unweighted mean of the per-capita values is (3 + 2)/2 = 2.5:
	// a different number, which is why PerCapitaAverage exists.
	m, ok := Mean([]float64{3, 2})
	if !ok || m != 2.5 {
		t.Errorf("Mean = %v, %v", m, ok)
	}
	if _, ok := Mean(nil); ok {
		t.Error("Mean of nothing ok")
	}
	if _, ok := PerCapitaAverage(nil); ok {
		t.Error("PerCapitaAverage of nothing ok")
	}
}

func TestValueKindJSON(t *testing.T) {
	b, err := json.Marshal(Value{Year: 2024, Tonnes: 1.5, Kind: KindApproximated})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"year":2024,"tonnes":1.5,"kind":"approximated"}` {
		t.Errorf("JSON = %s", b)
	}
	var v Value
	if err := json.Unmarshal([]byte(`{"kind":"carbon_law"}`), &v); err != nil || v.Kind != KindCarbonLaw {
		t.Errorf("unmarshal: %v, %v", v.Kind, err)
	}
	if KindMeasured.IsEstimate() || !KindTrend.IsEstimate() || !KindApproximated.IsEstimate() || !KindCarbonLaw.IsEstimate() {
		t.Error("IsEstimate wrong")
	}
	if KindApproximated.Label() != "Uppskattade utsläpp" {
		t.Errorf("Label = %q", KindApproximated.Label())
	}
}
