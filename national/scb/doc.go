// Package scb reads Statistics Sweden's (SCB) tables the service needs:
// the municipality and county list (ParseMunicipalities, a CSV file), the
// place names built from it (Names: "Lunds kommun", "Region Skåne", … to
// codes, for files that carry names only, such as SMHI's export), and the
// population table BE0101 (ParsePopulation, SCB's xlsx layout; and
// ParsePxWebPopulation, every year of it as SCB's statistical database
// answers PopulationQuery in JSON-stat2). It knows nothing of databases
// or the network: package national fetches and stores what it reads.
//
// Errors are *klimatrapport.Error of kind Invalid with Swedish messages; the
// population parser's carry a cause naming the sheet and cell (see
// PlaceOf).
package scb

import (
	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// SwedenCode is the area code of Sweden as a whole in SCB's tables.
const SwedenCode = sheet.SwedenCode

// Stable codes of the problems ParsePopulation reports.
const (
	CodeNotSpreadsheet    = sheet.CodeNotSpreadsheet
	CodePopulationHeader  = "population_missing_header"
	CodePopulationYear    = "population_no_year"
	CodePopulationNumber  = "population_not_a_number"
	CodePopulationDupCode = "population_duplicate_code"
	CodePopulationBadCode = "population_bad_code"
	CodePopulationNoRows  = "population_no_rows"
)

// PlaceOf returns the code and the place of a parse error from this package.
func PlaceOf(err error) (code string, place klimatrapport.Place, ok bool) {
	return sheet.PlaceOf(err)
}
