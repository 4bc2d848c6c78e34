package workbook

import (
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestDatesOutsideTheStorableRange checks that a date the database cannot
// hold (its Date column runs from 1970 to 2105) is an item on its own cell,
// for each date the template asks for, while the edges of the range pass.
func TestDatesOutsideTheStorableRange(t *testing.T) {
	cells := []struct{ sheet, header string }{
		{SheetGoals, fieldTitle[fDecidedOn]},
		{SheetPlans, fieldTitle[fAdopted]},
		{SheetDetails, "Datum"},
	}
	values := []struct {
		value any
		code  string
	}{
		{"1969-12-31", CodeDateOutOfRange},
		{"2200-01-01", CodeDateOutOfRange},
		{25568, CodeDateOutOfRange}, // 1969-12-31 as Excel's serial number
		{time.Date(2106, 1, 1, 0, 0, 0, 0, time.UTC), CodeDateOutOfRange},
		{"1970-01-01", ""},
		{"2105-12-31", ""},
	}
	for _, c := range cells {
		for _, v := range values {
			var ref string
			b := baseWorkbook(t, func(f *excelize.File) { ref = setUnder(t, f, c.sheet, c.header, v.value) })
			p, err := parseBytes(b)
			if err != nil {
				t.Fatalf("%s %v: %v", c.sheet, v.value, err)
			}
			items := Validate(p, stdCtx)
			got := ""
			for _, it := range items {
				if it.Code == CodeDateOutOfRange || it.Code == CodeBadDate {
					got = it.Code
					if it.Sheet != c.sheet || it.Cell != ref {
						t.Errorf("%s %v: item at %s!%s, want %s!%s", c.sheet, v.value, it.Sheet, it.Cell, c.sheet, ref)
					}
					if !strings.Contains(it.Message, "1970-01-01") {
						t.Errorf("%s %v: message does not give the range: %q", c.sheet, v.value, it.Message)
					}
				}
			}
			if got != v.code {
				t.Errorf("%s %v: date item %q, want %q", c.sheet, v.value, got, v.code)
			}
		}
	}
}

// setUnder writes v in the first data row under the header (or, on
// Uppgifter, beside the field name) and returns the cell's reference.
func setUnder(t testing.TB, f *excelize.File, sheet, header string, v any) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for col, s := range row {
			if s != header {
				continue
			}
			x, y := col+1, r+2 // the cell under the header
			if sheet == SheetDetails {
				x, y = col+2, r+1 // the value beside the field name
			}
			ref, _ := excelize.CoordinatesToCellName(x, y)
			set(t, f, sheet, ref, v)
			return ref
		}
	}
	t.Fatalf("no %q on %s", header, sheet)
	return ""
}
