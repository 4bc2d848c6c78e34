package workbook

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klimatkommunerna/klimatrapport"
)

// clean trims a cell value: surrounding white space of any kind, including
// the non-breaking spaces spreadsheets like to leave behind.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' })
}

// parseNumber reads a cell as a number by the domain package's one rule
// (klimatrapport.ParseNumber), the same for the template and SMHI's layout.
func parseNumber(s string) (float64, bool) { return klimatrapport.ParseNumber(s) }

// parsePercent reads "25", "25 %", "25,5%".
func parsePercent(s string) (float64, bool) {
	s = clean(strings.TrimSuffix(clean(s), "%"))
	return parseNumber(s)
}

// parseInt reads a whole number (a year); "2020", "2020.0" and "2 020" are
// accepted, "2020,5" is not.
func parseInt(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	v, ok := parseNumber(s)
	if !ok || v != math.Trunc(v) || math.Abs(v) > 1e9 {
		return 0, false
	}
	return int(v), true
}

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts it (it
// treats 1900 as a leap year, so serials from 61 on are off by one from a
// 1899-12-31 epoch; 1899-12-30 makes them right).
var (
	excelEpoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

// excelSerial is t's day as a serial number of the 1900 date system.
func excelSerial(t time.Time) float64 {
	return float64(t.Sub(excelEpoch1900) / (24 * time.Hour))
}

var swedishMonths = map[string]time.Month{
	"januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
	"maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
	"january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
	"october": 10, "oct": 10,
}

var dateLayouts = []string{
	"2006-01-02",
	"2006-1-2",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006/01/02",
	"2006/1/2",
	"20060102",
	"2.1.2006",
	"02.01.2006",
	"2/1/2006",
	"02/01/2006",
}

// parseDate reads a date stored as an Excel serial number (either date
// system) or typed as text ("2024-03-15", "15/3/2024", "15 mars 2024").
// The result is midnight UTC of that day.
func parseDate(s string, date1904 bool) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if v, ok := parseNumber(s); ok && !strings.ContainsAny(s, "-/") {
		if v < 1 || v > 2958465 {
			return time.Time{}, false
		}
		epoch := excelEpoch1900
		if date1904 {
			epoch = excelEpoch1904
		}
		d := epoch.AddDate(0, 0, int(math.Floor(v)))
		return d, true
	}
	if len(s) > 40 {
		return time.Time{}, false
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	// "15 mars 2024", "15 mar. 2024"
	f := strings.Fields(strings.ToLower(strings.ReplaceAll(s, ".", " ")))
	if len(f) == 3 {
		d, err1 := strconv.Atoi(f[0])
		m, ok := swedishMonths[f[1]]
		y, err2 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil && ok && d >= 1 && d <= 31 && y >= 1900 && y <= 9999 {
			t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// quote shortens and quotes a cell value for a message.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}
