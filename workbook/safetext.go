package workbook

import "strings"

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
