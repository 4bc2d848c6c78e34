package workbook

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// TemplateOptions says for whom and for which year a template is made.
type TemplateOptions struct {
	Code string // municipality or county code; may be empty
	Name string
	Year int // report year; zero means the current year
	// Prefill, when set, fills the template with a member's current data so
	// that next year's report starts from last year's. Its Details.Code and
	// Name are used when Code and Name are empty.
	Prefill *klimatrapport.Report
	// Created is the day the template is made, printed in its footer; zero
	// means today.
	Created time.Time
	// SiteURL is the service's address ("https://…"), for the links to
	// its pages in the instructions; empty: the pages' paths are named as
	// text.
	SiteURL string
}

// templateRows is how many rows of each table sheet get drop-downs and
// validation.
const templateRows = 500

// WriteTemplate writes the Swedish reporting template (.xlsx) to w.
func WriteTemplate(w io.Writer, opts TemplateOptions) error {
	if opts.Year == 0 {
		opts.Year = time.Now().Year()
	}
	if opts.Created.IsZero() {
		opts.Created = time.Now()
	}
	rep := opts.Prefill
	if rep == nil {
		rep = &klimatrapport.Report{}
	}
	if opts.Code == "" {
		opts.Code = rep.Details.Code
	}
	if opts.Name == "" {
		opts.Name = rep.Details.Name
	}
	t := &tmpl{f: excelize.NewFile(), opts: opts, rep: rep}
	defer t.f.Close()
	if err := t.build(); err != nil {
		return err
	}
	_, err := t.f.WriteTo(w)
	return err
}

type tmpl struct {
	f    *excelize.File
	opts TemplateOptions
	rep  *klimatrapport.Report

	// styles: header cells (locked), input cells (unlocked: general, text,
	// date, wrapped), the instructions' text, and the mark of a missing
	// value (a conditional format)
	header, input, text, date, wrap, note, title, heading, link, exampleHead, exampleCell, missing int
}

func (t *tmpl) build() error {
	f := t.f
	if err := t.styles(); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetInstructions); err != nil {
		return err
	}
	for _, s := range []string{SheetDetails, SheetEmissions, SheetGoals, SheetPlans, SheetMeasures, SheetLists} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	steps := []func() error{t.lists, t.instructions, t.details, t.emissions, t.goals, t.plans, t.measures, t.protect}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := f.SetSheetVisible(SheetLists, false); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{
		Title:    "Klimatrapport " + fmt.Sprint(t.opts.Year),
		Creator:  "Klimatkommunerna",
		Language: "sv-SE",
	})
}

// list columns on the hidden Listor sheet.
var listColumns = []struct {
	title string
	items func() []string
}{
	{"Sektorer", klimatrapport.MainSectors},
	{"Undersektorer", allSubsectors},
	{"Växthusgaser", klimatrapport.Gases},
	{"Notationsnycklar", klimatrapport.NotationKeys},
	{"Måltyper", klimatrapport.GoalTypes},
	{"Status", klimatrapport.MeasureStatuses},
}

func allSubsectors() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range klimatrapport.MainSectors() {
		for _, sub := range klimatrapport.Subsectors(s) {
			if !seen[sub] {
				seen[sub] = true
				out = append(out, sub)
			}
		}
	}
	return out
}

// listRef is the absolute reference of list i on the Listor sheet.
func listRef(i int) string {
	n := len(listColumns[i].items())
	c := colName(i + 1)
	return fmt.Sprintf("%s!$%s$2:$%s$%d", SheetLists, c, c, n+1)
}

func (t *tmpl) lists() error {
	for i, l := range listColumns {
		c := colName(i + 1)
		if err := t.f.SetCellValue(SheetLists, c+"1", l.title); err != nil {
			return err
		}
		for j, item := range l.items() {
			if err := t.f.SetCellStr(SheetLists, fmt.Sprintf("%s%d", c, j+2), item); err != nil {
				return err
			}
		}
	}
	return t.f.SetColWidth(SheetLists, "A", colName(len(listColumns)), 40)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;")

func (t *tmpl) details() error {
	s := SheetDetails
	// Only the values are input cells; the labels are read by the parser.
	if err := t.headerRow(s, []tableColumn{{"Fält", 22, colLabel}, {"Värde", 50, colPlain}}, xlsx.Layout{HeaderRows: 1}); err != nil {
		return err
	}
	d := t.rep.Details
	rows := [][]any{
		{"Kod", t.opts.Code},
		{"Namn", t.opts.Name},
		{"Rapportår", t.opts.Year},
		{"Kontaktperson", d.Contact},
		{"E-post", d.Email},
		{"Politisk kontakt", d.PoliticalContact},
		{"Datum", nil},
	}
	for i, r := range rows {
		if err := t.setRow(s, i+2, r); err != nil {
			return err
		}
	}
	return errors.Join(
		t.f.SetCellStyle(s, "B2", "B2", t.text),
		t.f.SetCellStyle(s, "B8", "B8", t.date),
		t.addChecks(s, detailChecks, 8),
		t.addMarks(s, detailMarks, 8),
	)
}

// wideKey groups inventory values into template rows.
type wideKey struct{ sector, subsector, gas string }

type wideRow struct {
	key      wideKey
	values   map[int]klimatrapport.InventoryValue
	comments []string
	sources  []string
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// templateYears is 1990, 2005, 2010 … year, plus any year of the prefill.
func (t *tmpl) templateYears() []int {
	set := map[int]bool{1990: true, 2005: true}
	for y := 2010; y <= t.opts.Year; y++ {
		set[y] = true
	}
	for _, v := range t.rep.Inventory {
		if v.Year >= klimatrapport.FirstYear && v.Year <= t.opts.Year {
			set[v.Year] = true
		}
	}
	return slices.DeleteFunc(slices.Sorted(maps.Keys(set)), func(y int) bool { return y > t.opts.Year })
}

func (t *tmpl) emissionRows() []*wideRow {
	byKey := map[wideKey]*wideRow{}
	var order []*wideRow
	get := func(k wideKey) *wideRow {
		r, ok := byKey[k]
		if !ok {
			r = &wideRow{key: k, values: map[int]klimatrapport.InventoryValue{}}
			byKey[k] = r
			order = append(order, r)
		}
		return r
	}
	for _, s := range klimatrapport.MainSectors() {
		get(wideKey{sector: s})
	}
	for _, v := range t.rep.Inventory {
		if v.Year > t.opts.Year {
			continue
		}
		r := get(wideKey{v.Sector, v.Subsector, v.Gas})
		r.values[v.Year] = v
		r.comments = appendUnique(r.comments, v.Comment)
		r.sources = appendUnique(r.sources, v.Source)
	}
	rank := func(k wideKey) (int, int, int) {
		si := sectorIndex[k.sector]
		if si == 0 {
			si = 100
		}
		sub := 0
		if k.subsector != "" {
			sub = subIndex[k.sector][k.subsector]
			if sub == 0 {
				sub = 10000
			}
		}
		return si, sub, gasIndex[k.gas]
	}
	slices.SortStableFunc(order, func(a, b *wideRow) int {
		a1, a2, a3 := rank(a.key)
		b1, b2, b3 := rank(b.key)
		return cmp.Or(cmp.Compare(a1, b1), cmp.Compare(a2, b2), cmp.Compare(a3, b3),
			strings.Compare(a.key.sector, b.key.sector), strings.Compare(a.key.subsector, b.key.subsector), strings.Compare(a.key.gas, b.key.gas))
	})
	return order
}

// extraYearColumns is how many empty columns after the last year of
// Utsläpp are input cells with the value check, so that an officer can add
// a year by typing it as the header of the next column.
const extraYearColumns = 10

func (t *tmpl) emissions() error {
	s := SheetEmissions
	years := t.templateYears()
	cols := []tableColumn{{"Sektor", 30, colPlain}, {"Undersektor", 30, colPlain}, {"Växthusgas", 11, colPlain},
		{"Källa", 14, colWrap}, {"Kommentar", 30, colWrap}}
	for _, y := range years {
		cols = append(cols, tableColumn{fmt.Sprint(y), 10, colPlain})
	}
	extra := colName(len(cols)+1) + ":" + colName(len(cols)+extraYearColumns)
	values := "F:" + colName(len(cols)+extraYearColumns)
	if err := errors.Join(t.f.SetColStyle(s, extra, t.input), t.f.SetColWidth(s, colName(len(cols)+1), colName(len(cols)+extraYearColumns), 10)); err != nil {
		return err
	}
	if err := t.headerRow(s, cols, xlsx.Layout{HeaderRows: 1, FreezeCols: 2}); err != nil {
		return err
	}
	// Year headers are numbers, as a person would type them.
	for i, y := range years {
		if err := t.f.SetCellInt(s, cellName(6+i, 1), int64(y)); err != nil {
			return err
		}
	}
	rows := t.emissionRows()
	for i, r := range rows {
		vals := []any{r.key.sector, r.key.subsector, r.key.gas, strings.Join(r.sources, "; "), strings.Join(r.comments, "; ")}
		for _, y := range years {
			v := r.values[y]
			if v.Notation != "" {
				vals = append(vals, v.Notation)
			} else {
				vals = append(vals, v.Tonnes) // nil when the year has no value
			}
		}
		if err := t.setRow(s, i+2, vals); err != nil {
			return err
		}
	}
	last := max(templateRows, len(rows)+templateRows/2)
	return errors.Join(t.addChecks(s, emissionChecks(values), last), t.addMarks(s, emissionMarks(values), last))
}

// tableSheet writes a table sheet: its header row, one row per prefilled
// item, and the column checks and marks for templateRows rows more.
func (t *tmpl) tableSheet(sheet string, cols []tableColumn, rows [][]any, checks []columnCheck, marks []mark) error {
	if err := t.headerRow(sheet, cols, xlsx.Layout{HeaderRows: 1}); err != nil {
		return err
	}
	for i, r := range rows {
		if err := t.setRow(sheet, i+2, r); err != nil {
			return err
		}
	}
	last := templateRows + len(rows)
	return errors.Join(t.addChecks(sheet, checks, last), t.addMarks(sheet, marks, last))
}

func (t *tmpl) goals() error {
	var rows [][]any
	for _, g := range t.rep.Goals {
		rows = append(rows, []any{g.ID, g.Name, g.Type, g.Sector, g.BaseYear, g.TargetYear, g.ReductionPct, g.DecidedBy, g.DecidedOn, g.Link})
	}
	return t.tableSheet(SheetGoals, []tableColumn{
		{"Mål-ID", 9, colText}, {"Mål", 40, colWrap}, {"Typ", 22, colPlain}, {"Sektor", 30, colPlain},
		{"Basår", 8, colPlain}, {"Målår", 8, colPlain}, {"Minskning (%)", 12, colPlain}, {"Beslutat av", 20, colWrap},
		{"Beslutsdatum", 13, colDate}, {"Länk", 30, colWrap},
	}, rows, goalChecks, goalMarks)
}

func (t *tmpl) plans() error {
	var rows [][]any
	for _, p := range t.rep.Plans {
		rows = append(rows, []any{p.Name, p.Adopted, p.DecidedBy, p.ValidFrom, p.ValidTo, p.Link})
	}
	return t.tableSheet(SheetPlans, []tableColumn{
		{"Namn", 44, colWrap}, {"Antagen", 13, colDate}, {"Beslutat av", 24, colWrap},
		{"Gäller från", 11, colPlain}, {"Gäller till", 11, colPlain}, {"Länk", 40, colWrap},
	}, rows, planChecks, planMarks)
}

func (t *tmpl) measures() error {
	var rows [][]any
	for _, m := range t.rep.Measures {
		rows = append(rows, []any{m.ID, m.Name, m.Sector, m.Status, m.StartYear, m.EndYear, m.ExpectedReduction, m.Responsible, m.Comment})
	}
	return t.tableSheet(SheetMeasures, []tableColumn{
		{"Åtgärds-ID", 10, colText}, {"Åtgärd", 40, colWrap}, {"Sektor", 30, colPlain}, {"Status", 12, colPlain},
		{"Startår", 8, colPlain}, {"Slutår", 8, colPlain}, {"Förväntad minskning (ton CO2e/år)", 16, colPlain},
		{"Ansvarig", 22, colWrap}, {"Kommentar", 36, colWrap},
	}, rows, measureChecks, measureMarks)
}

// setRow writes a row of cells; zero values stay empty, and text is written
// through SafeText, since prefilled text comes from an earlier upload.
func (t *tmpl) setRow(sheet string, row int, vals []any) error {
	for i, v := range vals {
		c := cellName(i+1, row)
		var err error
		switch x := v.(type) {
		case string:
			if x != "" {
				err = t.f.SetCellStr(sheet, c, SafeText(x))
			}
		case int:
			if x != 0 {
				err = t.f.SetCellInt(sheet, c, int64(x))
			}
		case float64:
			if x != 0 {
				err = t.f.SetCellFloat(sheet, c, x, -1, 64)
			}
		case *float64: // written even when 0
			if x != nil {
				err = t.f.SetCellFloat(sheet, c, *x, -1, 64)
			}
		case time.Time:
			if !x.IsZero() {
				if err = t.f.SetCellValue(sheet, c, x); err == nil {
					err = t.f.SetCellStyle(sheet, c, c, t.date)
				}
			}
		case nil:
		default:
			err = fmt.Errorf("template: unexpected %T", v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
