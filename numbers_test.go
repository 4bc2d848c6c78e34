package klimatrapport

import (
	"math"
	"strconv"
	"testing"
)

// TestParseNumber is the number rule, for the template and SMHI's layout
// alike.
func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{
		// As spreadsheets and SMHI store numbers.
		"57880523.5032156": 57880523.5032156, "67553568.2700000": 67553568.27, "1.5E-3": 0.0015, "-12": -12, "0": 0, "2020": 2020, "1234.5": 1234.5,
		// As people type them in Swedish.
		"1 234 567,8": 1234567.8, "1 234,5": 1234.5, "1\u00a0234,5": 1234.5, "1\u202f234,5": 1234.5, "1'234,5": 1234.5, "0,5": 0.5,
		"−12,5": -12.5, "–3": -3, "1.234.567,8": 1234567.8, " 7 ": 7,
		// English grouping.
		"1,234.5": 1234.5, "1.234.567": 1234567,
	} {
		if got, ok := ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", " ", "-", "–", "NO", "IE", "NE", "C", "abc", "NaN", "Inf", "-Inf", "0x1p3", "1e999",
		"12 %", "--", "1,2,3", "1.2.3,4,5", "15.3.2024", "1.23.456", "12,34.5,6", "ca 11 ton"} {
		if v, ok := ParseNumber(in); ok {
			t.Errorf("ParseNumber(%q) = %v, want no number", in, v)
		}
	}
}

// TestParseNumberRoundTrip: what Go writes for a float64 reads back as the
// same float64, so SMHI's unrounded doubles keep every bit.
func TestParseNumberRoundTrip(t *testing.T) {
	for _, v := range []float64{122064.91323369, 1519.22178532595, 1e-300, math.MaxFloat64, -0.1, 5e-324} {
		for _, f := range []byte{'g', 'e', 'f'} {
			s := strconv.FormatFloat(v, f, -1, 64)
			if got, ok := ParseNumber(s); !ok || got != v {
				t.Errorf("ParseNumber(%q) = %v, %v; want %v", s, got, ok, v)
			}
		}
	}
}
