package analytics

import (
	"math"
	"slices"
	"sort"
	"strconv"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Sources of emission figures. They are never mixed in one series.
const (
	SourceSMHI     = "smhi"
	SourceReported = "reported"
)

// changeBaseYears are the base years of the "change since" metrics.
var changeBaseYears = []int{1990, 2005, 2015}

// ChangeBaseYears returns the base years of the "change since" metrics.
func ChangeBaseYears() []int { return slices.Clone(changeBaseYears) }

// Metric names, as used by GET /api/v1/ranking?metric=… and the ranking page.
const (
	MetricEmissions        = "emissions"              // tonnes in the data year
	MetricPerCapita        = "per_capita"             // tonnes per inhabitant in the data year
	MetricChange1990       = "change_since_1990"      // total change since 1990, %
	MetricChange2005       = "change_since_2005"      // total change since 2005, %
	MetricChange2015       = "change_since_2015"      // total change since 2015, %
	MetricRate2015         = "annual_rate_since_2015" // compound annual rate since 2015, % a year
	MetricTrendVsCarbonLaw = "trend_vs_carbon_law"    // Σ trend / Σ Carbon Law, %: ≤ 100 meets Paris
	MetricNetZeroYear      = "net_zero_year"          // year the trend line reaches zero
)

// MetricInfo describes a rankable metric for people and programs.
type MetricInfo struct {
	Name     string `json:"name"`
	Label    string `json:"label"`       // Swedish
	Short    string `json:"short_label"` // Swedish, for table headings
	Unit     string `json:"unit"`        // Swedish; "" for years
	Decimals int    `json:"decimals"`
	// Estimate is true when the metric rests on the trend (an estimate),
	// not only on measured values.
	Estimate bool `json:"estimate"`
}

// metrics lists the rankable metrics in the order pages show them.
var metrics = []MetricInfo{
	{MetricEmissions, "Utsläpp", "Utsläpp", "ton", 0, false},
	{MetricPerCapita, "Utsläpp per invånare", "Per invånare", "ton/invånare", 2, false},
	{MetricChange1990, "Förändring sedan 1990", "Sedan 1990", "%", 1, false},
	{MetricChange2005, "Förändring sedan 2005", "Sedan 2005", "%", 1, false},
	{MetricChange2015, "Förändring sedan 2015", "Sedan 2015", "%", 1, false},
	{MetricRate2015, "Årlig förändring sedan 2015", "Per år sedan 2015", "% per år", 1, false},
	{MetricTrendVsCarbonLaw, "Trendens utsläpp mot Carbon Law-budgeten", "Trend mot Carbon Law", "%", 0, true},
	{MetricNetZeroYear, "Nettonoll enligt trenden", "Nettonoll (trend)", "", 0, true},
}

// Metrics returns the rankable metrics in the order pages show them.
func Metrics() []MetricInfo { return slices.Clone(metrics) }

// MetricByName returns the metric called name.
func MetricByName(name string) (MetricInfo, bool) {
	for _, m := range metrics {
		if m.Name == name {
			return m, true
		}
	}
	return MetricInfo{}, false
}

// SectorValue is one main sector's emissions in a year.
type SectorValue struct {
	Sector   string   `json:"sector"`
	Tonnes   float64  `json:"tonnes"`
	SharePct *float64 `json:"share_pct"` // of the sum of the sectors; nil when that sum is not positive
}

// AreaMetrics are the metrics of one area (a municipality, a county,
// Sweden or a group) computed from one source's series as of a year. Every
// optional number is nil when it is undefined for the data (too few years,
// no base-year value, …), never a made-up zero.
type AreaMetrics struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Source string `json:"source"` // SourceSMHI or SourceReported; never mixed

	AsOf     int `json:"as_of"`     // C, the current year of the trend
	DataYear int `json:"data_year"` // no value after this year is used
	LastYear int `json:"last_year"` // L, the last year with data (0: none)

	LastTonnes     *float64 `json:"last_tonnes"`
	PerCapita      *float64 `json:"per_capita"` // tonnes per inhabitant in LastYear
	Population     int64    `json:"population,omitempty"`
	PopulationYear int      `json:"population_year,omitempty"` // whose population PerCapita uses
	// PerCapitaEstimated is true when PopulationYear is not LastYear: SCB
	// has no population for LastYear and the nearest year's was used.
	PerCapitaEstimated bool `json:"per_capita_estimated,omitempty"`

	ChangeSince1990Pct     *float64 `json:"change_since_1990_pct"`
	ChangeSince2005Pct     *float64 `json:"change_since_2005_pct"`
	ChangeSince2015Pct     *float64 `json:"change_since_2015_pct"`
	AnnualRateSince2015Pct *float64 `json:"annual_rate_since_2015_pct"`

	// The trend metrics are estimates. Trend is nil when it cannot be
	// computed (fewer than two years since 2015, as-of before L).
	Trend               *TrendResult `json:"trend"`
	MeetsParis          *bool        `json:"meets_paris"`
	NetZeroYear         *float64     `json:"net_zero_year"`
	TrendVsCarbonLawPct *float64     `json:"trend_vs_carbon_law_pct"`

	Measured Series        `json:"measured"` // the series used (years ≤ DataYear)
	Sectors  []SectorValue `json:"sectors,omitempty"`
}

// MetricsInput is what ComputeMetrics needs for one area.
type MetricsInput struct {
	Code, Name, Source string
	Total              Series            // the area's yearly totals
	Sectors            map[string]Series // main sectors; optional
	Population         PopulationFunc    // optional: no per-capita figures without it
	AsOf               int               // C; must be given
	// DataYear cuts the series: later years are ignored. 0 means AsOf.
	DataYear int
}

// ComputeMetrics computes every metric of one area. Values after DataYear
// (or AsOf) are ignored, so a ranking "for 2020" uses the data up to 2020.
func ComputeMetrics(in MetricsInput) AreaMetrics {
	dataYear := in.DataYear
	if dataYear == 0 || dataYear > in.AsOf {
		dataYear = in.AsOf
	}
	m := AreaMetrics{Code: in.Code, Name: in.Name, Source: in.Source, AsOf: in.AsOf, DataYear: dataYear, Measured: Series{}}
	if in.Total.Valid() != nil {
		return m
	}
	s := Until(in.Total, dataYear)
	if len(s) > 0 {
		m.Measured = s
	}
	last, ok := s.Last()
	if !ok {
		return m
	}
	m.LastYear = last.Year
	m.LastTonnes = ptr(last.Tonnes)
	if pc, ok := PerCapitaIn(last.Tonnes, last.Year, in.Population); ok {
		m.PerCapita, m.Population, m.PopulationYear, m.PerCapitaEstimated = ptr(pc.Value), pc.Persons, pc.PopulationYear, pc.Estimated
	}
	for _, base := range changeBaseYears {
		if pct, ok := ChangeSince(s, base); ok {
			switch base {
			case 1990:
				m.ChangeSince1990Pct = ptr(pct)
			case 2005:
				m.ChangeSince2005Pct = ptr(pct)
			case 2015:
				m.ChangeSince2015Pct = ptr(pct)
			}
		}
	}
	if r, ok := AnnualRate(s, TrendFromYear); ok {
		m.AnnualRateSince2015Pct = ptr(r)
	}
	if tr := Trend(s, in.AsOf); tr.OK {
		m.Trend = &tr
		meets := tr.MeetsParis
		m.MeetsParis = &meets
		m.NetZeroYear = tr.NetZeroYear
		if tr.TotalCarbonLaw > 0 {
			m.TrendVsCarbonLawPct = ptr(100 * tr.TotalTrend / tr.TotalCarbonLaw)
		}
	}
	if len(in.Sectors) > 0 {
		m.Sectors = SectorsIn(in.Sectors, last.Year)
	}
	return m
}

// SectorsIn returns the main sectors' values for year in the order of
// klimatrapport.MainSectors() (other sector names after them, sorted), with
// each sector's share of their sum.
func SectorsIn(sectors map[string]Series, year int) []SectorValue {
	names := make([]string, 0, len(sectors))
	for name := range sectors {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := SectorOrder(names[i]), SectorOrder(names[j])
		if a == 0 {
			a = 1000
		}
		if b == 0 {
			b = 1000
		}
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	var out []SectorValue
	sum := 0.0
	for _, name := range names {
		if v, ok := sectors[name].Value(year); ok {
			out = append(out, SectorValue{Sector: name, Tonnes: v})
			sum += v
		}
	}
	if sum > 0 {
		for i := range out {
			out[i].SharePct = ptr(100 * out[i].Tonnes / sum)
		}
	}
	return out
}

// Until returns the part of s up to and including year (a subslice).
func Until(s Series, year int) Series {
	i := sort.Search(len(s), func(i int) bool { return s[i].Year > year })
	return s[:i]
}

// SumSeries adds series year by year. Only years that every series has are
// kept: a group's total for a year with a member missing would be a jump,
// not a change. It returns nil for no series.
func SumSeries(ss []Series) Series {
	if len(ss) == 0 {
		return nil
	}
	count := map[int]int{}
	sum := map[int]float64{}
	for _, s := range ss {
		for _, p := range s {
			count[p.Year]++
			sum[p.Year] += p.Tonnes
		}
	}
	out := Series{}
	for y, n := range count {
		if n == len(ss) {
			out = append(out, Point{Year: y, Tonnes: sum[y]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

// IndexSeries expresses s relative to its value in base, which becomes 100.
// ok is false when s has no positive value for base.
func IndexSeries(s Series, base int) (Series, bool) {
	b, found := s.Value(base)
	if !found || !(b > 0) {
		return nil, false
	}
	out := make(Series, len(s))
	for i, p := range s {
		out[i] = Point{Year: p.Year, Tonnes: 100 * p.Tonnes / b}
	}
	return out, true
}

// Value returns the value of metric in m, or nil when it is undefined.
func (m AreaMetrics) Value(metric string) *float64 {
	switch metric {
	case MetricEmissions:
		return m.LastTonnes
	case MetricPerCapita:
		return m.PerCapita
	case MetricChange1990:
		return m.ChangeSince1990Pct
	case MetricChange2005:
		return m.ChangeSince2005Pct
	case MetricChange2015:
		return m.ChangeSince2015Pct
	case MetricRate2015:
		return m.AnnualRateSince2015Pct
	case MetricTrendVsCarbonLaw:
		return m.TrendVsCarbonLawPct
	case MetricNetZeroYear:
		return m.NetZeroYear
	}
	return nil
}

// RankingRow is one municipality in a ranking.
type RankingRow struct {
	Rank       int      `json:"rank"` // 1 = lowest value; 0 when Value is nil
	Code       string   `json:"code"`
	Name       string   `json:"name"`
	CountyCode string   `json:"county_code"`
	CountyName string   `json:"county_name"`
	Member     bool     `json:"member"`
	Year       int      `json:"year"` // the data year the value belongs to (L)
	Value      *float64 `json:"value"`
	// For per capita: the year of the population Value divides by, and
	// whether it is another year's than Year (then Value is an estimate).
	PopulationYear int  `json:"population_year,omitempty"`
	Estimated      bool `json:"estimated,omitempty"`
}

// RankRows sorts rows by value, lowest first (or highest first when
// descending), rows without a value last in code order, and gives ranks as
// in sport: equal values share a rank and the next rank skips ("1, 2, 2,
// 4"). Lower emissions and a faster fall are better for every metric, so the
// default order puts the best first.
func RankRows(rows []RankingRow, descending bool) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Value, rows[j].Value
		switch {
		case a == nil && b == nil:
			return rows[i].Code < rows[j].Code
		case a == nil:
			return false
		case b == nil:
			return true
		case *a != *b:
			if descending {
				return *a > *b
			}
			return *a < *b
		}
		return rows[i].Code < rows[j].Code
	})
	for i := range rows {
		switch {
		case rows[i].Value == nil:
			rows[i].Rank = 0
		case i > 0 && rows[i-1].Value != nil && *rows[i-1].Value == *rows[i].Value:
			rows[i].Rank = rows[i-1].Rank
		default:
			rows[i].Rank = i + 1
		}
	}
}

// Group kinds of GroupAverage.
const (
	GroupSweden  = "sweden"
	GroupMembers = "members"
	GroupCounty  = "county"
)

// GroupAverage is a metric for a group of municipalities: Sweden, the
// association's members or a county.
type GroupAverage struct {
	Group string `json:"group"` // GroupSweden, GroupMembers or GroupCounty
	Code  string `json:"code"`  // "00", "" (members) or the county code
	Name  string `json:"name"`
	// Value is the metric of the group as one area: computed on the sum of
	// its series (SMHI's own national and county series for Sweden and
	// counties), so per-capita values are Σ tonnes / Σ inhabitants, the
	// association's headline figure.
	Value *float64 `json:"value"`
	Year  int      `json:"year"` // the data year of Value
	// Mean is the plain mean of the municipalities' values ("the average
	// municipality", each counting once), over Municipalities values.
	Mean           *float64 `json:"mean"`
	Municipalities int      `json:"municipalities"`
	// Estimated is true when Value or Mean is a per-capita figure that
	// divides by another year's population than its own (the nearest SCB
	// has); PopulationYear is the year Value's population is from.
	Estimated      bool `json:"estimated,omitempty"`
	PopulationYear int  `json:"population_year,omitempty"`
}

// MeanOf returns the mean of the non-nil values and how many there were.
func MeanOf(values []*float64) (*float64, int) {
	var vs []float64
	for _, v := range values {
		if v != nil {
			vs = append(vs, *v)
		}
	}
	if m, ok := Mean(vs); ok {
		return ptr(m), len(vs)
	}
	return nil, len(vs)
}

// FormatMetric formats a metric's value for pages: "–" for nil, the year
// as digits for the net-zero year (no grouping; "efter 2100" or "före …"
// are the page's business), Swedish numbers otherwise.
func FormatMetric(metric string, v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return "–"
	}
	info, _ := MetricByName(metric)
	if metric == MetricNetZeroYear {
		return FormatYear(*v)
	}
	return swedish.Number(*v, info.Decimals)
}

// FormatYear writes a fractional year as a whole year without digit
// grouping (2043.6 → "2043"): a net-zero date is a year, not an amount.
func FormatYear(y float64) string {
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return "–"
	}
	return strconv.Itoa(int(math.Floor(y)))
}

// SectorOrder is a sector's place in klimatrapport.MainSectors(), from 1; 0
// for a name that is not a main sector.
func SectorOrder(s string) int { return slices.Index(kr.MainSectors(), s) + 1 }
