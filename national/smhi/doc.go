// Package smhi reads SMHI's national emissions database export
// (Nationella emissionsdatabasen, …/api/getexcelfile/?county=0&municipality=0&sub=…):
// the one reader of SMHI's layout, used by the national import and by a
// member's upload of the same file, so that both get the same figures.
//
// Reader is fed rows of cells with their row numbers by any spreadsheet
// reader: Parse feeds it excelize's rows (the national import); package
// workbook feeds it the rows of its own hostile-file-safe reader (a
// member's upload). The Reader finds the title rows (report name and date,
// "Emissioner av <substance>", "Enhet: …"), the row of years and the header
// row "Huvudsektor | Undersektor | Län | Kommun | <years>" by content (case
// and spacing ignored), then reads the data rows: main sector and subsector
// spelled as klimatrapport.MainSectors and Subsectors do (SMHI's typos
// corrected), "Alla" as the total on every level, county and municipality
// names turned into SCB codes through Places (scb.Names).
//
// Numbers: a value cell is read by klimatrapport.ParseNumber, the one rule
// for numbers in cells: SMHI's raw doubles ("57880523.5032156",
// "1.5E-3"), and what a person may have typed as text in Swedish or
// English ("1 234 567,8", "1.234.567,8", "−12,5", "1,234.5"). An empty cell,
// or one of spaces only, is no value for that year; anything else that is
// not a number ("-", a notation key such as "NO", "ca 11 ton", NaN, ∞) is
// an error naming the cell.
//
// Totals: Checker checks that totals equal the sums of their parts
// (Sweden and its counties, a county and its municipalities, an area's
// total and its main sectors, a main sector and its subsectors) with one
// tolerance, TotalsTolerance (0.01 tonne or one part in a million). The
// national import reports every mismatch; a member's upload warns where its
// municipality's total differs from its main sectors.
//
// Errors are *klimatrapport.Error of kind Invalid with Swedish messages
// naming the sheet and cell, and a *ParseError cause (see PlaceOf) for
// machines. WriteSynthetic writes large files in SMHI's layout for
// benchmarks. The package knows nothing of databases.
package smhi
