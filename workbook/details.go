package workbook

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
)

// normCode turns what a person typed as a code into SCB's form: 180 → "0180",
// 1 → "01" (Excel drops leading zeros from numbers).
func normCode(s string) (string, bool) {
	if v, ok := parseNumber(s); ok && !strings.ContainsAny(s, " ") {
		if v < 0 || v != math.Trunc(v) || v > 9999 {
			return s, false
		}
		s = fmt.Sprint(int(v))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	switch len(s) {
	case 1:
		return "0" + s, true
	case 3:
		return "0" + s, true
	case 2, 4:
		return s, true
	}
	return s, false
}

// readDetails reads Uppgifter: label in the first filled cell of a row, the
// value in the cell to its right.
func (p *parser) readDetails(s sheetInfo) error {
	p.details.sheet = s.Name
	seen := map[detailField]bool{}
	yearBad := false
	d := &p.rep.Details
	err := p.eachRow(s, func(row int, cells []string) error {
		i := 0
		for i < len(cells) && cells[i] == "" {
			i++
		}
		f := matchDetail(cells[i])
		if f == dNone || f == dHeader || seen[f] {
			return nil
		}
		seen[f] = true
		val := cellAt(cells, i+1)
		ref := cellName(i+2, row)
		p.details.cells[f] = ref
		if val == "" {
			return nil
		}
		switch f {
		case dCode:
			code, ok := normCode(val)
			d.Code = code
			if !ok {
				p.items.errorf(CodeInvalidCode, s.Name, ref,
					"Koden %s är ingen kommun- eller länskod. Skriv kommunens fyrsiffriga kod (t.ex. 1281 för Lund) eller, för en region, länets tvåsiffriga kod (t.ex. 12).",
					quote(val))
			}
		case dName:
			d.Name = val
		case dReportYear:
			y, ok := parseInt(val)
			if !ok {
				yearBad = true
				p.items.errorf(CodeNotAYear, s.Name, ref, "Rapportåret %s är inget årtal. Skriv året som ett heltal, t.ex. 2024.", quote(val))
				return nil
			}
			d.ReportYear = y
			if y < klimatrapport.FirstYear || y > 2200 {
				p.items.errorf(CodeYearOutOfRange, s.Name, ref,
					"Rapportåret %d är orimligt. Skriv det år rapporten gäller, som ett årtal med fyra siffror.", y)
				return nil
			}
		case dContact:
			d.Contact = val
		case dEmail:
			d.Email = val
		case dPolitical:
			d.PoliticalContact = val
		case dDate:
			t, ok := parseDate(val, p.date1904)
			if !ok {
				p.items.errorf(CodeBadDate, s.Name, ref, "Datumet %s kan inte läsas. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.", quote(val))
				return nil
			}
			if !klimatrapport.DateInRange(t) {
				p.items.errorf(CodeDateOutOfRange, s.Name, ref, "Datumet %s ligger utanför de datum som kan sparas. Skriv ett datum mellan %s.",
					t.Format(time.DateOnly), klimatrapport.DateRangeText())
				return nil
			}
			d.Date = t
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d.Code == "" {
		p.items.errorf(CodeMissingValue, s.Name, p.details.cells[dCode],
			"Kommunkoden saknas. Skriv kommunens fyrsiffriga kod (t.ex. 1281) i kolumnen Värde på raden Kod i bladet Uppgifter.")
	}
	if d.ReportYear == 0 && !yearBad {
		p.items.errorf(CodeMissingValue, s.Name, p.details.cells[dReportYear],
			"Rapportåret saknas. Skriv det år rapporten gäller, som ett årtal med fyra siffror, i kolumnen Värde på raden Rapportår i bladet Uppgifter.")
	}
	if d.ReportYear >= klimatrapport.FirstYear && d.ReportYear <= 2200 {
		p.reportYear = d.ReportYear
		p.maxYear = d.ReportYear
	}
	return nil
}
