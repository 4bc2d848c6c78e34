package smhi

import (
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// titleInfo collects what the rows above the header say.
type titleInfo struct {
	report         string
	date           time.Time
	substanceTitle string
	unit           string
	yearRow        []string
}

func (t *titleInfo) scan(cells []string) {
	years, other := 0, 0
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if i >= 4 && sheet.ParseYear(c) != 0 {
			years++
			continue
		}
		other++
		lower := strings.ToLower(c)
		next := ""
		if i+1 < len(cells) {
			next = strings.TrimSpace(cells[i+1])
		}
		switch {
		case strings.HasPrefix(lower, "rapportnamn"):
			rest := afterColon(c)
			if rest == "" {
				rest = next
			}
			name, _, _ := strings.Cut(rest, ",")
			if d, ok := findDate(rest); ok {
				t.date = d
				t.report = strings.TrimSpace(name)
			} else {
				t.report = rest
			}
		case strings.HasPrefix(lower, "enhet"):
			if t.unit = afterColon(c); t.unit == "" {
				t.unit = next
			}
		case strings.HasPrefix(lower, "emissioner av "), strings.HasPrefix(lower, "utsläpp av "):
			_, t.substanceTitle, _ = strings.Cut(c, " av ")
			t.substanceTitle = strings.TrimSpace(t.substanceTitle)
		}
		if t.date.IsZero() {
			if d, ok := findDate(c); ok {
				t.date = d
			}
		}
	}
	if years > 0 && other == 0 {
		t.yearRow = append([]string(nil), cells...)
	}
}

func afterColon(s string) string {
	_, rest, ok := strings.Cut(s, ":")
	if !ok {
		return ""
	}
	return strings.TrimSpace(rest)
}

// findDate finds the first YYYY-MM-DD in s.
func findDate(s string) (time.Time, bool) {
	for i := 0; i+10 <= len(s); i++ {
		c := s[i : i+10]
		if c[4] != '-' || c[7] != '-' || !sheet.IsDigits(c[:4]) || !sheet.IsDigits(c[5:7]) || !sheet.IsDigits(c[8:]) {
			continue
		}
		if i+10 < len(s) && s[i+10] >= '0' && s[i+10] <= '9' {
			continue
		}
		if d, err := time.Parse("2006-01-02", c); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// detectSubstance finds the substance from the title ("Koldioxid (CO2)"),
// the sheet name, or the labels of the header row's year columns.
func detectSubstance(title, sheetName string, labels []string) string {
	for _, s := range []string{title, sheetName} {
		if code := klimatrapport.SubstanceIn(s); code != "" {
			return code
		}
	}
	code := ""
	for _, l := range labels {
		c := klimatrapport.SubstanceIn(l)
		if c == "" || (code != "" && c != code) {
			return ""
		}
		code = c
	}
	return code
}
