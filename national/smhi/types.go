package smhi

import "time"

// Level is the kind of area an SMHI row is about.
type Level string

// The levels of SMHI's export.
const (
	LevelCountry      Level = "country"      // Sweden, area code "00"
	LevelCounty       Level = "county"       // a län, 2-digit code
	LevelMunicipality Level = "municipality" // a kommun, 4-digit code
)

// YearValue is one value of an SMHI row, in the unit of the file (tonnes per
// year).
type YearValue struct {
	Year   int
	Tonnes float64
}

// Row is one data row of SMHI's export.
type Row struct {
	Sheet      string
	Row        int    // 1-based row number in the sheet
	Substance  string // GGT, CO2, CH4, N2O, HFC, PFC or SF6
	Level      Level
	AreaCode   string // "00", a 2-digit county code or a 4-digit municipality code
	CountyCode string // the county of a county or municipality row; "" for Sweden
	MainSector string // as klimatrapport.MainSectors spells it; "" for all sectors (SMHI's "Alla")
	Subsector  string // as klimatrapport.Subsectors spells it (SMHI's typos corrected); "" for the main sector's total
	// County and Municipality are the place names as in the file
	// (trimmed); "Alla" for all.
	County, Municipality string
	// Values holds the row's non-empty cells in column order; years whose
	// cell is empty are absent. The slice belongs to the row: keep it if you
	// like.
	Values []YearValue
}

// Value returns the value for year and whether the row has one.
func (r Row) Value(year int) (float64, bool) {
	for _, v := range r.Values {
		if v.Year == year {
			return v.Tonnes, true
		}
	}
	return 0, false
}

// Sheet describes one sheet of SMHI data in a workbook.
type Sheet struct {
	Name          string
	Substance     string // GGT, CO2, …
	SubstanceName string // as in the title, e.g. "Koldioxid (CO2)"
	Unit          string // e.g. "ton/år"
	Years         []int  // the year columns, in column order
	HeaderRow     int    // 1-based row of "Huvudsektor | Undersektor | Län | Kommun | …"
	Rows          int    // data rows emitted
}

// Meta describes a parsed SMHI export. SMHI's export has one sheet for
// one substance; a workbook with several SMHI sheets (one per substance, as
// WriteSynthetic writes) is read sheet by sheet, and the top-level
// fields other than ReportName, ReleaseDate, Rows and Normalised describe
// the first.
type Meta struct {
	ReportName    string    // e.g. "Länsrapport"
	ReleaseDate   time.Time // the date in the report name; zero when the file has none
	Substance     string
	SubstanceName string
	Unit          string
	Years         []int
	Rows          int // data rows emitted, all sheets
	Sheets        []Sheet
	// Normalised lists the sector and subsector spellings that were
	// corrected (SMHI's typos), each once, ordered by From.
	Normalised []Normalisation
}

// Normalisation is one corrected spelling.
type Normalisation struct {
	From string
	To   string
}
