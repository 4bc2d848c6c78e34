// Package swedish owns how the service writes numbers and words for Swedish
// readers: numbers with a decimal comma and a space between groups of three
// digits, percentages, small counts as words, lists joined with "och" or
// "eller", and durations. Pages, the compliance report and validation
// messages all use it: Number for figures on pages and in reports, Plain for
// a value as it was typed into a cell.
//
// It does not use golang.org/x/text/message, which follows CLDR: for Swedish
// that groups digits with a no-break space (pages add one where a number
// must not break, messages and workbooks want a plain space), rounds an
// exact half to even (−1 234,5 with no decimals becomes "−1 234", here
// "−1 235") and keeps the sign of a value that rounds to zero ("−0,0", here
// "0,0").
package swedish

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Minus is the minus sign Number writes: U+2212 MINUS SIGN, as Swedish
// typography and the Unicode CLDR data for Swedish prescribe, not the
// hyphen-minus "-". It is meant for pages; machine-readable output (CSV,
// JSON) should use strconv.
const Minus = "\u2212"

// Number formats v for pages with the given number of decimals: decimal
// comma, a space between groups of three digits in the integer part, and
// Minus for negative numbers: Number(1234567.891, 1) is "1 234 567,9" and
// Number(-1234.5, 1) is "−1 234,5".
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
func Number(v float64, decimals int) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return Minus + "∞"
	}
	digits := roundAbs(math.Abs(v), max(decimals, 0))
	sign := ""
	if v < 0 && strings.Trim(digits, "0.") != "" {
		sign = Minus
	}
	return compose(sign, digits)
}

// Percent is Number followed by a space and "%": "12,5 %".
func Percent(v float64, decimals int) string {
	return Number(v, decimals) + " %"
}

// Plain formats v as a person would type it into a spreadsheet cell, for
// messages about cell values: at most two decimals with trailing zeros
// dropped, decimal comma, a space between digit groups and the hyphen-minus
// "-" ("122 064,91", "-12,5", "20"). A negative value that rounds to zero
// keeps its sign ("-0"), so a message about a negative cell never shows a
// plain 0. Rounding is strconv's: to nearest, an exact half to even
// (0.125 → "0,12"). NaN and infinities are written as strconv does.
func Plain(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	digits := strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0")
	return compose(sign, strings.TrimSuffix(digits, "."))
}

// compose writes sign, then digits (as strconv writes a non-negative number
// in 'f' format) with its integer part grouped by three and a decimal comma.
func compose(sign, digits string) string {
	intPart, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	b.Grow(len(sign) + len(digits) + len(intPart)/3)
	b.WriteString(sign)
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

var smallNumbers = []string{"noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"}

// Count writes a count from zero to twelve as a word ("två"), others as
// digits ("13", "-1"), as Swedish prose does.
func Count(n int) string {
	if n >= 0 && n < len(smallNumbers) {
		return smallNumbers[n]
	}
	return strconv.Itoa(n)
}

// List joins items as a Swedish sentence does: "a", "a och b", "a, b och c".
func List(items []string) string {
	return join(items, " och ")
}

// Or joins alternatives: "a", "a eller b", "a, b eller c".
func Or(items []string) string {
	return join(items, " eller ")
}

func join(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// Duration writes a time limit: whole minutes as minutes ("1 minut",
// "2 minuter"), anything else as seconds rounded up ("30 sekunder",
// "1 sekund"); nothing shorter than one second is written.
func Duration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minut"
		}
		return fmt.Sprintf("%d minuter", d/time.Minute)
	}
	s := int((d + time.Second - 1) / time.Second)
	if s <= 1 {
		return "1 sekund"
	}
	return fmt.Sprintf("%d sekunder", s)
}
