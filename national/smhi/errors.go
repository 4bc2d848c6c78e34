package smhi

import (
	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// Stable codes of the problems the reader reports, for validation reports
// (klimatrapport.Item.Code) and tests.
const (
	CodeNotSpreadsheet     = sheet.CodeNotSpreadsheet
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
	CodeNoNames            = "no_names"
	CodeSyntheticArguments = "synthetic_arguments"
)

// ParseError says where in a workbook a problem is: the cause (Err) of the
// *klimatrapport.Error of kind Invalid the reader returns, whose Message is
// the Swedish text for people.
type ParseError = sheet.ParseError

// PlaceOf returns the code and the place of a parse error from this package.
func PlaceOf(err error) (code string, place klimatrapport.Place, ok bool) {
	return sheet.PlaceOf(err)
}

// invalid builds the package's error (see sheet.Invalid).
func invalid(code, sheetName string, row, col int, format string, args ...any) error {
	return sheet.Invalid(code, sheetName, row, col, format, args...)
}

func cellName(col, row int) string { return sheet.CellName(col, row) }
