package analytics

import (
	"math"
	"strconv"
	"strings"
)

// Minus is the minus sign FormatNumber writes: U+2212 MINUS SIGN, as Swedish
// typography and the Unicode CLDR data for Swedish prescribe, not the
// hyphen-minus "-". It is meant for pages; machine-readable output (CSV,
// JSON) should use strconv.
const Minus = "\u2212"

// FormatNumber formats v the Swedish way with the given number of decimals:
// decimal comma, a space between groups of three digits in the integer part,
// and Minus for negative numbers: FormatNumber(1234567.891, 1) is
// "1 234 567,9" and FormatNumber(-1234.5, 1) is "−1 234,5".
//
// Rounding is to the nearest value of the float64 as stored; a value exactly
// halfway rounds away from zero (2.5 → "3", 0.125 with 2 decimals → "0,13").
// Note that 1.005 is stored as slightly less than 1.005 and so gives "1,00".
// A value that rounds to zero is written without a sign ("0,0", never
// "−0,0"). Negative decimals count as 0. NaN is written "–" (en dash, the
// usual mark for a missing value), infinities "∞" and "−∞".
//
// The group separator is a plain space (U+0020). Do not format years with
// it: 2050 would become "2 050".
func FormatNumber(v float64, decimals int) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return Minus + "∞"
	}
	decimals = max(decimals, 0)
	digits := roundAbs(math.Abs(v), decimals)
	intPart, frac, _ := strings.Cut(digits, ".")

	var b strings.Builder
	if v < 0 && strings.Trim(digits, "0.") != "" {
		b.WriteString(Minus)
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// FormatPercent is FormatNumber followed by a space and "%": "12,5 %".
func FormatPercent(v float64, decimals int) string {
	return FormatNumber(v, decimals) + " %"
}

// roundAbs formats a >= 0 with d decimals and a decimal point, rounding an
// exact half away from zero (strconv rounds it to even).
func roundAbs(a float64, d int) string {
	s := strconv.FormatFloat(a, 'f', d, 64)
	if d > 22 { // 10^d is no longer exact; leave it to strconv
		return s
	}
	p := math.Pow10(d)
	t := a * p
	// t is exact when the fused multiply-add finds no rounding error; only
	// then can a·10^d lie exactly halfway between two integers.
	if math.FMA(a, p, -t) == 0 && t-math.Floor(t) == 0.5 {
		s = strconv.FormatFloat((math.Floor(t)+1)/p, 'f', d, 64)
	}
	return s
}
