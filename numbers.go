package klimatrapport

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// ParseNumber is the one rule for reading a number from a spreadsheet cell,
// whether a member typed it into the template or SMHI published it. It
// accepts:
//
//   - what spreadsheets store: "1234.5", "-12", "1.5E-3";
//   - what people type in Swedish: "1 234,5" (any space, also no-break and
//     narrow no-break, or an apostrophe, as thousands separator), "0,5",
//     "−12,5" (minus sign or en dash for minus), "1.234.567,8";
//   - the English grouping "1,234.5" and "1.234.567".
//
// With both '.' and ',' the last one is the decimal mark; a lone ',' is one;
// a '.' or ',' that is not the decimal mark must group digits by three
// ("15.3.2024" is not a number). It refuses "" (an empty cell is no value,
// which callers handle), a lone "-", notation keys (NO, IE, NE, C: callers
// read them first), NaN, infinities, hex floats, percentages and anything
// else with letters.
func ParseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if v, ok, done := parsePlain(s); done {
		return v, ok
	}
	if len(s) > 64 {
		return 0, false
	}
	t, decimal, ok := numberDigits(s)
	if !ok || !groupedByThree(t, decimal) {
		return 0, false
	}
	out := t[:0:0]
	for i, c := range t {
		switch c {
		case '.', ',':
			if i == decimal {
				out = append(out, '.')
			}
		default:
			out = append(out, c)
		}
	}
	return finite(string(out))
}

// parsePlain is the fast path for a value as spreadsheets store it. done is
// false when s needs the full rule.
func parsePlain(s string) (v float64, ok, done bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false, false
		}
	}
	if v, ok := finite(s); ok {
		return v, true, true
	}
	// "1.234.567" is a grouped number; anything else plain is not one.
	return 0, false, strings.Count(s, ".") <= 1
}

// numberDigits keeps the digits, signs, exponents and separators of s and
// finds the decimal mark (an index into the result, -1 for none).
func numberDigits(s string) (t []byte, decimal int, ok bool) {
	var b strings.Builder
	dots, commas := 0, 0
	lastDot, lastComma := -1, -1
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == 'e', r == 'E', r == '+':
			b.WriteRune(r)
		case r == '-' || r == '\u2212' || r == '\u2013':
			b.WriteByte('-')
		case r == '.':
			dots++
			lastDot = b.Len()
			b.WriteByte('.')
		case r == ',':
			commas++
			lastComma = b.Len()
			b.WriteByte(',')
		case unicode.IsSpace(r) || r == '\'' || r == '\u2009' || r == '\u202f':
			// thousands separator
		default:
			return nil, 0, false
		}
	}
	decimal = -1
	switch {
	case commas > 0 && dots > 0:
		if lastComma > lastDot { // 1.234,5
			if commas > 1 {
				return nil, 0, false
			}
			decimal = lastComma
		} else { // 1,234.5
			if dots > 1 {
				return nil, 0, false
			}
			decimal = lastDot
		}
	case commas == 1:
		decimal = lastComma
	case commas > 1:
		return nil, 0, false
	case dots == 1:
		decimal = lastDot
	}
	return []byte(b.String()), decimal, true
}

// groupedByThree reports whether every separator in t other than the
// decimal mark follows a group and is followed by three digits.
func groupedByThree(t []byte, decimal int) bool {
	run, seenSep := 0, false
	for i, c := range t {
		switch {
		case (c == '.' || c == ',') && i != decimal:
			if seenSep && run != 3 || !seenSep && run == 0 {
				return false
			}
			seenSep, run = true, 0
		case c == '.' || c == ',':
			if seenSep && run != 3 {
				return false
			}
			seenSep, run = false, -1000
		case c >= '0' && c <= '9':
			run++
		}
	}
	return !seenSep || run == 3
}

func finite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}
