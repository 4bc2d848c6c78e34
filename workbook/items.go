package workbook

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Item codes. They are stable: clients and golden files rely on them.
const (
	// Structure of the workbook.
	CodeMissingSheet          = "missing_sheet"   // a required sheet is absent
	CodeMissingColumn         = "missing_column"  // a required column is absent from a header row
	CodeMissingValue          = "missing_value"   // a required cell or Uppgifter field is empty
	CodeDuplicateSheet        = "duplicate_sheet" // warning: two sheets match the same name; the second is ignored
	CodeUnknownColumn         = "unknown_column"  // warning: a header the parser does not know; its column is ignored
	CodeFormula               = "formula_without_value"
	CodeNoData                = "no_data"                // Uppgifter is filled in but no other sheet holds anything
	CodeSeveralMunicipalities = "several_municipalities" // an SMHI export with more than one municipality
	CodeSeveralCounties       = "several_counties"       // a region's SMHI export with more than one county
	CodeWrongLevel            = "smhi_wrong_level"       // an SMHI export with only the other level's rows (a municipality's for a region, a county's for a municipality)

	// Cell values.
	CodeNotANumber        = "not_a_number"
	CodeNotAYear          = "not_a_year"
	CodeBadDate           = "invalid_date"
	CodeDateOutOfRange    = "date_out_of_range" // a date before 1970 or after 2105, which the database cannot store
	CodeNegative          = "negative_value"
	CodeNotationNoComment = "notation_without_comment"

	// Who reports, for when.
	CodeInvalidCode         = "invalid_code"
	CodeUnknownMunicipality = "unknown_municipality"
	CodeWrongMunicipality   = "wrong_municipality"
	CodeFutureReportYear    = "report_year_in_future"
	CodeYearOutOfRange      = "year_out_of_range"

	// Inventory.
	CodeUnknownSector    = "unknown_sector"
	CodeUnknownSubsector = "unknown_subsector"
	CodeUnknownGas       = "unknown_gas"
	CodeDuplicateValue   = "duplicate_value"
	CodeSumMismatch      = "sum_mismatch"    // warning
	CodeJump             = "jump"            // warning
	CodeSMHIDifference   = "smhi_difference" // warning

	// Goals, plans, measures.
	CodeDuplicateID        = "duplicate_id"
	CodeGoalYears          = "goal_base_year_not_before_target"
	CodeGoalReduction      = "goal_reduction_out_of_range"
	CodeGoalReductionShare = "goal_reduction_looks_like_fraction" // warning
	CodeGoalType           = "unknown_goal_type"
	CodePlanYears          = "plan_years_reversed"
	CodeMeasureStatus      = "unknown_measure_status"
	CodeMeasureYears       = "measure_start_after_end"

	// CodeMoreItems summarises items of one code left out after the first
	// maxItemsPerCode.
	CodeMoreItems = "more_items"
)

// maxItemsPerCode caps the items of one code in a report; the rest are
// counted in one summary item, so a hostile or badly broken file cannot make
// the report itself huge.
const maxItemsPerCode = 200

// collector gathers items with a cap per code.
type collector struct {
	items    klimatrapport.Items
	perCode  map[string]int
	overflow map[string]int
	sevOf    map[string]string
}

func newCollector() *collector {
	return &collector{perCode: map[string]int{}, overflow: map[string]int{}, sevOf: map[string]string{}}
}

// full reports whether code has reached its cap, counting the item that the
// caller will then not build.
func (c *collector) full(code string) bool {
	if c.perCode[code] >= maxItemsPerCode {
		c.overflow[code]++
		return true
	}
	return false
}

// room reports whether an item of code would still be listed.
func (c *collector) room(code string) bool { return c.perCode[code] < maxItemsPerCode }

func (c *collector) add(sev, code, sheet, cell, format string, args ...any) {
	if c.full(code) {
		return
	}
	c.perCode[code]++
	c.sevOf[code] = sev
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	c.items = append(c.items, klimatrapport.Item{Severity: sev, Code: code, Sheet: sheet, Cell: cell, Message: msg})
}

func (c *collector) errorf(code, sheet, cell, format string, args ...any) {
	c.add(klimatrapport.SeverityError, code, sheet, cell, format, args...)
}

func (c *collector) warnf(code, sheet, cell, format string, args ...any) {
	c.add(klimatrapport.SeverityWarning, code, sheet, cell, format, args...)
}

func (c *collector) hasErrors() bool { return c.items.HasErrors() }

// result returns the items with one summary item per capped code.
func (c *collector) result() klimatrapport.Items {
	out := c.items
	for _, code := range slices.Sorted(maps.Keys(c.overflow)) {
		n := c.overflow[code]
		sev := c.sevOf[code]
		kind := "fel"
		if sev == klimatrapport.SeverityWarning {
			kind = "varningar"
		}
		out = append(out, klimatrapport.Item{Severity: sev, Code: CodeMoreItems, Message: fmt.Sprintf(
			"Ytterligare %s %s av samma slag (%s) visas inte. Rätta de som visas ovan och ladda upp filen igen.",
			swedish.Plain(float64(n)), kind, code)})
	}
	return out
}

// SortItems orders items for people: items about the whole file first, then
// by sheet in workbook order (sheets not in order last, by name), row and
// column; errors before warnings at the same place. The sort is stable.
func SortItems(items klimatrapport.Items, sheetOrder []string) {
	idx := make(map[string]int, len(sheetOrder))
	for i, s := range sheetOrder {
		idx[s] = i + 1
	}
	type keyed struct {
		summary  int // 1 for a summary of left-out items: those come last
		sheet    int // 0 for the whole file, then workbook order
		name     string
		row, col int
		sev      int // 0 error, 1 warning
		item     klimatrapport.Item
	}
	all := make([]keyed, len(items))
	for i, it := range items {
		k := keyed{name: it.Sheet, item: it}
		if it.Code == CodeMoreItems {
			k.summary = 1
		}
		if it.Sheet != "" {
			k.sheet = idx[it.Sheet]
			if k.sheet == 0 {
				k.sheet = len(sheetOrder) + 1
			}
		}
		if it.Cell != "" {
			k.col, k.row, _ = excelize.CellNameToCoordinates(it.Cell)
		}
		if it.Severity != klimatrapport.SeverityError {
			k.sev = 1
		}
		all[i] = k
	}
	slices.SortStableFunc(all, func(x, y keyed) int {
		return cmp.Or(cmp.Compare(x.summary, y.summary), cmp.Compare(x.sheet, y.sheet), strings.Compare(x.name, y.name),
			cmp.Compare(x.row, y.row), cmp.Compare(x.col, y.col), cmp.Compare(x.sev, y.sev))
	})
	for i, k := range all {
		items[i] = k.item
	}
}

// describeKey names an inventory row for a message: "2020, Transporter,
// Personbilar, CO2".
func describeKey(year int, sector, subsector, gas string) string {
	parts := []string{fmt.Sprint(year), sector}
	if subsector == "" {
		parts = append(parts, "sektorns total")
	} else {
		parts = append(parts, subsector)
	}
	if gas == "" {
		parts = append(parts, "alla växthusgaser")
	} else {
		parts = append(parts, gas)
	}
	return strings.Join(parts, ", ")
}
