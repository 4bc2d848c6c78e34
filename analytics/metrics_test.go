package analytics

import (
	"math"
	"testing"
)

// metricsSeries has a known answer: a straight fall of 5 t a year from 2015
// (so the median regression is that line), and earlier base years.
var metricsSeries = Series{{1990, 100}, {2005, 80}, {2015, 60}, {2016, 55}, {2017, 50}, {2018, 45}}

func TestComputeMetricsByHand(t *testing.T) {
	pops := Populations{"X": {2024: 1000}}
	m := ComputeMetrics(MetricsInput{Code: "X", Name: "Exempel", Source: SourceSMHI, Total: metricsSeries,
		Sectors:    map[string]Series{"Transporter": {{2018, 30}}, "Jordbruk": {{2018, 15}}},
		Population: AreaPopulation(pops, "X"), AsOf: 2020})
	if m.LastYear != 2018 || m.DataYear != 2020 || *m.LastTonnes != 45 {
		t.Fatalf("last: %d %v (data year %d)", m.LastYear, m.LastTonnes, m.DataYear)
	}
	assertPtr(t, "per capita", m.PerCapita, 45.0/1000, 1e-15)
	if m.Population != 1000 || m.PopulationYear != 2024 {
		t.Errorf("population %d from %d", m.Population, m.PopulationYear)
	}
	assertPtr(t, "change since 1990", m.ChangeSince1990Pct, -55, 1e-12)
	assertPtr(t, "change since 2005", m.ChangeSince2005Pct, -43.75, 1e-12)
	assertPtr(t, "change since 2015", m.ChangeSince2015Pct, -25, 1e-12)
	// Compound rate: 100·((45/60)^(1/3) − 1) = −9.1439… % a year.
	assertPtr(t, "annual rate since 2015", m.AnnualRateSince2015Pct, 100*(math.Cbrt(0.75)-1), 1e-12)
	assertNear(t, "annual rate, decimal", *m.AnnualRateSince2015Pct, -9.14397, 1e-5)

	if m.Trend == nil {
		t.Fatal("no trend")
	}
	assertNear(t, "slope", m.Trend.Slope, -5, 1e-12)
	// Approximated 2018–2020: 45, 40, 35. Trend 2020–2050: 35 − 5k floored
	// at 0: 35+30+25+20+15+10+5 = 140.
	assertSlice(t, "approximated", values(m.Trend.Approximated), []float64{45, 40, 35})
	assertNear(t, "total trend", m.Trend.TotalTrend, 140, 1e-9)
	// Carbon Law: 35 falling 11.72 % a year for 31 years (2020–2050).
	cl := 35 * (1 - math.Pow(0.8828, 31)) / 0.1172
	assertNear(t, "total Carbon Law", m.Trend.TotalCarbonLaw, cl, 1e-9)
	assertNear(t, "total Carbon Law, decimal", m.Trend.TotalCarbonLaw, 292.37, 0.01)
	if m.MeetsParis == nil || !*m.MeetsParis {
		t.Errorf("140 t ≤ %.2f t: meets Paris", cl)
	}
	assertPtr(t, "trend vs Carbon Law", m.TrendVsCarbonLawPct, 100*140/cl, 1e-9)
	// Net zero: 2018 + 45/5 = 2027.
	assertPtr(t, "net-zero year", m.NetZeroYear, 2027, 1e-9)

	if len(m.Sectors) != 2 || m.Sectors[0].Sector != "Transporter" || m.Sectors[1].Sector != "Jordbruk" {
		t.Fatalf("sectors in MainSectors order: %+v", m.Sectors)
	}
	assertPtr(t, "transport share", m.Sectors[0].SharePct, 200.0/3, 1e-12)
	assertPtr(t, "agriculture share", m.Sectors[1].SharePct, 100.0/3, 1e-12)

	for _, info := range Metrics() {
		if m.Value(info.Name) == nil {
			t.Errorf("metric %s undefined for a complete series", info.Name)
		}
	}
	if m.Value("nonsense") != nil {
		t.Error("an unknown metric has a value")
	}
}

func TestComputeMetricsDataYear(t *testing.T) {
	// Data up to 2016 only: the trend is the line through 2015 and 2016.
	m := ComputeMetrics(MetricsInput{Total: metricsSeries, AsOf: 2020, DataYear: 2016})
	if m.LastYear != 2016 || *m.LastTonnes != 55 || len(m.Measured) != 4 {
		t.Fatalf("cut at 2016: last %d %v, %d years", m.LastYear, m.LastTonnes, len(m.Measured))
	}
	assertPtr(t, "change since 2015", m.ChangeSince2015Pct, 100*(55.0-60)/60, 1e-12)
	assertSlice(t, "approximated", values(m.Trend.Approximated), []float64{55, 50, 45, 40, 35})
	assertPtr(t, "net zero", m.NetZeroYear, 2027, 1e-9)
	if m.PerCapita != nil {
		t.Error("per capita without a population")
	}

	// A data year after as-of is cut at as-of; a series with one year
	// since 2015 has no trend; an empty one has nothing.
	if m := ComputeMetrics(MetricsInput{Total: metricsSeries, AsOf: 2017, DataYear: 2030}); m.DataYear != 2017 || m.LastYear != 2017 {
		t.Errorf("data year beyond as-of: %d, last %d", m.DataYear, m.LastYear)
	}
	m = ComputeMetrics(MetricsInput{Total: Series{{1990, 10}, {2015, 8}}, AsOf: 2020})
	if m.Trend != nil || m.MeetsParis != nil || m.NetZeroYear != nil || m.AnnualRateSince2015Pct != nil {
		t.Errorf("trend from one year: %+v", m)
	}
	assertPtr(t, "change since 1990", m.ChangeSince1990Pct, -20, 1e-12)
	m = ComputeMetrics(MetricsInput{Total: nil, AsOf: 2020})
	if m.LastYear != 0 || m.LastTonnes != nil || m.Measured == nil {
		t.Errorf("empty: %+v", m)
	}
	m = ComputeMetrics(MetricsInput{Total: Series{{2016, 1}, {2015, 2}}, AsOf: 2020})
	if m.LastYear != 0 {
		t.Errorf("an unsorted series was used: %+v", m)
	}
}

func TestGroupHelpers(t *testing.T) {
	sum := SumSeries([]Series{{{1990, 1}, {2000, 2}}, {{2000, 3}, {2010, 4}}})
	if len(sum) != 1 || sum[0] != (Point{2000, 5}) {
		t.Errorf("sum over the common years: %v", sum)
	}
	if SumSeries(nil) != nil {
		t.Error("sum of nothing")
	}

	pops := Populations{"A": {2024: 100}, "B": {2020: 50, 2024: 60}}
	n, y, ok := GroupPopulation(pops, []string{"A", "B"})(2022)
	// A: only 2024. B: 2020 and 2024 are equally near 2022; the earlier wins.
	if !ok || n != 150 || y != 2024 {
		t.Errorf("group population 2022: %d from %d, %v", n, y, ok)
	}
	if _, _, ok := GroupPopulation(pops, []string{"A", "C"})(2022); ok {
		t.Error("a group with an area without population")
	}
	if _, _, ok := GroupPopulation(pops, nil)(2022); ok {
		t.Error("an empty group has a population")
	}

	pc := PerCapitaSeries(Series{{2020, 30}, {2024, 12}}, AreaPopulation(pops, "B"))
	assertSlice(t, "per capita", []float64{pc[0].Tonnes, pc[1].Tonnes}, []float64{30.0 / 50, 12.0 / 60})
	if len(PerCapitaSeries(Series{{2020, 1}}, AreaPopulation(pops, "Z"))) != 0 {
		t.Error("per capita without population")
	}

	idx, ok := IndexSeries(Series{{1990, 50}, {2000, 100}, {2010, 80}}, 2000)
	if !ok {
		t.Fatal("index")
	}
	assertSlice(t, "index", []float64{idx[0].Tonnes, idx[1].Tonnes, idx[2].Tonnes}, []float64{50, 100, 80})
	if _, ok := IndexSeries(Series{{1990, 50}}, 2000); ok {
		t.Error("index without its base year")
	}
	if _, ok := IndexSeries(Series{{2000, 0}}, 2000); ok {
		t.Error("index on a zero base")
	}

	if got := Until(metricsSeries, 2015); len(got) != 3 || got[2].Year != 2015 {
		t.Errorf("until 2015: %v", got)
	}
	if got := Until(metricsSeries, 1980); len(got) != 0 {
		t.Errorf("until 1980: %v", got)
	}

	mean, n2 := MeanOf([]*float64{ptr(1), nil, ptr(3)})
	if mean == nil || *mean != 2 || n2 != 2 {
		t.Errorf("mean: %v %d", mean, n2)
	}
	if mean, n := MeanOf(nil); mean != nil || n != 0 {
		t.Errorf("mean of nothing: %v %d", mean, n)
	}
}

func TestRankRows(t *testing.T) {
	rows := func() []RankingRow {
		return []RankingRow{{Code: "a", Value: ptr(3)}, {Code: "b"}, {Code: "c", Value: ptr(1)}, {Code: "d", Value: ptr(2)}, {Code: "e", Value: ptr(2)}}
	}
	check := func(name string, rs []RankingRow, codes string, ranks []int) {
		t.Helper()
		got := ""
		for i, r := range rs {
			got += r.Code
			if r.Rank != ranks[i] {
				t.Errorf("%s: %s has rank %d, want %d", name, r.Code, r.Rank, ranks[i])
			}
		}
		if got != codes {
			t.Errorf("%s: order %s, want %s", name, got, codes)
		}
	}
	up := rows()
	RankRows(up, false)
	check("ascending", up, "cdeab", []int{1, 2, 2, 4, 0})
	down := rows()
	RankRows(down, true)
	check("descending", down, "adecb", []int{1, 2, 2, 4, 0})
}

func TestFormatMetric(t *testing.T) {
	for _, c := range []struct {
		metric string
		v      *float64
		want   string
	}{
		{MetricNetZeroYear, ptr(2043.6), "2043"},
		{MetricNetZeroYear, ptr(2100.2), "2100"},
		{MetricPerCapita, ptr(1.2345), "1,23"},
		{MetricEmissions, ptr(1234567.8), "1 234 568"},
		{MetricChange1990, ptr(-12.34), "−12,3"},
		{MetricPerCapita, nil, "–"},
		{MetricPerCapita, ptr(math.NaN()), "–"},
	} {
		if got := FormatMetric(c.metric, c.v); got != c.want {
			t.Errorf("FormatMetric(%s) = %q, want %q", c.metric, got, c.want)
		}
	}
	if _, ok := MetricByName("per_capita"); !ok {
		t.Error("per_capita is a metric")
	}
	if _, ok := MetricByName("x"); ok {
		t.Error("x is no metric")
	}
}
