package workbook

import (
	"slices"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// goalRow, planRow and measureRow read one data row of Mål, Handlingsplan
// and Åtgärder; the item about a cell names that cell.
func (p *parser) goalRow(t *table, row int, cells []string, ids map[string]string) {
	g := klimatrapport.Goal{Place: t.rowPlace(row)}
	g.ID = p.checkID(t, cells, row, fGoalID, ids)
	g.Name = p.requireField(t, cells, row, fGoalName, "målet i ord")
	g.Type = p.closedField(t, cells, row, fGoalType, "måltypen", klimatrapport.GoalTypes(), CodeGoalType, "Måltypen")
	g.Sector = p.sectorField(t, cells, row)
	g.BaseYear, g.TargetYear = p.yearSpan(t, cells, row, fBaseYear, fTargetYear, false, CodeGoalYears,
		"Basåret %d måste vara tidigare än målåret %d. Rätta Basår eller Målår på rad %d.")
	if v, ref := t.get(cells, row, fBaseYear); v == "" && ref != "" && g.Type != klimatrapport.GoalNetZero {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Basår saknas i %s. Fyll i det år minskningen räknas från, t.ex. 1990.", ref)
	}
	if v, ref := t.get(cells, row, fTargetYear); v == "" && ref != "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Målår saknas i %s. Fyll i det år målet ska vara nått, t.ex. 2030.", ref)
	}
	r, v, ref, ok := p.numberField(t, cells, row, fReduction, parsePercent,
		"Minskningen %s i %s är inget tal. Skriv hur många procent utsläppen ska minska, t.ex. 70.")
	switch {
	case v == "":
		if ref != "" && g.Type != klimatrapport.GoalNetZero && g.Type != "" {
			p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Minskning (%%) saknas i %s. Skriv hur många procent utsläppen ska minska till målåret, t.ex. 70.", ref)
		}
	case !ok:
	case r <= 0 || r > 100:
		p.items.errorf(CodeGoalReduction, t.sheet.Name, ref,
			"Minskningen %s %% i %s måste vara större än 0 och högst 100. Skriv hur många procent utsläppen ska minska, t.ex. 70.",
			swedish.Plain(r), ref)
	case r <= 1:
		g.ReductionPct = r
		p.items.warnf(CodeGoalReductionShare, t.sheet.Name, ref,
			"Minskningen %s i %s ser ut som en andel. Om målet är %s %% ska cellen innehålla %s (procent, inte andel).",
			swedish.Plain(r), ref, swedish.Plain(r*100), swedish.Plain(r*100))
	default:
		g.ReductionPct = r
	}
	g.DecidedBy, _ = t.get(cells, row, fDecidedBy)
	g.DecidedOn = p.dateField(t, cells, row, fDecidedOn)
	g.Link, _ = t.get(cells, row, fLink)
	p.rep.Goals = append(p.rep.Goals, g)
}

func (p *parser) planRow(t *table, row int, cells []string) {
	pl := klimatrapport.ActionPlan{Place: t.rowPlace(row)}
	pl.Name = p.requireField(t, cells, row, fPlanName, "handlingsplanens namn")
	pl.Adopted = p.dateField(t, cells, row, fAdopted)
	pl.DecidedBy, _ = t.get(cells, row, fDecidedBy)
	pl.ValidFrom, pl.ValidTo = p.yearSpan(t, cells, row, fValidFrom, fValidTo, true, CodePlanYears,
		"Handlingsplanen gäller från %d men till %d. Rätta Gäller från eller Gäller till på rad %d.")
	pl.Link, _ = t.get(cells, row, fLink)
	p.rep.Plans = append(p.rep.Plans, pl)
}

func (p *parser) measureRow(t *table, row int, cells []string, ids map[string]string) {
	m := klimatrapport.Measure{Place: t.rowPlace(row)}
	m.ID = p.checkID(t, cells, row, fMeasureID, ids)
	m.Name = p.requireField(t, cells, row, fMeasureName, "åtgärden i ord")
	m.Sector = p.sectorField(t, cells, row)
	m.Status = p.closedField(t, cells, row, fStatus, "status", klimatrapport.MeasureStatuses(), CodeMeasureStatus, "Statusen")
	m.StartYear, m.EndYear = p.yearSpan(t, cells, row, fStartYear, fEndYear, true, CodeMeasureYears,
		"Startåret %d är senare än slutåret %d. Rätta Startår eller Slutår på rad %d.")
	x, _, ref, ok := p.numberField(t, cells, row, fExpected, parseNumber,
		"Förväntad minskning %s i %s är inget tal. Skriv hur många ton CO2e per år åtgärden väntas minska utsläppen, t.ex. 120,5, eller lämna cellen tom.")
	if ok {
		if x < 0 {
			p.items.errorf(CodeNegative, t.sheet.Name, ref,
				"Förväntad minskning %s i %s är negativ. Skriv minskningen som ett positivt tal i ton CO2e per år.", swedish.Plain(x), ref)
		}
		m.ExpectedReduction = &x
	}
	m.Responsible, _ = t.get(cells, row, fResponsible)
	m.Comment, _ = t.get(cells, row, fComment)
	p.rep.Measures = append(p.rep.Measures, m)
}

// closedField reads a required cell that holds one of words (a closed
// vocabulary: goal types, measure statuses), compared loosely, and returns
// that word. A value that is none of them is returned as typed, with an item
// of code that names it as noun and suggests the word probably meant.
func (p *parser) closedField(t *table, cells []string, row int, f field, what string, words []string, code, noun string) string {
	v := p.requireField(t, cells, row, f, what)
	if v == "" {
		return ""
	}
	if i := slices.IndexFunc(words, func(w string) bool { return looseKey(w) == looseKey(v) }); i >= 0 {
		return words[i]
	}
	_, ref := t.get(cells, row, f)
	p.items.errorf(code, t.sheet.Name, ref, "%s %s finns inte. %s", noun, quote(v), suggestion(v, words, "Välj en av"))
	return v
}

// numberField reads a number cell with parse. v is the cell's text (empty
// when the cell is) and ok whether it holds a number; when it does not, an
// item with notANumber (formatted with the quoted text and the cell) says
// so.
func (p *parser) numberField(t *table, cells []string, row int, f field, parse func(string) (float64, bool), notANumber string) (x float64, v, ref string, ok bool) {
	v, ref = t.get(cells, row, f)
	if v == "" {
		return 0, v, ref, false
	}
	if x, ok = parse(v); !ok {
		p.items.errorf(CodeNotANumber, t.sheet.Name, ref, notANumber, quote(v), ref)
	}
	return x, v, ref, ok
}

// yearSpan reads a pair of year cells, first and last. When both hold years
// and the first comes after the last (or, unless sameOK, is the same), an
// item of code says so at the first cell; format gets the two years and the
// row.
func (p *parser) yearSpan(t *table, cells []string, row int, first, last field, sameOK bool, code, format string) (from, to int) {
	from, ref, fromOK := p.yearField(t, cells, row, first)
	to, _, toOK := p.yearField(t, cells, row, last)
	if fromOK && toOK && (from > to || !sameOK && from == to) {
		p.items.errorf(code, t.sheet.Name, ref, format, from, to, row)
	}
	return from, to
}
