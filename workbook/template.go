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
}

// templateRows is how many rows of each table sheet get drop-downs and
// validation.
const templateRows = 500

// WriteTemplate writes the Swedish reporting template (.xlsx) to w.
func WriteTemplate(w io.Writer, opts TemplateOptions) error {
	if opts.Year == 0 {
		opts.Year = time.Now().Year()
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

	header, text, date, wrap, title, code int
}

func (t *tmpl) build() error {
	f := t.f
	var err error
	if t.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F6E43"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "0B3D22", Style: 2}},
	}); err != nil {
		return err
	}
	textFmt := "@"
	if t.text, err = f.NewStyle(&excelize.Style{CustomNumFmt: &textFmt}); err != nil {
		return err
	}
	t.code = t.text
	dateFmt := "yyyy-mm-dd"
	if t.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return err
	}
	if t.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return err
	}
	if t.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
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
	steps := []func() error{t.lists, t.instructions, t.details, t.emissions, t.goals, t.plans, t.measures}
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

// Data validations of the template's cells.

func (t *tmpl) dropDown(sheet, sqref string, list int, title, msg string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	dv.SetSqrefDropList(listRef(list))
	return t.addValidation(sheet, dv, title, msg)
}

// rangeCheck accepts values of typ from lo to hi, or from lo up when hi is
// below lo.
func (t *tmpl) rangeCheck(sheet, sqref string, typ excelize.DataValidationType, lo, hi float64, title, msg string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	op := excelize.DataValidationOperatorBetween
	if hi < lo {
		op = excelize.DataValidationOperatorGreaterThanOrEqual
	}
	if err := dv.SetRange(lo, max(hi, lo), typ, op); err != nil {
		return err
	}
	if hi < lo {
		dv.Formula2 = ""
	}
	return t.addValidation(sheet, dv, title, msg)
}

func (t *tmpl) addValidation(sheet string, dv *excelize.DataValidation, title, msg string) error {
	dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
	return t.f.AddDataValidation(sheet, dv)
}

func (t *tmpl) wholeYears(sheet, sqref string) error {
	return t.rangeCheck(sheet, sqref, excelize.DataValidationTypeWhole, 1900, 2100, "Årtal", "Skriv ett årtal som ett heltal, t.ex. 2030.")
}

// decimal accepts numbers from lo to hi, or from lo up when hi is 0.
func (t *tmpl) decimal(sheet, sqref string, lo, hi float64, msg string) error {
	if hi == 0 {
		hi = lo - 1
	}
	return t.rangeCheck(sheet, sqref, excelize.DataValidationTypeDecimal, lo, hi, "Tal", msg)
}

func (t *tmpl) dateValidation(sheet, sqref string) error {
	// The days the database can store (1970-01-01 … 2105-12-31) as Excel's
	// serial numbers, so that Excel refuses what the upload would.
	return t.rangeCheck(sheet, sqref, excelize.DataValidationTypeDate, excelSerial(klimatrapport.FirstDate), excelSerial(klimatrapport.LastDate),
		"Datum", "Skriv ett datum mellan "+klimatrapport.DateRangeText()+", som ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.")
}

// headerRow writes a styled, frozen header row and column widths.
func (t *tmpl) headerRow(sheet string, titles []string, widths []float64, freezeCols int) error {
	if err := headerCells(t.f, sheet, titles, widths, t.header); err != nil {
		return err
	}
	if err := t.f.SetRowHeight(sheet, 1, 32); err != nil {
		return err
	}
	panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
	if freezeCols > 0 {
		panes = &excelize.Panes{Freeze: true, XSplit: freezeCols, YSplit: 1, TopLeftCell: cellName(freezeCols+1, 2), ActivePane: "bottomRight"}
	}
	return t.f.SetPanes(sheet, panes)
}

func (t *tmpl) instructions() error {
	s := SheetInstructions
	lines := []string{
		fmt.Sprintf("Klimatrapport %d – mall för Klimatkommunernas medlemmar", t.opts.Year),
		"",
		"Så här fyller du i mallen",
		"1. Uppgifter: skriv kommunkoden (fyra siffror enligt SCB, t.ex. 1281 för Lund; för en region länets två siffror), namn, rapportår, kontaktpersoner och datum.",
		"2. Utsläpp: en rad per sektor (och undersektor om ni har den uppdelningen), en kolumn per år. Värdena är utsläpp i ton koldioxidekvivalenter (CO2e) per år.",
		"   • Sektor är en av SMHI:s nio huvudsektorer – välj i listan. De nio sektorerna finns redan som rader.",
		"   • Undersektor: lämna tom för sektorns total. Vill ni redovisa undersektorer, lägg till en rad per undersektor och välj den i listan (SMHI:s indelning).",
		"   • Växthusgas: lämna tom för alla växthusgaser omräknade till CO2e, eller välj CO2, CH4, N2O, HFC, PFC eller SF6.",
		"   • Saknas ett värde, skriv en notationsnyckel i cellen och förklara i Kommentar: NO = förekommer inte, IE = ingår i en annan post, NE = inte beräknat, C = konfidentiellt.",
		"   • Lämna cellen tom för år ni inte rapporterar. Skriv tal med decimalkomma, t.ex. 1234,5. Negativa värden tas inte emot.",
		"   • Ni kan också lägga till årskolumner (t.ex. 2000) – skriv året som rubrik. Ett år efter rapportåret tas inte emot.",
		"   • I stället för en kolumn per år går det att använda kolumnerna År | Sektor | Undersektor | Växthusgas | Utsläpp (ton CO2e) | Källa | Kommentar, en rad per värde.",
		"3. Mål: en rad per mål. Typ är Absolut minskning, Minskning per invånare eller Nettonoll. Minskning (%) är hur många procent utsläppen ska minska från basåret till målåret (t.ex. 70). Lämna Sektor tom om målet gäller alla sektorer.",
		"4. Handlingsplan: en rad per antagen klimathandlingsplan, med datum då den antogs och vilka år den gäller.",
		"5. Åtgärder: en rad per åtgärd i handlingsplanen. Status är Planerad, Pågående, Genomförd eller Avbruten.",
		"",
		"Att tänka på",
		"• Ändra inte bladens namn eller kolumnrubrikerna – de används när filen läses in.",
		"• Formler går bra, men spara filen i Excel eller LibreOffice innan du laddar upp den så att värdena finns sparade.",
		"• Spara som Excel-arbetsbok (.xlsx). Filen får vara högst 20 MB.",
		"• Du kan också ladda upp SMHI:s export från Nationella emissionsdatabasen med bara er kommuns rader; den läses då som er inventering.",
		"• Efter uppladdningen får du en lista över fel och varningar. Ett fel stoppar hela filen; rätta och ladda upp igen. Du kan hämta din fil med felen markerade i cellerna.",
	}
	for i, l := range lines {
		if err := t.f.SetCellStr(s, cellName(1, i+1), l); err != nil {
			return err
		}
	}
	if err := t.f.SetColWidth(s, "A", "A", 140); err != nil {
		return err
	}
	if err := t.f.SetCellStyle(s, "A2", cellName(1, len(lines)), t.wrap); err != nil {
		return err
	}
	return t.f.SetCellStyle(s, "A1", "A1", t.title)
}

func (t *tmpl) details() error {
	s := SheetDetails
	if err := t.headerRow(s, []string{"Fält", "Värde"}, []float64{22, 50}, 0); err != nil {
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
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "B2"
	dv.SetInput("Kod", "Kommunens fyrsiffriga kod enligt SCB (t.ex. 1281), eller länets två siffror för en region.")
	return errors.Join(
		t.f.SetCellStyle(s, "B2", "B2", t.code),
		t.f.SetCellStyle(s, "B8", "B8", t.date),
		t.wholeYears(s, "B4"),
		t.dateValidation(s, "B8"),
		t.f.AddDataValidation(s, dv),
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

func (t *tmpl) emissions() error {
	s := SheetEmissions
	years := t.templateYears()
	titles := []string{"Sektor", "Undersektor", "Växthusgas", "Källa", "Kommentar"}
	widths := []float64{40, 44, 12, 22, 36}
	for _, y := range years {
		titles = append(titles, fmt.Sprint(y))
		widths = append(widths, 11)
	}
	if err := t.headerRow(s, titles, widths, 2); err != nil {
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
	values := excelize.NewDataValidation(true)
	values.Sqref = fmt.Sprintf("F2:%s%d", colName(5+len(years)), last)
	values.Type = "custom"
	values.Formula1 = xmlEscaper.Replace(`OR(AND(ISNUMBER(F2),F2>=0),F2="NO",F2="IE",F2="NE",F2="C")`)
	values.SetInput("Utsläpp (ton CO2e)", "Tal ≥ 0, eller NO / IE / NE / C med förklaring i Kommentar.")
	return errors.Join(
		t.dropDown(s, fmt.Sprintf("A2:A%d", last), 0, "Sektor", "Välj en av SMHI:s nio huvudsektorer i listan."),
		t.dropDown(s, fmt.Sprintf("B2:B%d", last), 1, "Undersektor", "Välj en undersektor i listan, eller lämna tom för sektorns total."),
		t.dropDown(s, fmt.Sprintf("C2:C%d", last), 2, "Växthusgas", "Välj en växthusgas i listan, eller lämna tom för alla växthusgaser (CO2e)."),
		t.addValidation(s, values, "Utsläpp",
			"Skriv utsläppet i ton CO2e som ett tal från 0 och uppåt, eller en notationsnyckel: NO, IE, NE eller C (förklara den i Kommentar)."),
	)
}

// tableSheet writes a table sheet: its header row, one row per prefilled
// item, and the cell checks made by checks for templateRows rows more
// (last is the last such row number).
func (t *tmpl) tableSheet(sheet string, titles []string, widths []float64, rows [][]any, checks func(last string) []error) error {
	if err := t.headerRow(sheet, titles, widths, 0); err != nil {
		return err
	}
	for i, r := range rows {
		if err := t.setRow(sheet, i+2, r); err != nil {
			return err
		}
	}
	return errors.Join(checks(fmt.Sprint(templateRows + len(rows)))...)
}

func (t *tmpl) goals() error {
	s := SheetGoals
	var rows [][]any
	for _, g := range t.rep.Goals {
		rows = append(rows, []any{g.ID, g.Name, g.Type, g.Sector, g.BaseYear, g.TargetYear, g.ReductionPct, g.DecidedBy, g.DecidedOn, g.Link})
	}
	return t.tableSheet(s, []string{"Mål-ID", "Mål", "Typ", "Sektor", "Basår", "Målår", "Minskning (%)", "Beslutat av", "Beslutsdatum", "Länk"},
		[]float64{10, 50, 24, 36, 9, 9, 14, 24, 14, 40}, rows, func(last string) []error {
			return []error{
				t.dropDown(s, "C2:C"+last, 4, "Typ", "Välj Absolut minskning, Minskning per invånare eller Nettonoll."),
				t.dropDown(s, "D2:D"+last, 0, "Sektor", "Välj en av SMHI:s nio huvudsektorer, eller lämna tom för alla sektorer."),
				t.wholeYears(s, "E2:F"+last),
				t.decimal(s, "G2:G"+last, 0, 100, "Skriv hur många procent utsläppen ska minska, ett tal större än 0 och högst 100."),
				t.dateValidation(s, "I2:I"+last),
				t.f.SetCellStyle(s, "I2", "I"+last, t.date),
				t.f.SetCellStyle(s, "A2", "A"+last, t.text),
			}
		})
}

func (t *tmpl) plans() error {
	s := SheetPlans
	var rows [][]any
	for _, p := range t.rep.Plans {
		rows = append(rows, []any{p.Name, p.Adopted, p.DecidedBy, p.ValidFrom, p.ValidTo, p.Link})
	}
	return t.tableSheet(s, []string{"Namn", "Antagen", "Beslutat av", "Gäller från", "Gäller till", "Länk"},
		[]float64{50, 14, 24, 12, 12, 40}, rows, func(last string) []error {
			return []error{
				t.dateValidation(s, "B2:B"+last),
				t.f.SetCellStyle(s, "B2", "B"+last, t.date),
				t.wholeYears(s, "D2:E"+last),
			}
		})
}

func (t *tmpl) measures() error {
	s := SheetMeasures
	var rows [][]any
	for _, m := range t.rep.Measures {
		rows = append(rows, []any{m.ID, m.Name, m.Sector, m.Status, m.StartYear, m.EndYear, m.ExpectedReduction, m.Responsible, m.Comment})
	}
	return t.tableSheet(s, []string{"Åtgärds-ID", "Åtgärd", "Sektor", "Status", "Startår", "Slutår", "Förväntad minskning (ton CO2e/år)", "Ansvarig", "Kommentar"},
		[]float64{11, 50, 36, 14, 9, 9, 18, 24, 40}, rows, func(last string) []error {
			return []error{
				t.dropDown(s, "C2:C"+last, 0, "Sektor", "Välj en av SMHI:s nio huvudsektorer, eller lämna tom."),
				t.dropDown(s, "D2:D"+last, 5, "Status", "Välj Planerad, Pågående, Genomförd eller Avbruten."),
				t.wholeYears(s, "E2:F"+last),
				t.decimal(s, "G2:G"+last, 0, 0, "Skriv den förväntade minskningen i ton CO2e per år, ett tal från 0 och uppåt."),
				t.f.SetCellStyle(s, "A2", "A"+last, t.text),
			}
		})
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
