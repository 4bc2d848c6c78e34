package workbook

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// Marks: conditional formats that colour a cell the upload would refuse
// while the officer types: a required value left empty, and a notation key
// without its comment. They mirror the parser's rules for missing values
// (details.go, tablerows.go, emissions.go); the upload still decides.

// mark is one conditional format: cells whose formula (written for the
// range's top left cell, relative to it) is true are marked.
type mark struct {
	cells   string // a column ("F"), a span ("F:Z") or a cell ("B2"), as checkRange reads it
	formula string
}

// filled is a formula that is true when the row's cells from..to hold
// anything, i.e. the row is in use.
func filled(from, to string) string {
	return fmt.Sprintf("COUNTA($%s2:$%s2)>0", from, to)
}

// empty is a formula that is true when cell holds nothing but spaces.
func empty(cell string) string { return fmt.Sprintf("LEN(TRIM(%s))=0", cell) }

var detailMarks = []mark{
	{"B2", empty("B2")}, // Kod
	{"B4", empty("B4")}, // Rapportår
}

// emissionMarks mark a notation key whose row has no Kommentar, in the
// value cell and in Kommentar. values spans the value columns.
func emissionMarks(values string) []mark {
	from, to, _ := strings.Cut(values, ":")
	var keys []string
	for _, k := range klimatrapport.NotationKeys() {
		keys = append(keys, fmt.Sprintf("COUNTIF($%s2:$%s2,%q)", from, to, k))
	}
	return []mark{
		{values, fmt.Sprintf("AND(OR(%s),%s)", isNotation(from+"2"), empty("$E2"))},
		{"E", fmt.Sprintf("AND(%s>0,%s)", strings.Join(keys, "+"), empty("$E2"))},
	}
}

var goalMarks = []mark{
	{"B", "AND(" + filled("A", "J") + "," + empty("$B2") + ")"},
	{"C", "AND(" + filled("A", "J") + "," + empty("$C2") + ")"},
	{"E", fmt.Sprintf("AND(%s,$C2<>%q,%s)", filled("A", "J"), klimatrapport.GoalNetZero, empty("$E2"))},
	{"F", "AND(" + filled("A", "J") + "," + empty("$F2") + ")"},
	{"G", fmt.Sprintf("AND(NOT(%s),$C2<>%q,%s)", empty("$C2"), klimatrapport.GoalNetZero, empty("$G2"))},
}

var planMarks = []mark{
	{"A", "AND(" + filled("A", "F") + "," + empty("$A2") + ")"},
}

var measureMarks = []mark{
	{"B", "AND(" + filled("A", "I") + "," + empty("$B2") + ")"},
	{"D", "AND(" + filled("A", "I") + "," + empty("$D2") + ")"},
}

// addMarks adds marks to sheet for rows 2 to last.
func (t *tmpl) addMarks(sheet string, marks []mark, last int) error {
	for _, m := range marks {
		if err := t.f.SetConditionalFormat(sheet, checkRange(m.cells, last),
			[]excelize.ConditionalFormatOptions{{Type: "formula", Criteria: m.formula, Format: &t.missing}}); err != nil {
			return fmt.Errorf("template: %s %s: %w", sheet, m.cells, err)
		}
	}
	return nil
}
