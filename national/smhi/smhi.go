// Package reference reads the national reference data the service compares
// members with: SMHI's national emissions database export (ParseSMHI), SCB's
// municipality list (ParseMunicipalities, Names) and SCB's population table
// BE0101 (ParsePopulation). The parsers stream: they read a workbook row by
// row with excelize's row iterator and hand each row to a callback, so a
// caller can write rows on as they come. CheckSMHITotals verifies that SMHI's
// totals equal the sums of their parts. WriteSyntheticSMHI writes large files
// in SMHI's layout for benchmarks.
//
// The package knows nothing of databases; errors are *klimatrapport.Error of
// kind Invalid with Swedish messages naming the sheet and cell, and a
// ParseError cause (see PlaceOf) for machines.
package smhi

import (
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// Level is the kind of area an SMHI row is about.
type Level string

// The levels of SMHI's export.
const (
	LevelCountry      Level = "country"      // Sweden, area code "00"
	LevelCounty       Level = "county"       // a län, 2-digit code
	LevelMunicipality Level = "municipality" // a kommun, 4-digit code
)

// SwedenCode is the area code of Sweden as a whole (as in SCB's tables).
const SwedenCode = "00"

// Substances are the substances SMHI publishes per municipality: GGT is all
// greenhouse gases in CO2 equivalents; the others are single gases (CH4,
// N2O, HFC, PFC and SF6 in CO2 equivalents).
var Substances = []string{"GGT", "CO2", "CH4", "N2O", "HFC", "PFC", "SF6"}

// SubstanceNames are the Swedish names of the substances.
var SubstanceNames = map[string]string{
	"GGT": "Växthusgaser totalt",
	"CO2": "Koldioxid",
	"CH4": "Metan",
	"N2O": "Dikväveoxid",
	"HFC": "Fluorkolväten",
	"PFC": "Perfluorkarboner",
	"SF6": "Svavelhexafluorid",
}

// YearValue is one value of an SMHI row, in the unit of the file (tonnes per
// year).
type YearValue struct {
	Year   int
	Tonnes float64
}

// SMHIRow is one data row of SMHI's export.
type SMHIRow struct {
	Sheet      string
	Row        int    // 1-based row number in the sheet
	Substance  string // GGT, CO2, CH4, N2O, HFC, PFC or SF6
	Level      Level
	AreaCode   string // "00", a 2-digit county code or a 4-digit municipality code
	CountyCode string // the county of a county or municipality row; "" for Sweden
	MainSector string // as in klimatrapport.MainSectors; "" for all sectors (SMHI's "Alla")
	Subsector  string // normalised; "" for the main sector's total (SMHI's "Alla")
	// Values holds the row's non-empty cells in column order; years whose
	// cell is empty are absent. The slice belongs to the row: keep it if you
	// like.
	Values []YearValue
}

// Value returns the value for year and whether the row has one.
func (r SMHIRow) Value(year int) (float64, bool) {
	for _, v := range r.Values {
		if v.Year == year {
			return v.Tonnes, true
		}
	}
	return 0, false
}

// SMHISheet describes one sheet of SMHI data in a workbook.
type SMHISheet struct {
	Name          string
	Substance     string // GGT, CO2, …
	SubstanceName string // as in the title, e.g. "Koldioxid (CO2)"
	Unit          string // e.g. "ton/år"
	Years         []int  // the year columns, in column order
	HeaderRow     int    // 1-based row of "Huvudsektor | Undersektor | Län | Kommun | …"
	Rows          int    // data rows emitted
}

// SMHIMeta describes a parsed SMHI export. SMHI's export has one sheet for
// one substance; a workbook with several SMHI sheets (one per substance, as
// WriteSyntheticSMHI writes) is read sheet by sheet, and the top-level
// fields other than ReportName, ReleaseDate, Rows and Normalised describe
// the first.
type SMHIMeta struct {
	ReportName    string    // e.g. "Länsrapport"
	ReleaseDate   time.Time // the date in the report name; zero when the file has none
	Substance     string
	SubstanceName string
	Unit          string
	Years         []int
	Rows          int // data rows emitted, all sheets
	Sheets        []SMHISheet
	// Normalised lists the sector and subsector spellings that were
	// corrected (SMHI's typos), each once, ordered by From.
	Normalised []Normalisation
}

// Normalisation is one corrected spelling.
type Normalisation struct {
	From string
	To   string
}

// maxTitleRows is how far into a sheet the header row is looked for. A sheet
// without it in its first maxTitleRows rows is not SMHI data and is skipped.
const maxTitleRows = 50

// ParseSMHI reads an export of SMHI's national emissions database
// (…/api/getexcelfile/?county=0&municipality=0&sub=…) and calls emit for
// each data row, in file order. It reads the title rows (report name and
// date, "Emissioner av <substance>", "Enhet: …"), the row of years and the
// header row "Huvudsektor | Undersektor | Län | Kommun | …", found by content
// (case and spacing ignored), then the data rows. Place names are turned
// into codes with names; sector names are normalised (NormalizeSector) and
// main sectors spelled as in klimatrapport.MainSectors.
//
// Errors are *klimatrapport.Error of kind Invalid with a Swedish message
// naming the sheet and the cell, with a *ParseError cause: a file that is no
// workbook, a missing header row, no year columns, text in a number column,
// an unknown county, municipality or main sector, a municipality under the
// wrong county. An error returned by emit stops the parse and is returned as
// it is. Rows emitted before an error stand; a caller that must be all or
// nothing collects or stages them.
//
// The reader is read to its end before parsing (excelize needs random access
// to the zip); rows are then streamed.
func ParseSMHI(r io.Reader, names *Names, emit func(SMHIRow) error) (SMHIMeta, error) {
	var meta SMHIMeta
	if names == nil {
		return meta, invalid(CodeNoNames, "", 0, 0, "Ortnamnslistan saknas: SMHI-filen anger kommuner och län med namn, och de kan inte översättas till koder utan SCB:s kommunlista.")
	}
	f, err := excelize.OpenReader(r)
	if err != nil {
		return meta, notSpreadsheet(err)
	}
	defer f.Close()
	p := &smhiParser{
		names:      names,
		emit:       emit,
		mains:      make(map[string]string, 16),
		subs:       make(map[string]string, 64),
		counties:   make(map[string]string, 32),
		munis:      make(map[string]string, 320),
		normalised: map[string]string{},
	}
	sheets := f.GetSheetList()
	for _, sheet := range sheets {
		sm, found, err := p.parseSheet(f, sheet)
		if err != nil {
			return meta, err
		}
		if found {
			meta.Sheets = append(meta.Sheets, sm)
			meta.Rows += sm.Rows
			if len(meta.Sheets) == 1 {
				meta.ReportName, meta.ReleaseDate = p.report, p.date
			}
		}
	}
	if len(meta.Sheets) == 0 {
		first := ""
		if len(sheets) > 0 {
			first = sheets[0]
		}
		return meta, invalid(CodeMissingHeader, first, 0, 0,
			"Hittar ingen rubrikrad \"Huvudsektor | Undersektor | Län | Kommun | årtal\" i filen. "+
				"Filen ska vara en export från SMHI:s nationella emissionsdatabas med rubrikraden oförändrad.")
	}
	s0 := meta.Sheets[0]
	meta.Substance, meta.SubstanceName, meta.Unit, meta.Years = s0.Substance, s0.SubstanceName, s0.Unit, s0.Years
	for from, to := range p.normalised {
		meta.Normalised = append(meta.Normalised, Normalisation{From: from, To: to})
	}
	sort.Slice(meta.Normalised, func(i, j int) bool { return meta.Normalised[i].From < meta.Normalised[j].From })
	return meta, nil
}

func notSpreadsheet(err error) error {
	e := invalid(CodeNotSpreadsheet, "", 0, 0, "Filen kunde inte läsas som en Excel-arbetsbok (.xlsx). Spara den som .xlsx och försök igen.")
	if ke, ok := e.(*klimatrapport.Error); ok {
		ke.Err = &wrapped{pe: ke.Err.(*ParseError), err: err}
	}
	return e
}

// wrapped keeps both the ParseError and the library's error as causes.
type wrapped struct {
	pe  *ParseError
	err error
}

func (w *wrapped) Error() string   { return w.pe.Error() + ": " + w.err.Error() }
func (w *wrapped) Unwrap() []error { return []error{w.pe, w.err} }

type smhiParser struct {
	names *Names
	emit  func(SMHIRow) error

	// Caches from a raw cell string to its meaning. SMHI's files repeat a
	// few hundred distinct strings; each is resolved once.
	mains    map[string]string // → canonical main sector, "" for Alla
	subs     map[string]string // → normalised subsector, "" for Alla
	counties map[string]string // → county code, "" for Alla
	munis    map[string]string // → municipality code, "" for Alla

	normalised map[string]string

	report string
	date   time.Time

	// The sheet being read.
	sheet     string
	substance string
	yearOf    []int // by 0-based column; 0 where the column has no year
	nYears    int
}

// parseSheet reads one sheet. found is false for a sheet without SMHI's
// header row and without anything that looks like SMHI data.
func (p *smhiParser) parseSheet(f *excelize.File, sheet string) (sm SMHISheet, found bool, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return sm, false, invalid(CodeNotSpreadsheet, sheet, 0, 0, "Bladet %q kunde inte läsas: %v", sheet, err)
	}
	defer rows.Close()
	p.sheet = sheet
	sm.Name = sheet
	var t titleInfo
	opts := excelize.Options{RawCellValue: true}
	row := 0
	for rows.Next() {
		row++
		cells, err := rows.Columns(opts)
		if err != nil {
			return sm, false, invalid(CodeNotSpreadsheet, sheet, row, 0, "Blad %q, rad %d kunde inte läsas: %v", sheet, row, err)
		}
		if sm.HeaderRow == 0 {
			if len(cells) == 0 {
				continue
			}
			if isSMHIHeader(cells) {
				sm.HeaderRow = row
				if err := p.startData(&sm, &t, cells); err != nil {
					return sm, false, err
				}
				continue
			}
			if looksLikeSMHIData(cells) {
				return sm, false, invalid(CodeMissingHeader, sheet, row, 0,
					"Blad %q: rubrikraden \"Huvudsektor | Undersektor | Län | Kommun | årtal\" saknas. "+
						"Rad %d ser ut som data men står före rubrikraden. Lägg tillbaka rubrikraden ovanför första dataraden.",
					sheet, row)
			}
			if row >= maxTitleRows {
				return sm, false, nil
			}
			t.scan(cells)
			continue
		}
		n, err := p.dataRow(cells, row)
		if err != nil {
			return sm, false, err
		}
		sm.Rows += n
	}
	if err := rows.Error(); err != nil {
		return sm, false, invalid(CodeNotSpreadsheet, sheet, 0, 0, "Bladet %q kunde inte läsas: %v", sheet, err)
	}
	return sm, sm.HeaderRow > 0, nil
}

// startData takes the header row: it finds the year of each column (in the
// header itself or in the row of years above it) and the substance.
func (p *smhiParser) startData(sm *SMHISheet, t *titleInfo, header []string) error {
	width := max(len(header), len(t.yearRow))
	p.yearOf = make([]int, width)
	p.nYears = 0
	seen := map[int]int{}
	var labels []string
	for col := 4; col < width; col++ {
		y := 0
		if col < len(header) {
			y = parseYear(header[col])
			if y == 0 && strings.TrimSpace(header[col]) != "" {
				labels = append(labels, header[col])
			}
		}
		if y == 0 && col < len(t.yearRow) {
			y = parseYear(t.yearRow[col])
		}
		if y == 0 {
			continue
		}
		if prev, dup := seen[y]; dup {
			return invalid(CodeDuplicateYear, p.sheet, sm.HeaderRow, col+1,
				"Blad %q: året %d står i två kolumner (%s och %s). Varje år får bara ha en kolumn.",
				p.sheet, y, columnName(prev+1), columnName(col+1))
		}
		seen[y] = col
		p.yearOf[col] = y
		sm.Years = append(sm.Years, y)
		p.nYears++
	}
	if p.nYears == 0 {
		return invalid(CodeNoYears, p.sheet, sm.HeaderRow, 5,
			"Blad %q: hittar inga årtal i rubrikraden (rad %d) eller i raden ovanför. Kolumnerna efter \"Kommun\" ska ha ett årtal var, t.ex. 1990, 2005, 2022.",
			p.sheet, sm.HeaderRow)
	}
	sm.SubstanceName, sm.Unit = t.substanceTitle, t.unit
	sm.Substance = detectSubstance(t.substanceTitle, p.sheet, labels)
	if sm.Substance == "" {
		return invalid(CodeUnknownSubstance, p.sheet, 0, 0,
			"Blad %q: kan inte avgöra vilket ämne bladet gäller (%s). Titelraden ska vara som i SMHI:s export, t.ex. \"Emissioner av Koldioxid (CO2)\".",
			p.sheet, strings.Join(Substances, ", "))
	}
	p.substance = sm.Substance
	if p.report == "" && p.date.IsZero() {
		p.report, p.date = t.report, t.date
	}
	return nil
}

// dataRow handles one row after the header and returns how many rows it
// emitted (0 or 1). This is the hot path: no regular expressions, no maps
// built per row; the four name cells are looked up in caches keyed by the
// raw cell text.
func (p *smhiParser) dataRow(cells []string, row int) (int, error) {
	if len(cells) < 4 || (cells[1] == "" && cells[2] == "" && cells[3] == "") {
		// Empty rows and notes below the table (text in the first column
		// only) are skipped; numbers without a row label are not.
		for col := 1; col < len(cells); col++ {
			if strings.TrimSpace(cells[col]) != "" {
				return 0, invalid(CodeBadRow, p.sheet, row, 0,
					"Blad %q, rad %d: raden har värden men saknar huvudsektor, undersektor, län eller kommun. Fyll i kolumnerna A–D (\"Alla\" för summor) eller ta bort raden.",
					p.sheet, row)
			}
		}
		return 0, nil
	}
	main, ok := p.mains[cells[0]]
	if !ok {
		var err error
		if main, err = p.resolveMain(cells[0], row); err != nil {
			return 0, err
		}
	}
	sub, ok := p.subs[cells[1]]
	if !ok {
		sub = p.resolveSub(cells[1])
	}
	county, ok := p.counties[cells[2]]
	if !ok {
		var err error
		if county, err = p.resolveCounty(cells[2], row); err != nil {
			return 0, err
		}
	}
	muni, ok := p.munis[cells[3]]
	if !ok {
		var err error
		if muni, err = p.resolveMunicipality(cells[3], row); err != nil {
			return 0, err
		}
	}

	out := SMHIRow{Sheet: p.sheet, Row: row, Substance: p.substance, MainSector: main, Subsector: sub}
	switch {
	case muni != "" && county == "":
		return 0, invalid(CodeBadRow, p.sheet, row, 3,
			"Blad %q, cell %s: kommunen %q står utan län (\"Alla\"). Ange kommunens län.", p.sheet, cellName(3, row), cells[3])
	case muni != "":
		if muni[:2] != county {
			return 0, invalid(CodeWrongCounty, p.sheet, row, 4,
				"Blad %q, cell %s: kommunen %q (%s) ligger inte i %q. Kontrollera kolumnerna Län och Kommun.",
				p.sheet, cellName(4, row), strings.TrimSpace(cells[3]), muni, strings.TrimSpace(cells[2]))
		}
		out.Level, out.AreaCode, out.CountyCode = LevelMunicipality, muni, county
	case county != "":
		out.Level, out.AreaCode, out.CountyCode = LevelCounty, county, county
	default:
		out.Level, out.AreaCode = LevelCountry, SwedenCode
	}
	if main == "" && sub != "" {
		return 0, invalid(CodeBadRow, p.sheet, row, 2,
			"Blad %q, cell %s: undersektorn %q står utan huvudsektor (\"Alla\"). Ange huvudsektorn i kolumn A.",
			p.sheet, cellName(2, row), cells[1])
	}

	if len(cells) > 4 {
		out.Values = make([]YearValue, 0, min(len(cells)-4, p.nYears))
	}
	for col := 4; col < len(cells); col++ {
		s := cells[col]
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			var ok bool
			if v, ok = parseLooseFloat(s); !ok {
				if strings.TrimSpace(s) == "" {
					continue
				}
				return 0, invalid(CodeNotANumber, p.sheet, row, col+1,
					"Blad %q, cell %s: %q är inte ett tal. Ange utsläppet i ton som ett tal (t.ex. 1234,5) eller lämna cellen tom.",
					p.sheet, cellName(col+1, row), s)
			}
		}
		y := 0
		if col < len(p.yearOf) {
			y = p.yearOf[col]
		}
		if y == 0 {
			return 0, invalid(CodeValueWithoutYear, p.sheet, row, col+1,
				"Blad %q, cell %s: värdet står i en kolumn utan årtal i rubrikraden. Ange året i rubriken eller ta bort värdet.",
				p.sheet, cellName(col+1, row))
		}
		out.Values = append(out.Values, YearValue{Year: y, Tonnes: v})
	}
	if err := p.emit(out); err != nil {
		return 0, err
	}
	return 1, nil
}

func isAll(s string) bool {
	k := headerKey(s)
	return k == "alla" || k == "totalt"
}

func (p *smhiParser) resolveMain(raw string, row int) (string, error) {
	if isAll(raw) {
		p.mains[raw] = ""
		return "", nil
	}
	if strings.TrimSpace(raw) == "" {
		return "", invalid(CodeBadRow, p.sheet, row, 1,
			"Blad %q, cell %s: huvudsektor saknas. Skriv \"Alla\" för summan av alla sektorer eller en av SMHI:s nio huvudsektorer.",
			p.sheet, cellName(1, row))
	}
	main, ok := CanonicalMainSector(raw)
	if !ok {
		return "", invalid(CodeUnknownMainSector, p.sheet, row, 1,
			"Blad %q, cell %s: okänd huvudsektor %q. Huvudsektorn ska vara \"Alla\" eller en av SMHI:s nio: %s.",
			p.sheet, cellName(1, row), raw, strings.Join(klimatrapport.MainSectors, "; "))
	}
	if main != raw {
		p.normalised[raw] = main
	}
	p.mains[raw] = main
	return main, nil
}

func (p *smhiParser) resolveSub(raw string) string {
	if isAll(raw) || strings.TrimSpace(raw) == "" {
		p.subs[raw] = ""
		return ""
	}
	sub := NormalizeSector(raw)
	if sub != raw {
		p.normalised[raw] = sub
	}
	p.subs[raw] = sub
	return sub
}

func (p *smhiParser) resolveCounty(raw string, row int) (string, error) {
	if isAll(raw) {
		p.counties[raw] = ""
		return "", nil
	}
	if strings.TrimSpace(raw) == "" {
		return "", invalid(CodeBadRow, p.sheet, row, 3,
			"Blad %q, cell %s: län saknas. Skriv \"Alla\" för hela Sverige eller länets namn.", p.sheet, cellName(3, row))
	}
	code, ok := p.names.County(raw)
	if !ok {
		return "", invalid(CodeUnknownCounty, p.sheet, row, 3,
			"Blad %q, cell %s: okänt län %q. Kontrollera stavningen; länet ska finnas i SCB:s länslista (t.ex. \"Skåne län\").",
			p.sheet, cellName(3, row), strings.TrimSpace(raw))
	}
	p.counties[raw] = code
	return code, nil
}

func (p *smhiParser) resolveMunicipality(raw string, row int) (string, error) {
	if isAll(raw) {
		p.munis[raw] = ""
		return "", nil
	}
	if strings.TrimSpace(raw) == "" {
		return "", invalid(CodeBadRow, p.sheet, row, 4,
			"Blad %q, cell %s: kommun saknas. Skriv \"Alla\" för hela länet eller kommunens namn.", p.sheet, cellName(4, row))
	}
	code, ok := p.names.Municipality(raw)
	if !ok {
		return "", invalid(CodeUnknownMunicipal, p.sheet, row, 4,
			"Blad %q, cell %s: okänd kommun %q. Kontrollera stavningen; kommunen ska finnas i SCB:s kommunlista (t.ex. \"Lund\").",
			p.sheet, cellName(4, row), strings.TrimSpace(raw))
	}
	p.munis[raw] = code
	return code, nil
}

// isSMHIHeader reports whether a row is "Huvudsektor | Undersektor | Län |
// Kommun | …", ignoring case and spacing.
func isSMHIHeader(cells []string) bool {
	if len(cells) < 4 {
		return false
	}
	if headerKey(cells[0]) != "huvudsektor" || headerKey(cells[1]) != "undersektor" || headerKey(cells[3]) != "kommun" {
		return false
	}
	k := headerKey(cells[2])
	return k == "län" || k == "lan"
}

// looksLikeSMHIData reports whether a row before the header looks like a
// data row: "Alla" or a main sector first, and a place in columns C–D.
func looksLikeSMHIData(cells []string) bool {
	if len(cells) < 4 || strings.TrimSpace(cells[2]) == "" || strings.TrimSpace(cells[3]) == "" {
		return false
	}
	if isAll(cells[0]) {
		return true
	}
	_, ok := CanonicalMainSector(cells[0])
	return ok
}

// titleInfo collects what the rows above the header say.
type titleInfo struct {
	report         string
	date           time.Time
	substanceTitle string
	unit           string
	yearRow        []string
}

func (t *titleInfo) scan(cells []string) {
	years, other := 0, 0
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if i >= 4 && parseYear(c) != 0 {
			years++
			continue
		}
		other++
		lower := strings.ToLower(c)
		next := ""
		if i+1 < len(cells) {
			next = strings.TrimSpace(cells[i+1])
		}
		switch {
		case strings.HasPrefix(lower, "rapportnamn"):
			rest := afterColon(c)
			if rest == "" {
				rest = next
			}
			name, _, _ := strings.Cut(rest, ",")
			if d, ok := findDate(rest); ok {
				t.date = d
				t.report = strings.TrimSpace(name)
			} else {
				t.report = rest
			}
		case strings.HasPrefix(lower, "enhet"):
			if t.unit = afterColon(c); t.unit == "" {
				t.unit = next
			}
		case strings.HasPrefix(lower, "emissioner av "), strings.HasPrefix(lower, "utsläpp av "):
			_, t.substanceTitle, _ = strings.Cut(c, " av ")
			t.substanceTitle = strings.TrimSpace(t.substanceTitle)
		}
		if t.date.IsZero() {
			if d, ok := findDate(c); ok {
				t.date = d
			}
		}
	}
	if years > 0 && other == 0 {
		t.yearRow = append([]string(nil), cells...)
	}
}

func afterColon(s string) string {
	_, rest, ok := strings.Cut(s, ":")
	if !ok {
		return ""
	}
	return strings.TrimSpace(rest)
}

// findDate finds the first YYYY-MM-DD in s.
func findDate(s string) (time.Time, bool) {
	for i := 0; i+10 <= len(s); i++ {
		c := s[i : i+10]
		if c[4] != '-' || c[7] != '-' || !isDigits(c[:4]) || !isDigits(c[5:7]) || !isDigits(c[8:]) {
			continue
		}
		if i+10 < len(s) && s[i+10] >= '0' && s[i+10] <= '9' {
			continue
		}
		if d, err := time.Parse("2006-01-02", c); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// parseYear returns the year in a header cell ("2022", "2022.0", " 2022 "),
// or 0.
func parseYear(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	s = strings.TrimSuffix(s, ".0")
	if len(s) != 4 || !isDigits(s) {
		return 0
	}
	y, _ := strconv.Atoi(s)
	if y < 1900 || y > 2200 {
		return 0
	}
	return y
}

// parseLooseFloat accepts what a person may have typed into a number cell
// stored as text: surrounding or thousands spaces and a decimal comma.
func parseLooseFloat(s string) (float64, bool) {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\u00a0', '\u202f', '\t':
		case ',':
			b.WriteByte('.')
		case '−': // minus sign
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	t := b.String()
	if t == "" {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// detectSubstance finds the substance from the title ("Koldioxid (CO2)"),
// the sheet name, or the labels of the header row's year columns.
func detectSubstance(title, sheet string, labels []string) string {
	for _, s := range []string{title, sheet} {
		if code := substanceIn(s); code != "" {
			return code
		}
	}
	code := ""
	for _, l := range labels {
		c := substanceIn(l)
		if c == "" || (code != "" && c != code) {
			return ""
		}
		code = c
	}
	return code
}

func substanceIn(s string) string {
	lower := strings.ToLower(s)
	if lower == "" {
		return ""
	}
	// Names first: "Växthusgaser totalt (CO2-ekv)" is GGT, not CO2.
	for _, kw := range []struct{ word, code string }{
		{"växthusgas", "GGT"}, {"ggt", "GGT"},
		{"koldioxid", "CO2"},
		{"metan", "CH4"},
		{"dikväveoxid", "N2O"}, {"lustgas", "N2O"},
		{"perfluor", "PFC"},
		{"fluorkolväte", "HFC"},
		{"svavelhexafluorid", "SF6"},
	} {
		if strings.Contains(lower, kw.word) {
			return kw.code
		}
	}
	// Then a code in parentheses, then a code as a word.
	if _, rest, ok := strings.Cut(s, "("); ok {
		if inner, _, ok := strings.Cut(rest, ")"); ok {
			if code := substanceCode(inner); code != "" {
				return code
			}
		}
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if code := substanceCode(w); code != "" {
			return code
		}
	}
	return ""
}

func substanceCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, c := range Substances {
		if s == c {
			return c
		}
	}
	return ""
}

// columnName is the letter(s) of a 1-based column.
func columnName(col int) string {
	s, _ := excelize.ColumnNumberToName(col)
	return s
}
