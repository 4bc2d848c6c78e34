package swedish

import (
	"math"
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
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
		if got := Number(c.v, c.d); got != c.want {
			t.Errorf("Number(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	if got := Percent(-12.34, 1); got != "−12,3 %" {
		t.Errorf("Percent = %q", got)
	}
	if got := Percent(57.4, 0); got != "57 %" {
		t.Errorf("Percent = %q", got)
	}
}

func TestPlain(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"}, // as strconv writes a negative zero
		{122064.9099, "122 064,91"},
		{1234.5, "1 234,5"},
		{1234.50, "1 234,5"},
		{20, "20"},
		{100, "100"},
		{1000, "1 000"},
		{-12.5, "-12,5"}, // hyphen-minus: the form typed into a cell
		{-1234567, "-1 234 567"},
		{-0.001, "-0"},     // negative, though it rounds to zero
		{0.004, "0"},       // positive below the last decimal
		{0.125, "0,12"},    // exact half: to even, as strconv
		{0.375, "0,38"},    // exact half: to even, as strconv
		{2.675, "2,67"},    // stored as 2.67499999…
		{999.999, "1 000"}, // rounding carries into a new group
		{0.5, "0,5"},
		{1e15, "1 000 000 000 000 000"},
		{1e20, "100 000 000 000 000 000 000"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
	} {
		if got := Plain(c.v); got != c.want {
			t.Errorf("Plain(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "noll", 1: "en", 2: "två", 9: "nio", 12: "tolv", 13: "13", 1000: "1000", -1: "-1"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestListAndOr(t *testing.T) {
	for _, c := range []struct {
		items       []string
		and, either string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a och b", "a eller b"},
		{[]string{"a", "b", "c"}, "a, b och c", "a, b eller c"},
		{[]string{"Planerad", "Pågående", "Genomförd", "Avbruten"}, "Planerad, Pågående, Genomförd och Avbruten", "Planerad, Pågående, Genomförd eller Avbruten"},
	} {
		if got := List(c.items); got != c.and {
			t.Errorf("List(%q) = %q, want %q", c.items, got, c.and)
		}
		if got := Or(c.items); got != c.either {
			t.Errorf("Or(%q) = %q, want %q", c.items, got, c.either)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute:                     "1 minut",
		2 * time.Minute:                 "2 minuter",
		90 * time.Second:                "90 sekunder",
		30 * time.Second:                "30 sekunder",
		time.Second:                     "1 sekund",
		1500 * time.Millisecond:         "2 sekunder", // rounded up: never less than the limit
		time.Millisecond:                "1 sekund",
		0:                               "1 sekund",
		time.Hour:                       "60 minuter",
		2*time.Minute + time.Nanosecond: "121 sekunder",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestZone: times are shown in Swedish time, winter (UTC+1) and summer
// (UTC+2), so that a late-evening upload keeps its Swedish date.
func TestZone(t *testing.T) {
	for _, tc := range []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "2027-01-01 00:30"},
		{time.Date(2026, 6, 30, 22, 15, 0, 0, time.UTC), "2026-07-01 00:15"},
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), "2026-03-29 01:59"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "2026-03-29 03:00"},
	} {
		if got := tc.utc.In(Zone).Format("2006-01-02 15:04"); got != tc.want {
			t.Errorf("%v in Sweden: %s, want %s", tc.utc, got, tc.want)
		}
	}
}
