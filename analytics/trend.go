package analytics

import (
	"fmt"
	"math"
)

// Constants of Klimatkollen's published method.
const (
	// TrendFromYear is the first year the trend regression uses.
	TrendFromYear = 2015
	// EndYear is the last year of the trend and the Carbon Law path.
	EndYear = 2050
	// CarbonLawRate is the Carbon Law's yearly reduction: 11.72 % a year.
	CarbonLawRate = 0.1172
)

// ValueKind says what a value in a trend result is. Only KindMeasured values
// are data; all others are estimates and must never be shown as measured.
type ValueKind int

// The kinds of value. Only KindMeasured is data.
const (
	KindMeasured     ValueKind = iota // reported or published data (SMHI, the member)
	KindApproximated                  // the trend line between the last data year L and the current year C
	KindTrend                         // the trend line from the current year C to 2050
	KindCarbonLaw                     // the Carbon Law path from C to 2050
)

var kindNames = [...]string{"measured", "approximated", "trend", "carbon_law"}

// kindLabels are the Swedish labels shown in charts and tables.
var kindLabels = [...]string{"Historiska utsläpp", "Uppskattade utsläpp", "Trend (prognos)", "Carbon Law-bana (1,5 °C)"}

// String returns the stable English name used in JSON: measured,
// approximated, trend or carbon_law.
func (k ValueKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("ValueKind(%d)", int(k))
	}
	return kindNames[k]
}

// Label returns the Swedish label for pages.
func (k ValueKind) Label() string {
	if k < 0 || int(k) >= len(kindLabels) {
		return k.String()
	}
	return kindLabels[k]
}

// IsEstimate reports whether values of this kind are estimates rather than
// data.
func (k ValueKind) IsEstimate() bool { return k != KindMeasured }

// MarshalText encodes the kind as its String.
func (k ValueKind) MarshalText() ([]byte, error) {
	if k < 0 || int(k) >= len(kindNames) {
		return nil, fmt.Errorf("analytics: unknown value kind %d", int(k))
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText decodes a kind written by MarshalText.
func (k *ValueKind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if string(b) == name {
			*k = ValueKind(i)
			return nil
		}
	}
	return fmt.Errorf("analytics: unknown value kind %q", b)
}

// Value is one year's value of a trend result together with its kind.
type Value struct {
	Year   int       `json:"year"`
	Tonnes float64   `json:"tonnes"`
	Kind   ValueKind `json:"kind"`
}

// TrendResult is Klimatkollen's trend and Carbon Law comparison for one area.
// When OK is false (see Trend) every other field is zero.
type TrendResult struct {
	OK       bool `json:"ok"`
	FromYear int  `json:"from_year"` // first year fitted (>= TrendFromYear)
	LastYear int  `json:"last_year"` // L, the last year with data
	AsOf     int  `json:"as_of"`     // C, the current year

	Fit   LADFit  `json:"fit"`
	Slope float64 `json:"slope"` // tonnes per year, = Fit.Slope

	Measured     []Value `json:"measured"`     // every year of the input series
	Approximated []Value `json:"approximated"` // L..C, floored at 0 (the value for L is E_L)
	Trend        []Value `json:"trend"`        // C..2050, floored at 0
	CarbonLaw    []Value `json:"carbon_law"`   // C..2050

	TotalTrend     float64 `json:"total_trend"`      // Σ Trend
	TotalCarbonLaw float64 `json:"total_carbon_law"` // Σ CarbonLaw
	MeetsParis     bool    `json:"meets_paris"`      // TotalTrend <= TotalCarbonLaw

	// NetZeroYear is the fractional year where the anchored trend line
	// crosses zero, L − E_L/slope; nil when the slope is not negative. It
	// is not clamped: it may lie before C (the approximated values already
	// reach 0) or after 2050.
	NetZeroYear *float64 `json:"net_zero_year"`
}

// Trend computes Klimatkollen's trend metrics for series s as of the current
// year asOf (C; the caller passes the calendar year unless configured
// otherwise):
//
//   - the least-absolute-deviations line (LADTrend) through the years
//     >= 2015 that have data, years centred on the last year L, shifted to
//     pass through E_L; Slope is its slope in tonnes per year;
//   - approximated values for L..C and trend values for C..2050 on that
//     line, each floored at 0; TotalTrend is the sum of the trend values;
//   - the Carbon Law path: the approximated value for C, then 11.72 % less
//     each year to 2050 (computed by repeated multiplication by 0.8828, as
//     Klimatkollen does); TotalCarbonLaw is its sum, which equals
//     A_C·(1 − 0.8828^N)/0.1172 with N = 2050 − C + 1;
//   - MeetsParis when TotalTrend <= TotalCarbonLaw;
//   - the net-zero year where the anchored line crosses zero, if the slope
//     is negative.
//
// The values for L (approximated and measured) and for C (approximated and
// trend) appear in two slices each, as in Klimatkollen's data, so each chart
// line is continuous.
//
// OK is false when s is invalid, fewer than two years >= 2015 have data, or
// asOf is before L or after 2050.
func Trend(s Series, asOf int) TrendResult {
	if s.Valid() != nil {
		return TrendResult{}
	}
	recent := s.Since(TrendFromYear)
	if len(recent) < 2 {
		return TrendResult{}
	}
	fit, ok := LADTrend(recent)
	if !ok {
		return TrendResult{}
	}
	L := fit.LastYear
	if asOf < L || asOf > EndYear {
		return TrendResult{}
	}
	r := TrendResult{
		OK:       true,
		FromYear: recent[0].Year,
		LastYear: L,
		AsOf:     asOf,
		Fit:      fit,
		Slope:    fit.Slope,
	}
	at := func(year int) float64 { return max(0, fit.Anchored(float64(year))) }

	r.Measured = make([]Value, len(s))
	for i, p := range s {
		r.Measured[i] = Value{Year: p.Year, Tonnes: p.Tonnes, Kind: KindMeasured}
	}
	r.Approximated = make([]Value, 0, asOf-L+1)
	for y := L; y <= asOf; y++ {
		r.Approximated = append(r.Approximated, Value{Year: y, Tonnes: at(y), Kind: KindApproximated})
	}
	r.Trend = make([]Value, 0, EndYear-asOf+1)
	for y := asOf; y <= EndYear; y++ {
		v := at(y)
		r.Trend = append(r.Trend, Value{Year: y, Tonnes: v, Kind: KindTrend})
		r.TotalTrend += v
	}
	r.CarbonLaw = make([]Value, 0, EndYear-asOf+1)
	cl := r.Approximated[len(r.Approximated)-1].Tonnes
	for y := asOf; y <= EndYear; y++ {
		r.CarbonLaw = append(r.CarbonLaw, Value{Year: y, Tonnes: cl, Kind: KindCarbonLaw})
		r.TotalCarbonLaw += cl
		cl *= 1 - CarbonLawRate
	}
	r.MeetsParis = r.TotalTrend <= r.TotalCarbonLaw
	if fit.Slope < 0 {
		nz := float64(L) - fit.LastValue/fit.Slope
		if !math.IsInf(nz, 0) {
			r.NetZeroYear = &nz
		}
	}
	return r
}
