// Package sheet holds what the national parsers (SMHI's export, SCB's
// tables) share about reading spreadsheets: the error they return, with the
// place of the problem for machines (ParseError) and a Swedish message for
// people, Sweden's area code, cell names, header keys and years in header
// cells.
package sheet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// TitleRows is how far into a sheet a parser looks for its header row. A
// sheet without it in its first TitleRows rows is not the table looked for.
const TitleRows = 50

// SwedenCode is the area code of Sweden as a whole, in SCB's tables and in
// the codes SMHI's rows are given.
const SwedenCode = "00"

// CodeNotSpreadsheet is the problem code of a file that is no workbook or a
// sheet that cannot be read.
const CodeNotSpreadsheet = "not_xlsx"

// ParseError says where in a workbook a problem is. The parsers return it as
// the cause (Err) of a *klimatrapport.Error of kind Invalid whose Message is
// the Swedish text for people; use PlaceOf to get at it.
type ParseError struct {
	Code  string // the parser's problem code
	Sheet string
	Cell  string // A1 reference; the first cell of the row for row-level problems
	Row   int    // 1-based; 0 when the problem is not one row
}

func (e *ParseError) Error() string {
	switch {
	case e.Cell != "":
		return fmt.Sprintf("%s at %s!%s", e.Code, e.Sheet, e.Cell)
	case e.Sheet != "":
		return fmt.Sprintf("%s in sheet %s", e.Code, e.Sheet)
	}
	return e.Code
}

// PlaceOf returns the code and the place of a parse error.
func PlaceOf(err error) (code string, place klimatrapport.Place, ok bool) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		return "", klimatrapport.Place{}, false
	}
	return pe.Code, klimatrapport.Place{Sheet: pe.Sheet, Cell: pe.Cell, Row: pe.Row}, true
}

// Invalid builds a parser's error: kind Invalid, a Swedish message and a
// ParseError naming the place. col is 1-based; 0 means the whole row (the
// cell is then the row's first cell) and row 0 the whole sheet.
func Invalid(code, sheet string, row, col int, format string, args ...any) error {
	err := klimatrapport.E(klimatrapport.Invalid, format, args...)
	pe := &ParseError{Code: code, Sheet: sheet, Row: row}
	if row > 0 {
		pe.Cell = CellName(max(col, 1), row)
	}
	var ke *klimatrapport.Error
	if errors.As(err, &ke) {
		ke.Err = pe
	}
	return err
}

// NotSpreadsheet is the error for a file excelize cannot open; it keeps
// excelize's error as a cause beside the ParseError.
func NotSpreadsheet(err error) error {
	e := Invalid(CodeNotSpreadsheet, "", 0, 0, "Filen kunde inte läsas som en Excel-arbetsbok (.xlsx). Spara den som .xlsx och försök igen.")
	if ke, ok := e.(*klimatrapport.Error); ok {
		ke.Err = &wrapped{pe: ke.Err.(*ParseError), err: err}
	}
	return e
}

// wrapped keeps both the ParseError and the library's error as causes.
type wrapped struct {
	pe  *ParseError
	err error
}

func (w *wrapped) Error() string   { return w.pe.Error() + ": " + w.err.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.pe, w.err} }

// CellName is the A1 reference of a 1-based column and row.
func CellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// ColumnName is the letter(s) of a 1-based column.
func ColumnName(col int) string {
	s, _ := excelize.ColumnNumberToName(col)
	return s
}

// HeaderKey is a header cell in lower case with only its letters and
// digits (decomposed å, ä, ö composed first), so that headers match whatever
// their case, spacing and punctuation.
func HeaderKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(ComposeSwedish(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ComposeSwedish composes the decomposed forms of å, ä, ö, é and ü (as some
// Mac programs write them) so that they match the composed ones.
func ComposeSwedish(s string) string {
	if !strings.ContainsAny(s, "\u030a\u0308\u0301") {
		return s
	}
	return swedishComposer.Replace(s)
}

var swedishComposer = strings.NewReplacer(
	"a\u030a", "å", "A\u030a", "Å",
	"a\u0308", "ä", "A\u0308", "Ä",
	"o\u0308", "ö", "O\u0308", "Ö",
	"u\u0308", "ü", "U\u0308", "Ü",
	"e\u0301", "é", "E\u0301", "É",
)

// ParseYear returns the year in a header cell ("2022", "2022.0", " 2022 "),
// or 0.
func ParseYear(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".0")
	if len(s) != 4 || !IsDigits(s) {
		return 0
	}
	y, _ := strconv.Atoi(s)
	if y < 1900 || y > 2200 {
		return 0
	}
	return y
}

// IsDigits reports whether s is one or more ASCII digits.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
