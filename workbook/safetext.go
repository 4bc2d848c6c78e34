package workbook

import (
	"fmt"
	"strconv"
	"strings"
)

// formulaLead lists the first characters that make a spreadsheet program
// read a typed or imported text as a formula: "=", "+", "-" and "@" start
// one, and a leading tab or carriage return hides one from a reader of a
// CSV file.
const formulaLead = "=+-@\t\r"

// SafeText guards text written into a spreadsheet cell or a CSV field
// against formula injection: text whose first character could start a
// formula gets a leading apostrophe, which spreadsheet programs show as
// text ("=cmd|' /C calc'!A0" → "'=cmd|' /C calc'!A0"). It applies to text
// only: a negative number written as text gets the apostrophe too
// ("-12" → "'-12"), so numbers are written as numbers. Every writer of
// user-supplied text into a cell uses it: the CSV and XLSX exports, the
// board's compliance workbook, the template's prefill and the annotated
// copy's summary sheet.
func SafeText(s string) string {
	if s != "" && isFormulaLead(s[0]) {
		return "'" + s
	}
	return s
}

// unguard returns the text SafeText guarded: one apostrophe before a
// formula's first character is dropped, so a prefilled template reads back
// as it was written. Excel and LibreOffice keep a typed apostrophe out of
// the cell's value, so a text cell beginning with one was written by such a
// guard.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && isFormulaLead(s[1]) {
		return s[1:]
	}
	return s
}

func isFormulaLead(c byte) bool { return strings.IndexByte(formulaLead, c) >= 0 }

// CSVField is a table cell written as a CSV field for programs: text
// guarded by SafeText, numbers with a decimal point and every digit,
// booleans as true or false, nothing as an empty field. Cells are string,
// int, float64, *float64, bool or nil; anything else is printed and
// guarded.
func CSVField(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return SafeText(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *float64:
		if x == nil {
			return ""
		}
		return strconv.FormatFloat(*x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return SafeText(fmt.Sprint(v))
}

// XLSXValue is the same cell as a spreadsheet value for people: text
// guarded by SafeText, numbers as numbers, booleans as Ja or Nej.
func XLSXValue(v any) any {
	switch x := v.(type) {
	case string:
		return SafeText(x)
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case bool:
		if x {
			return "Ja"
		}
		return "Nej"
	}
	return v
}
