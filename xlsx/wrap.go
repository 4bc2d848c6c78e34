package xlsx

import (
	"math"
	"strings"
	"unicode/utf8"
)

// LineHeight is the height in points of one line of the default font
// (Calibri 11), as Excel sets an unwrapped row.
const LineHeight = 15.0

// maxRowHeight is the tallest row the format allows, in points.
const maxRowHeight = 409.0

// WrappedHeight is the height in points a row needs to show text wrapped
// in a column width characters wide. Neither excelize nor LibreOffice
// (when it opens a file) fits a row to its wrapped text, so a workbook the
// service writes sets the height itself: an estimate, by characters
// counted per line at about one character a width unit, that errs on the
// tall side.
func WrappedHeight(width float64, texts ...string) float64 {
	perLine := max(1, int(width*0.95)-1)
	lines := 1
	for _, text := range texts {
		n := 0
		for _, line := range strings.Split(text, "\n") {
			n += max(1, int(math.Ceil(float64(utf8.RuneCountInString(line))/float64(perLine))))
		}
		lines = max(lines, n)
	}
	return min(maxRowHeight, float64(lines)*LineHeight)
}
