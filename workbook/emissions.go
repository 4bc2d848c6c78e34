package workbook

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

func (t *table) val(cells []string, f field) string {
	i, ok := t.cols.get(f)
	if !ok {
		return ""
	}
	return cellAt(cells, i)
}

func (t *table) ref(row int, f field) string {
	i, ok := t.cols.get(f)
	if !ok {
		return ""
	}
	return ref(i+1, row)
}

// resolve canonicalises a sector and subsector pair, remembering answers.
func (p *parser) resolve(sector, sub string) sectorNames {
	k := [2]string{sector, sub}
	if n, ok := p.names[k]; ok {
		return n
	}
	n := sectorNames{sector: sector, subsector: sub}
	if s, ok := klimatrapport.MainSector(sector); ok {
		n.sector, n.sectorOK = s, true
		if ss, ok := klimatrapport.Subsector(s, sub); ok {
			n.subsector, n.subOK = ss, true
		}
	}
	if len(p.names) < 10000 {
		p.names[k] = n
	}
	return n
}

func (p *parser) resolveGas(g string) gasName {
	if n, ok := p.gases[g]; ok {
		return n
	}
	n := gasName{gas: g}
	if c, ok := klimatrapport.Gas(g); ok {
		n = gasName{gas: c, ok: true}
	}
	if len(p.gases) < 1000 {
		p.gases[g] = n
	}
	return n
}

// checkNames reports the row-level problems of an inventory row's sector,
// subsector and gas. ok is false when the names are not usable.
func (p *parser) checkNames(sheet string, row int, t *table, n sectorNames, rawSector, rawSub string, g gasName, rawGas string) {
	switch {
	case rawSector == "":
		p.items.errorf(CodeMissingValue, sheet, t.ref(row, fSector),
			"Sektor saknas på rad %d. Välj en av SMHI:s nio huvudsektorer i listan.", row)
	case !n.sectorOK:
		p.unknownSector(sheet, t.ref(row, fSector), rawSector)
	case !n.subOK:
		p.unknownSubsector(sheet, t.ref(row, fSubsector), n.sector, rawSub)
	}
	if !g.ok {
		if !p.items.room(CodeUnknownGas) {
			p.items.errorf(CodeUnknownGas, sheet, "", "")
		} else {
			valid := append([]string{}, klimatrapport.Gases()...)
			p.items.errorf(CodeUnknownGas, sheet, t.ref(row, fGas),
				"Växthusgasen %s känns inte igen. %s Lämna cellen tom för alla växthusgaser omräknade till CO2e.",
				quote(rawGas), suggestion(rawGas, valid, "Välj en av"))
		}
	}
}

func (p *parser) unknownSubsector(sheet, cell, sector, v string) {
	if !p.items.room(CodeUnknownSubsector) {
		p.items.errorf(CodeUnknownSubsector, sheet, cell, "")
		return
	}
	subs := klimatrapport.Subsectors(sector)
	var msg string
	switch owner, ok := klimatrapport.SubsectorOwner(v); {
	case ok && owner != sector:
		msg = fmt.Sprintf("Undersektorn %s hör till sektorn %s, inte %s. Rätta Sektor eller Undersektor.", quote(v), quote(owner), quote(sector))
	case len(subs) == 0:
		msg = fmt.Sprintf("Sektorn %s redovisas bara som helhet hos SMHI och har inga undersektorer. Lämna Undersektor tom (%s är ingen undersektor).", quote(sector), quote(v))
	default:
		if c, ok := closest(v, subs); ok {
			msg = fmt.Sprintf("Undersektorn %s finns inte under %s. Menade du %s? Lämna Undersektor tom för sektorns total.", quote(v), quote(sector), quote(c))
		} else {
			msg = fmt.Sprintf("Undersektorn %s finns inte under %s. Välj en av: %s – eller lämna Undersektor tom för sektorns total.",
				quote(v), quote(sector), strings.Join(subs, "; "))
		}
	}
	p.items.errorf(CodeUnknownSubsector, sheet, cell, "%s", msg)
}

// yearInRange checks an inventory year against 1990..report year.
func (p *parser) yearInRange(y int) bool {
	return y >= klimatrapport.FirstYear && y <= p.maxYear
}

func (p *parser) yearRangeMsg(y int) string {
	if y < klimatrapport.FirstYear {
		return fmt.Sprintf("Året %d är före %d, det första år som rapporteras.", y, klimatrapport.FirstYear)
	}
	if p.reportYear != 0 {
		return fmt.Sprintf("Året %d ligger efter rapportåret %d; utsläpp kan rapporteras för %d–%d.", y, p.reportYear, klimatrapport.FirstYear, p.reportYear)
	}
	return fmt.Sprintf("Året %d har inte inträffat än.", y)
}

// value reads one inventory value cell and emits it.
func (p *parser) value(sheet string, col, row int, raw string, v klimatrapport.InventoryValue, commentCol string) error {
	cell := ref(col, row)
	v.Place = klimatrapport.Place{Sheet: sheet, Cell: cell, Row: row}
	if k, ok := notationKey(raw); ok {
		v.Notation = k
		if v.Comment == "" {
			p.items.errorf(CodeNotationNoComment, sheet, cell,
				"Notationsnyckeln %s i %s behöver en förklaring. Skriv i kolumnen Kommentar%s varför värdet saknas (%s).",
				k, cell, commentCol, notationMeaning[k])
		}
		return p.emit(v, 0, false)
	}
	x, ok := parseNumber(raw)
	if !ok {
		if formulaError(raw) {
			p.items.errorf(CodeNotANumber, sheet, cell,
				"Cellen %s innehåller felvärdet %s från en formel. Rätta formeln eller skriv in utsläppet i ton CO2e som ett tal.", cell, raw)
		} else {
			p.items.errorf(CodeNotANumber, sheet, cell,
				"Värdet %s i %s är inget tal. Skriv utsläppet i ton CO2e som ett tal (t.ex. 1234,5), eller en notationsnyckel (NO, IE, NE, C) med en förklaring i Kommentar.",
				quote(raw), cell)
		}
		return nil
	}
	return p.tonnes(sheet, cell, row, v, x)
}

// tonnes emits a value of x tonnes at cell; a negative one is an error.
func (p *parser) tonnes(sheet, cell string, row int, v klimatrapport.InventoryValue, x float64) error {
	v.Place = klimatrapport.Place{Sheet: sheet, Cell: cell, Row: row}
	if x < 0 {
		p.items.errorf(CodeNegative, sheet, cell,
			"Utsläppet %s i %s är negativt. Utsläpp rapporteras som tal från 0 och uppåt; rätta värdet (upptag från mark och skog ingår inte i rapporten).",
			swedish.Plain(x), cell)
	}
	return p.emit(v, x, true)
}

var notationMeaning = map[string]string{
	"NO": "NO = förekommer inte",
	"IE": "IE = ingår i en annan post; ange vilken",
	"NE": "NE = inte beräknat",
	"C":  "C = konfidentiellt",
}

// readEmissions reads Utsläpp in the wide or the long layout, or SMHI's
// export layout when the sheet turns out to be one.
func (p *parser) readEmissions(s sheetInfo) error {
	if p.looksLikeSMHI(s) {
		return p.readSMHI(s)
	}
	var (
		t        *table
		yearCols []int
		long     bool
		content  bool
	)
	err := p.eachRow(s, func(row int, cells []string) error {
		if t == nil {
			t = p.findHeader(s, row, cells)
			if t == nil {
				content = true
				if row > 30 {
					return errStop
				}
				return nil
			}
			_, hasYear := t.cols.get(fYear)
			_, hasValue := t.cols.get(fValue)
			long = hasYear || hasValue
			var req []field
			if long {
				req = []field{fYear, fSector, fValue}
				t.years = map[int]int{}
			} else {
				req = []field{fSector}
				if len(t.years) == 0 {
					p.items.errorf(CodeMissingColumn, s.Name, "",
						"Bladet Utsläpp har inga årskolumner i rubrikraden (rad %d). Skriv årtalen (1990, 2005, …) som rubriker till höger om Kommentar, eller använd kolumnerna År och Utsläpp (ton CO2e).", row)
				}
			}
			p.reportHeader(t, cells, req)
			for c := range t.years {
				yearCols = append(yearCols, c)
			}
			sort.Ints(yearCols)
			t.yearHit = map[int]bool{}
			return nil
		}
		if long {
			return p.longRow(t, row, cells)
		}
		return p.wideRow(t, row, cells, yearCols)
	})
	if err != nil {
		return err
	}
	if t == nil && content {
		p.noHeader(s, []field{fSector, fSubsector, fGas, fSource, fComment})
	}
	return nil
}

func (p *parser) commentCol(t *table, row int) string {
	if r := t.ref(row, fComment); r != "" {
		return " (" + r + ")"
	}
	return ""
}

func (p *parser) wideRow(t *table, row int, cells []string, yearCols []int) error {
	any := false
	for _, c := range yearCols {
		if cellAt(cells, c) != "" {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	base := p.rowValue(t, row, cells)
	commentCol := ""
	for _, c := range yearCols {
		raw := cellAt(cells, c)
		if raw == "" {
			continue
		}
		y := t.years[c]
		if !t.yearHit[c] {
			t.yearHit[c] = true
			if !p.yearInRange(y) {
				h := ref(c+1, t.header)
				p.items.errorf(CodeYearOutOfRange, t.sheet.Name, h,
					"%s Ta bort kolumnen %s (%d) eller flytta värdena till rätt år.", p.yearRangeMsg(y), colName(c+1), y)
			}
		}
		if commentCol == "" {
			commentCol = p.commentCol(t, row)
		}
		v := base
		v.Year = y
		if err := p.value(t.sheet.Name, c+1, row, raw, v, commentCol); err != nil {
			return err
		}
	}
	return nil
}

// rowValue is what an inventory row says about its values besides the
// year and the figure: sector, subsector and gas (checked), source and
// comment.
func (p *parser) rowValue(t *table, row int, cells []string) klimatrapport.InventoryValue {
	rawSector, rawSub, rawGas := t.val(cells, fSector), t.val(cells, fSubsector), t.val(cells, fGas)
	n := p.resolve(rawSector, rawSub)
	g := p.resolveGas(rawGas)
	if rawSector == "" || !n.sectorOK || !n.subOK || !g.ok {
		p.checkNames(t.sheet.Name, row, t, n, rawSector, rawSub, g, rawGas)
	}
	return klimatrapport.InventoryValue{
		Sector: n.sector, Subsector: n.subsector, Gas: g.gas,
		Source: t.val(cells, fSource), Comment: t.val(cells, fComment),
	}
}

func (p *parser) longRow(t *table, row int, cells []string) error {
	raw := t.val(cells, fValue)
	if raw == "" {
		return nil
	}
	rawYear := t.val(cells, fYear)
	if rawYear == "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, t.ref(row, fYear),
			"År saknas på rad %d. Skriv vilket år utsläppet gäller, t.ex. 2022.", row)
		return nil
	}
	y, ok := parseInt(rawYear)
	if !ok {
		c := t.ref(row, fYear)
		p.items.errorf(CodeNotAYear, t.sheet.Name, c, "År %s i %s är inget årtal. Skriv året som ett heltal, t.ex. 2022.", quote(rawYear), c)
		return nil
	}
	if !p.yearInRange(y) {
		c := t.ref(row, fYear)
		p.items.errorf(CodeYearOutOfRange, t.sheet.Name, c, "%s Rätta året i %s.", p.yearRangeMsg(y), c)
	}
	v := p.rowValue(t, row, cells)
	v.Year = y
	commentCol := ""
	if v.Comment == "" {
		commentCol = p.commentCol(t, row)
	}
	return p.value(t.sheet.Name, t.cols[fValue], row, raw, v, commentCol)
}

// SMHI's export layout, uploaded by a member: the rows of one
// municipality, or of one county for a region, read by the same reader as SMHI's national import
// (smhi.Reader), so that the same file gives the same figures either way.

// looksLikeSMHI peeks at the first rows of a sheet for SMHI's header.
func (p *parser) looksLikeSMHI(s sheetInfo) bool {
	rows, err := p.f.Rows(s.Name)
	if err != nil {
		return false
	}
	defer rows.Close()
	for n := 0; n < 30 && rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return false
		}
		for i := range cells {
			cells[i] = clean(cells[i])
		}
		if smhi.IsHeader(cells) {
			return true
		}
	}
	return false
}

// smhiUpload is the reading of one sheet in SMHI's layout.
type smhiUpload struct {
	p           *parser
	rd          *smhi.Reader
	gas, source string
	level       smhi.Level      // whose rows are the inventory: a municipality's or a county's
	area        string          // the file's municipality or county, as named in it
	others      map[string]bool // other areas of the level named, reported once each
	totals      *smhi.Checker
	levelRows   int    // data rows of the upload's level
	otherLevel  string // the first area of the other level (a county's in a municipality's upload, a municipality's in a region's)
}

// readSMHI reads a sheet in SMHI's export layout (one that looksLikeSMHI)
// holding one municipality's rows. Problems the reader finds become items;
// one in the title or header rows ends the sheet, one in a data row skips
// the row.
func (p *parser) readSMHI(s sheetInfo) error {
	p.rep.FromSMHI = true
	u := &smhiUpload{p: p, rd: smhi.NewReader(nil), level: p.smhiLevel(), others: map[string]bool{}, totals: smhi.NewChecker()}
	u.rd.StartSheet(s.Name)
	if err := p.eachRow(s, u.row); err != nil {
		return err
	}
	u.rd.EndSheet()
	u.checkTotals()
	u.checkLevel(s.Name)
	return nil
}

// checkLevel refuses a sheet with rows of the other level only: a
// municipality's export uploaded for a region, or a county's for a
// municipality, would otherwise be read as an empty inventory.
func (u *smhiUpload) checkLevel(sheet string) {
	if u.levelRows > 0 || u.otherLevel == "" {
		return
	}
	if u.level == smhi.LevelCounty {
		u.p.items.errorf(CodeWrongLevel, sheet, "",
			"Filen innehåller bara kommuners rader (till exempel %s), inte länets egna. En region laddar upp SMHI:s export för sitt län: välj länet, inte en kommun, i SMHI:s nationella emissionsdatabas och ladda upp den filen.",
			quote(u.otherLevel))
		return
	}
	u.p.items.errorf(CodeWrongLevel, sheet, "",
		"Filen innehåller bara ett läns rader (%s), inte kommunens egna. Välj er kommun i SMHI:s nationella emissionsdatabas och ladda upp den exporten.",
		quote(u.otherLevel))
}

func (u *smhiUpload) row(row int, cells []string) error {
	r, ok, err := u.rd.Row(row, cells)
	header := u.rd.Sheet().HeaderRow
	if err != nil {
		code, place, _ := smhi.PlaceOf(err)
		u.p.items.errorf(code, place.Sheet, place.Cell, "%s", klimatrapport.MessageOf(err))
		if header == 0 || header == row {
			return errStop
		}
		if r.Level == u.level {
			u.ours(r) // the row names the area even if its values are wrong
		}
		return nil
	}
	switch {
	case u.rd.Done():
		return errStop
	case header == row:
		u.start()
	case ok:
		return u.data(r)
	}
	return nil
}

// start takes what the title and header rows say: the years (the newest is
// the report year unless Uppgifter says otherwise), the gas and the release.
func (u *smhiUpload) start() {
	p, sh := u.p, u.rd.Sheet()
	for _, y := range sh.Years {
		if y > p.reportYear && p.rep.Details.ReportYear == 0 {
			p.reportYear = y
		}
	}
	if p.rep.Details.ReportYear == 0 {
		p.rep.Details.ReportYear = p.reportYear
	}
	if p.reportYear > 0 {
		p.maxYear = max(p.maxYear, p.reportYear)
	}
	u.gas, _ = klimatrapport.Gas(sh.Substance)
	u.source = "SMHI"
	if d := u.rd.ReleaseDate(); !d.IsZero() {
		u.source += " " + d.Format(time.DateOnly)
	}
}

// data takes a data row: the rows of the file's area become inventory
// values (its total is only checked against its sectors); Sweden's rows
// are skipped, and so are the counties' in a municipality's file. In a
// county's file the municipalities' rows are skipped when they lie in the
// county: SMHI's county export lists them under the county. Another area's
// rows are an error.
func (u *smhiUpload) data(r smhi.Row) error {
	switch {
	case u.level == smhi.LevelCounty && r.Level == smhi.LevelMunicipality:
		u.ourCounty(r)
		if u.otherLevel == "" {
			u.otherLevel = r.Municipality
		}
		return nil
	case u.level == smhi.LevelMunicipality && r.Level == smhi.LevelCounty:
		if u.otherLevel == "" {
			u.otherLevel = r.County
		}
		return nil
	case r.Level != u.level || !u.ours(r):
		return nil
	}
	u.levelRows++
	p, sheet := u.p, u.rd.Sheet().Name
	if r.Subsector == "" {
		u.totals.Add(r)
	}
	if r.MainSector == "" {
		return nil
	}
	if _, ok := klimatrapport.Subsector(r.MainSector, r.Subsector); !ok {
		p.unknownSubsector(sheet, ref(2, r.Row), r.MainSector, r.Subsector)
	}
	base := klimatrapport.InventoryValue{Sector: r.MainSector, Subsector: r.Subsector, Gas: u.gas, Source: u.source}
	for _, v := range r.Values {
		col, _ := u.rd.Column(v.Year)
		iv := base
		iv.Year = v.Year
		if err := p.tonnes(sheet, ref(col+1, r.Row), r.Row, iv, v.Tonnes); err != nil {
			return err
		}
	}
	return nil
}

// smhiLevel is whose rows an SMHI sheet gives: a county's when the code
// the upload is for (Uppgifter's, else the uploader's) is a county code
// (two digits), a municipality's otherwise.
func (p *parser) smhiLevel() smhi.Level {
	code := p.rep.Details.Code
	if code == "" {
		code = p.uploader
	}
	if len(code) == 2 {
		return smhi.LevelCounty
	}
	return smhi.LevelMunicipality
}

// areaName is the name a row gives for the upload's level.
func (u *smhiUpload) areaName(r smhi.Row) string {
	if u.level == smhi.LevelCounty {
		return r.County
	}
	return r.Municipality
}

// ours reports whether a row of the upload's level is of the file's area:
// the first one named, whose name is resolved to the code in Uppgifter
// unless the file has one. Another area is an error, once per name.
func (u *smhiUpload) ours(r smhi.Row) bool {
	name := u.areaName(r)
	if u.area == "" {
		u.name(name)
	} else if name != u.area {
		u.other(r, name)
		return false
	}
	return true
}

// ourCounty checks that a municipality's row in a county's file lies in
// the file's county; one of another county is an error.
func (u *smhiUpload) ourCounty(r smhi.Row) {
	if u.area == "" {
		u.name(r.County)
	} else if r.County != u.area {
		u.other(r, r.County)
	}
}

// name takes the file's area; its name becomes the report's and is
// resolved to its code unless Uppgifter gave one.
func (u *smhiUpload) name(name string) {
	p := u.p
	u.area = name
	d := &p.rep.Details
	if d.Code != "" || d.Name != "" {
		return
	}
	d.Name = name
	resolve := p.lim.NameToCode
	if u.level == smhi.LevelCounty {
		resolve = p.lim.CountyToCode
	}
	if resolve != nil {
		if code, ok := resolve(name); ok {
			d.Code = code
		}
	}
}

// other reports another area's row, once per name.
func (u *smhiUpload) other(r smhi.Row, name string) {
	if u.others[name] || len(u.others) >= 1000 {
		return
	}
	u.others[name] = true
	if u.level == smhi.LevelCounty {
		u.p.items.errorf(CodeSeveralCounties, r.Sheet, ref(3, r.Row),
			"Filen innehåller rader för flera län (%s och %s). Ta bara med ert eget läns rader (%s) och ladda upp filen igen.",
			quote(u.area), quote(name), quote(u.area))
		return
	}
	u.p.items.errorf(CodeSeveralMunicipalities, r.Sheet, ref(4, r.Row),
		"Filen innehåller rader för flera kommuner (%s och %s). Ta bara med er egen kommuns rader (%s) och ladda upp filen igen.",
		quote(u.area), quote(name), quote(u.area))
}

// checkTotals warns where the area's total differs from the sum of its
// main sectors by more than SMHI's one tolerance (smhi.TotalsTolerance).
func (u *smhiUpload) checkTotals() {
	whose := "Kommunens"
	if u.level == smhi.LevelCounty {
		whose = "Länets"
	}
	for _, m := range u.totals.Mismatches() {
		if m.Check != smhi.CheckMainSectors || m.MissingTotal {
			continue
		}
		col, _ := u.rd.Column(m.Year)
		u.p.items.warnf(CodeSumMismatch, m.Sheet, ref(col+1, m.Row),
			"%s totala utsläpp %d är %s ton men sektorerna summerar till %s ton (skillnad %s ton). Kontrollera att alla sektorer är med.",
			whose, m.Year, swedish.Plain(m.Total), swedish.Plain(m.Sum), swedish.Plain(-m.Diff))
	}
}
