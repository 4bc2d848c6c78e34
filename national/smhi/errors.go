package smhi

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// Stable codes of the problems the parsers report, for validation reports
// (klimatrapport.Item.Code) and tests.
const (
	CodeNotSpreadsheet     = "not_xlsx"
	CodeMissingHeader      = "smhi_missing_header"
	CodeNoYears            = "smhi_no_years"
	CodeDuplicateYear      = "smhi_duplicate_year"
	CodeUnknownSubstance   = "smhi_unknown_substance"
	CodeNotANumber         = "not_a_number"
	CodeValueWithoutYear   = "smhi_value_without_year"
	CodeUnknownCounty      = "unknown_county"
	CodeUnknownMunicipal   = "unknown_municipality"
	CodeWrongCounty        = "municipality_wrong_county"
	CodeUnknownMainSector  = "unknown_main_sector"
	CodeBadRow             = "smhi_bad_row"
	CodePopulationHeader   = "population_missing_header"
	CodePopulationYear     = "population_no_year"
	CodePopulationNumber   = "population_not_a_number"
	CodePopulationDupCode  = "population_duplicate_code"
	CodePopulationBadCode  = "population_bad_code"
	CodePopulationNoRows   = "population_no_rows"
	CodeNoNames            = "no_names"
	CodeSyntheticArguments = "synthetic_arguments"
)

// ParseError says where in a workbook a problem is. The parsers return it as
// the cause (Err) of a *klimatrapport.Error of kind Invalid whose Message is
// the Swedish text for people; use PlaceOf to get at it.
type ParseError struct {
	Code  string // one of the Code constants
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

// PlaceOf returns the code and the place of a parse error from this package.
func PlaceOf(err error) (code string, place klimatrapport.Place, ok bool) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		return "", klimatrapport.Place{}, false
	}
	return pe.Code, klimatrapport.Place{Sheet: pe.Sheet, Cell: pe.Cell, Row: pe.Row}, true
}

// invalid builds the package's error: kind Invalid, a Swedish message and a
// ParseError naming the place. col is 1-based; 0 means the whole row (the
// cell is then the row's first cell) and row 0 the whole sheet.
func invalid(code, sheet string, row, col int, format string, args ...any) error {
	err := klimatrapport.E(klimatrapport.Invalid, format, args...)
	pe := &ParseError{Code: code, Sheet: sheet, Row: row}
	if row > 0 {
		if col < 1 {
			col = 1
		}
		pe.Cell, _ = excelize.CoordinatesToCellName(col, row)
	}
	var ke *klimatrapport.Error
	if errors.As(err, &ke) {
		ke.Err = pe
	}
	return err
}

// cellName is the A1 reference of a 1-based column and row.
func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}
