package workbook

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
)

// colMap maps a field to its 1-based column; 0 means absent.
type colMap [fFieldValue + 1]int

// get returns the 0-based column of f.
func (m *colMap) get(f field) (int, bool) {
	if m[f] == 0 {
		return 0, false
	}
	return m[f] - 1, true
}

// table is a header row found in a sheet.
type table struct {
	sheet   sheetInfo
	header  int // row number
	cols    colMap
	years   map[int]int // wide Utsläpp: 0-based column → year
	yearHit map[int]bool
	first   int // first column of the table, 0-based
}

// findHeader tries to read cells as the header row of kind; it returns nil
// when the row does not look like one.
func (p *parser) findHeader(s sheetInfo, row int, cells []string) *table {
	t := &table{sheet: s, header: row, years: map[int]int{}, first: -1}
	matched := 0
	for i, c := range cells {
		if c == "" {
			continue
		}
		if f := matchColumn(s.Kind, c); f != fNone {
			if _, dup := t.cols.get(f); !dup {
				t.cols[f] = i + 1
			}
			matched++
			if t.first < 0 {
				t.first = i
			}
			continue
		}
		if s.Kind == kindEmissions {
			if y, ok := isYearHeader(c); ok {
				t.years[i] = y
				if t.first < 0 {
					t.first = i
				}
			}
		}
	}
	switch s.Kind {
	case kindEmissions:
		if _, ok := t.cols.get(fSector); ok && (len(t.years) > 0 || matched >= 3) {
			return t
		}
		return nil
	}
	if matched >= 2 {
		return t
	}
	return nil
}

// reportHeader warns about header cells the parser does not read and
// reports the required columns the header lacks.
func (p *parser) reportHeader(t *table, cells []string, required []field) {
	used := map[int]bool{}
	for _, i := range t.cols {
		if i > 0 {
			used[i-1] = true
		}
	}
	for i := range t.years {
		used[i] = true
	}
	for i, c := range cells {
		if c == "" || used[i] {
			continue
		}
		if f := matchColumn(t.sheet.Kind, c); f != fNone {
			p.items.warnf(CodeUnknownColumn, t.sheet.Name, cellName(i+1, t.header),
				"Kolumnen %s finns två gånger; bara den första (kolumn %s) läses. Ta bort eller byt namn på den här.",
				quote(c), colName(t.cols[f]))
			continue
		}
		p.items.warnf(CodeUnknownColumn, t.sheet.Name, cellName(i+1, t.header),
			"Kolumnrubriken %s känns inte igen, så kolumnen läses inte. Använd mallens rubriker om kolumnen ska läsas in.", quote(c))
	}
	for _, f := range required {
		if _, ok := t.cols.get(f); !ok {
			p.items.errorf(CodeMissingColumn, t.sheet.Name, "",
				"Kolumnen %s saknas i rubrikraden (rad %d) i bladet %s. Lägg till den (se mallen).",
				fieldTitle[f], t.header, t.sheet.Name)
		}
	}
}

// noHeader reports a sheet with content but no header row.
func (p *parser) noHeader(s sheetInfo, required []field) {
	names := make([]string, len(required))
	for i, f := range required {
		names[i] = fieldTitle[f]
	}
	p.items.errorf(CodeMissingColumn, s.Name, "",
		"Bladet %s har innehåll men ingen rubrikrad med mallens kolumnrubriker (minst %s). Lägg till rubrikraden från mallen överst i bladet.",
		s.Name, strings.Join(names, ", "))
}

var requiredColumns = map[sheetKind][]field{
	kindGoals:    {fGoalName, fGoalType, fBaseYear, fTargetYear, fReduction},
	kindPlans:    {fPlanName, fValidFrom, fValidTo},
	kindMeasures: {fMeasureName, fStatus},
}

// readTable reads Mål, Handlingsplan or Åtgärder.
func (p *parser) readTable(s sheetInfo) error {
	var t *table
	content := false
	ids := map[string]string{}
	err := p.eachRow(s, func(row int, cells []string) error {
		if t == nil {
			if t = p.findHeader(s, row, cells); t != nil {
				p.reportHeader(t, cells, requiredColumns[s.Kind])
				return nil
			}
			content = true
			if row > 30 {
				return errStop
			}
			return nil
		}
		switch s.Kind {
		case kindGoals:
			p.goalRow(t, row, cells, ids)
		case kindPlans:
			p.planRow(t, row, cells)
		case kindMeasures:
			p.measureRow(t, row, cells, ids)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t == nil && content {
		p.noHeader(s, requiredColumns[s.Kind])
	}
	return nil
}

// get returns the cleaned value of field f in a data row and its cell.
func (t *table) get(cells []string, row int, f field) (string, string) {
	i, ok := t.cols.get(f)
	if !ok {
		return "", ""
	}
	return cellAt(cells, i), cellName(i+1, row)
}

// rowPlace is where a data row starts, for items about the whole row.
func (t *table) rowPlace(row int) klimatrapport.Place {
	first := max(t.first, 0)
	return klimatrapport.Place{Sheet: t.sheet.Name, Cell: cellName(first+1, row), Row: row}
}

// yearField reads a year cell; ok is false (and an item added) when the cell
// is filled but is not a whole number.
func (p *parser) yearField(t *table, cells []string, row int, f field) (int, string, bool) {
	v, ref := t.get(cells, row, f)
	if v == "" {
		return 0, ref, false
	}
	y, ok := parseInt(v)
	if !ok || y < 1000 || y > 9999 {
		p.items.errorf(CodeNotAYear, t.sheet.Name, ref, "%s %s i %s är inget årtal. Skriv året som ett heltal med fyra siffror, t.ex. 2030.",
			fieldTitle[f], quote(v), ref)
		return 0, ref, false
	}
	return y, ref, true
}

// dateField reads a date cell; a cell that holds no date gets an item.
func (p *parser) dateField(t *table, cells []string, row int, f field) time.Time {
	v, ref := t.get(cells, row, f)
	if v == "" {
		return time.Time{}
	}
	d, ok := parseDate(v, p.date1904)
	if !ok {
		p.items.errorf(CodeBadDate, t.sheet.Name, ref, "%s %s i %s kan inte läsas som ett datum. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2023-06-14.",
			fieldTitle[f], quote(v), ref)
		return time.Time{}
	}
	if !klimatrapport.DateInRange(d) {
		p.items.errorf(CodeDateOutOfRange, t.sheet.Name, ref, "%s %s i %s ligger utanför de datum som kan sparas. Skriv ett datum mellan %s.",
			fieldTitle[f], d.Format(time.DateOnly), ref, klimatrapport.DateRangeText())
		return time.Time{}
	}
	return d
}

// requireField reads a cell that must be filled in when its column is
// there; what names the value in the message.
func (p *parser) requireField(t *table, cells []string, row int, f field, what string) string {
	v, ref := t.get(cells, row, f)
	if v == "" && ref != "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "%s saknas i %s. Fyll i %s på rad %d.", fieldTitle[f], ref, what, row)
	}
	return v
}

// sectorField reads a Sektor cell: empty or "Alla" is every sector ("").
func (p *parser) sectorField(t *table, cells []string, row int) string {
	v, ref := t.get(cells, row, fSector)
	if v == "" || isAll(v) {
		return ""
	}
	if s, ok := klimatrapport.MainSector(v); ok {
		return s
	}
	p.unknownSector(t.sheet.Name, ref, v)
	return v
}

// checkID reads an ID cell and reports an ID already used in the sheet
// (compared without case).
func (p *parser) checkID(t *table, cells []string, row int, f field, ids map[string]string) string {
	id, ref := t.get(cells, row, f)
	if id == "" {
		return ""
	}
	if prev, ok := ids[strings.ToLower(id)]; ok {
		p.items.errorf(CodeDuplicateID, t.sheet.Name, ref, "%s %s finns redan i %s. Ge varje rad ett eget %s.",
			fieldTitle[f], quote(id), prev, fieldTitle[f])
	} else if len(ids) < 100000 {
		ids[strings.ToLower(id)] = ref
	}
	return id
}

// isYearHeader reads a header cell as an inventory year column.
func isYearHeader(s string) (int, bool) {
	y, ok := parseInt(s)
	if !ok || y < 1900 || y > 2200 {
		return 0, false
	}
	return y, true
}

// formulaError reports whether a raw value is a spreadsheet error value.
func formulaError(s string) bool {
	switch strings.ToUpper(s) {
	case "#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA":
		return true
	}
	return false
}

// notationKey reads a notation key (NO, IE, NE, C) in any case.
func notationKey(s string) (string, bool) {
	if len(s) > 2 {
		return "", false
	}
	u := strings.ToUpper(s)
	if slices.Contains(klimatrapport.NotationKeys(), u) {
		return u, true
	}
	return "", false
}

// suggestion writes "Menade du X?" or "Välj en av A, B, C."
func suggestion(got string, valid []string, lead string) string {
	if c, ok := closest(got, valid); ok {
		return fmt.Sprintf("Menade du %s? (%s: %s.)", quote(c), lead, strings.Join(valid, ", "))
	}
	return fmt.Sprintf("%s: %s.", lead, strings.Join(valid, ", "))
}

// unknownSector reports a sector name that is none of the nine, naming
// the sector a subsector belongs to or the one probably meant.
func (p *parser) unknownSector(sheet, ref, v string) {
	if !p.items.room(CodeUnknownSector) {
		p.items.errorf(CodeUnknownSector, sheet, ref, "")
		return
	}
	msg := "Sektorn " + quote(v) + " finns inte bland SMHI:s nio huvudsektorer. "
	if sub, ok := klimatrapport.SubsectorOwner(v); ok {
		msg += fmt.Sprintf("%s är en undersektor till %s: skriv %s i Sektor och %s i Undersektor.", quote(v), quote(sub), quote(sub), quote(v))
	} else {
		msg += suggestion(v, klimatrapport.MainSectors(), "Välj en av")
	}
	p.items.errorf(CodeUnknownSector, sheet, ref, "%s", msg)
}
