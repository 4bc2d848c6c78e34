// Package klimatrapport holds the domain types of the service: municipalities,
// inventories, goals, action plans, measures, submissions and validation
// reports; the one list of SMHI's sectors, subsectors, gases and substances
// with SMHI's spellings (sectors.go); and the one rule for reading a number
// from a cell (ParseNumber). Every other package speaks in these types; none
// of them depends on a database, a spreadsheet library or HTTP.
package klimatrapport

import "time"

// NotationKeys returns the keys that explain a missing value (GHG Protocol for
// Cities). Each needs a comment saying why.
func NotationKeys() []string { return []string{"NO", "IE", "NE", "C"} }

// Goal types as written in the template.
const (
	GoalAbsolute  = "Absolut minskning"
	GoalPerCapita = "Minskning per invånare"
	GoalNetZero   = "Nettonoll"
)

// GoalTypes returns the goal types in template order.
func GoalTypes() []string { return []string{GoalAbsolute, GoalPerCapita, GoalNetZero} }

// Measure statuses as written in the template.
const (
	MeasurePlanned   = "Planerad"
	MeasureOngoing   = "Pågående"
	MeasureDone      = "Genomförd"
	MeasureCancelled = "Avbruten"
)

// MeasureStatuses returns the measure statuses in template order.
func MeasureStatuses() []string {
	return []string{MeasurePlanned, MeasureOngoing, MeasureDone, MeasureCancelled}
}

// FirstYear is the first inventory year accepted (the Kyoto base year).
const FirstYear = 1990

// County is a Swedish län, identified by its 2-digit SCB code.
type County struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Municipality is a Swedish kommun, identified by its 4-digit SCB code.
type Municipality struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	CountyCode string `json:"county_code"`
	CountyName string `json:"county_name"`
}

// Population is the number of inhabitants of an area (municipality, county or
// Sweden, code "00") on 31 December of Year.
type Population struct {
	AreaCode string `json:"area_code"`
	Year     int    `json:"year"`
	Persons  int64  `json:"persons"`
}

// Place says where a value came from in an uploaded workbook, so that a
// report item, an override or a reviewer can point at it.
type Place struct {
	Sheet string `json:"sheet,omitempty"`
	Cell  string `json:"cell,omitempty"` // A1 reference; the first cell of the row for row-level facts
	Row   int    `json:"row,omitempty"`  // 1-based row number
}

// InventoryValue is one reported emission figure in tonnes CO2e.
type InventoryValue struct {
	Year      int      `json:"year"`
	Sector    string   `json:"sector"`
	Subsector string   `json:"subsector,omitempty"` // empty: the sector total
	Gas       string   `json:"gas,omitempty"`       // empty: all greenhouse gases (CO2e)
	Tonnes    *float64 `json:"tonnes"`              // nil when NotationKey is set
	Notation  string   `json:"notation_key,omitempty"`
	Source    string   `json:"source,omitempty"`
	Comment   string   `json:"comment,omitempty"`
	Place     Place    `json:"place"`
}

// Goal is an emission goal decided by the member.
type Goal struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Type         string    `json:"type"`
	Sector       string    `json:"sector,omitempty"` // empty: all sectors
	BaseYear     int       `json:"base_year"`
	TargetYear   int       `json:"target_year"`
	ReductionPct float64   `json:"reduction_pct"`
	DecidedBy    string    `json:"decided_by,omitempty"`
	DecidedOn    time.Time `json:"decided_on,omitzero"`
	Link         string    `json:"link,omitempty"`
	Place        Place     `json:"place"`
}

// ActionPlan is a climate action plan adopted by the member.
type ActionPlan struct {
	Name      string    `json:"name"`
	Adopted   time.Time `json:"adopted,omitzero"`
	DecidedBy string    `json:"decided_by,omitempty"`
	ValidFrom int       `json:"valid_from"` // year
	ValidTo   int       `json:"valid_to"`   // year, inclusive
	Link      string    `json:"link,omitempty"`
	Place     Place     `json:"place"`
}

// Measure is one measure (åtgärd) of an action plan.
type Measure struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	Sector            string   `json:"sector,omitempty"`
	Status            string   `json:"status"`
	StartYear         int      `json:"start_year,omitempty"`
	EndYear           int      `json:"end_year,omitempty"`
	ExpectedReduction *float64 `json:"expected_reduction,omitempty"` // tonnes CO2e per year
	Responsible       string   `json:"responsible,omitempty"`
	Comment           string   `json:"comment,omitempty"`
	Place             Place    `json:"place"`
}

// Details is the Uppgifter sheet: who reports, for whom and for which year.
type Details struct {
	Code             string    `json:"code"` // municipality (4 digits) or county (2 digits, a region)
	Name             string    `json:"name,omitempty"`
	ReportYear       int       `json:"report_year"`
	Contact          string    `json:"contact,omitempty"`
	Email            string    `json:"email,omitempty"`
	PoliticalContact string    `json:"political_contact,omitempty"`
	Date             time.Time `json:"date,omitzero"`
}

// Report is what a member submits in one workbook.
type Report struct {
	Details    Details          `json:"details"`
	Inventory  []InventoryValue `json:"inventory"`
	Goals      []Goal           `json:"goals"`
	Plans      []ActionPlan     `json:"action_plans"`
	Measures   []Measure        `json:"measures"`
	FromSMHI   bool             `json:"from_smhi_layout,omitempty"` // the file was in SMHI's export layout
	SheetsSeen []string         `json:"-"`
}

// Severity of a validation item.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Item is one problem found in an uploaded workbook, as the validation report
// lists it. Code is stable; Message is Swedish and says what to change.
type Item struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Sheet    string `json:"sheet"`
	Cell     string `json:"cell"`
	Message  string `json:"message"`
}

// Items is a validation report.
type Items []Item

// HasErrors reports whether any item is an error, which rejects the file.
func (items Items) HasErrors() bool {
	for _, it := range items {
		if it.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Submission statuses.
const (
	SubmissionAccepted = "accepted" // committed: its data is visible
	SubmissionRejected = "rejected" // kept with its report, its data never visible
)

// Submission is one uploaded workbook, accepted or rejected.
type Submission struct {
	ID               string    `json:"id"`
	MunicipalityCode string    `json:"municipality"`
	ReportYear       int       `json:"report_year"`
	FileName         string    `json:"file_name"`
	SHA256           string    `json:"sha256"`
	Size             int64     `json:"size"`
	UploadedBy       string    `json:"uploaded_by"`
	UploadedAt       time.Time `json:"uploaded_at"`
	Status           string    `json:"status"`
	Counts           Counts    `json:"counts"`
	Items            Items     `json:"report"`
}

// Counts summarises what a submission holds.
type Counts struct {
	Inventory int `json:"inventory"`
	Goals     int `json:"goals"`
	Plans     int `json:"action_plans"`
	Measures  int `json:"measures"`
}
