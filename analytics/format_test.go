package analytics

import (
	"math"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{
		{1234567.891, 1, "1 234 567,9"},
		{1234567.891, 0, "1 234 568"},
		{1234567.891, 2, "1 234 567,89"},
		{-1234.5, 1, "−1 234,5"}, // U+2212, not "-"
		{-1234.5, 0, "−1 235"},   // exact half: away from zero
		{2.5, 0, "3"},            // strconv alone would give "2"
		{0.125, 2, "0,13"},       // exact in binary, so an exact half
		{1.005, 2, "1,00"},       // stored as 1.00499999999999989…
		{999.96, 1, "1 000,0"},   // rounding carries into a new group
		{123, 0, "123"},
		{1234, 0, "1 234"},
		{-999, 0, "−999"},
		{0, 2, "0,00"},
		{-0.04, 1, "0,0"}, // rounds to zero: no sign
		{math.Copysign(0, -1), 0, "0"},
		{4.4, -1, "4"},
		{1e21, 0, "1 000 000 000 000 000 000 000"},
		{math.NaN(), 1, "–"},
		{math.Inf(1), 1, "∞"},
		{math.Inf(-1), 1, "−∞"},
	} {
		if got := FormatNumber(c.v, c.d); got != c.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	if got := FormatPercent(-12.34, 1); got != "−12,3 %" {
		t.Errorf("FormatPercent = %q", got)
	}
}
