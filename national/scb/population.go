package scb

import (
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// PopulationMeta describes a parsed SCB population table.
type PopulationMeta struct {
	Sheet     string
	Title     string // the table's title row
	Year      int    // the year the figures are for (31 December)
	HeaderRow int    // 1-based row with "Folkmängd"
	Rows      int    // values emitted
}

// ParsePopulation reads SCB's population table BE0101 ("Folkmängd i riket,
// län och kommuner 31 december …") in SCB's xlsx layout and calls emit with
// the population of Sweden (area code "00", the row "Riket"), each county
// (2-digit code) and each municipality (4-digit code), in file order.
//
// The layout, as in be0101-population-2024.xlsx: a title row naming the
// year, a header row "Kommun | Kommunnamn | Folkmängd | …" (found by
// content; a second header line "Län | Länsnamn" may follow), then one row
// per area with the code in the first column and the name in the second;
// notes follow the table. The sheet "Totalt" is read when the workbook has
// one (the others split by sex), else the first. Codes stored as numbers,
// which lost their leading zero ("1" for 01, "114" for 0114), are padded;
// a code cell like "1281 Lund" is accepted too. A count is a whole number,
// read by klimatrapport.ParseNumber when it is typed as text ("131 590").
//
// year 0 takes the year from the title ("… 31 december 2024"); otherwise
// year is used as given. Errors are *klimatrapport.Error of kind Invalid
// naming the cell (see PlaceOf).
func ParsePopulation(r io.Reader, year int, emit func(klimatrapport.Population) error) (PopulationMeta, error) {
	book, err := xlsx.OpenReader(r, xlsx.Limits{}, xlsx.Values, excelize.Options{})
	if err != nil {
		return PopulationMeta{}, sheet.NotSpreadsheet(err)
	}
	f := book.File
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return PopulationMeta{}, sheet.Invalid(CodePopulationHeader, "", 0, 0, "Arbetsboken har inga blad.")
	}
	p := &populationParser{year: year, emit: emit, codeCol: 0, nameCol: 1, popCol: -1, seen: map[string]int{}}
	p.meta.Sheet = sheets[0]
	for _, s := range sheets {
		if sheet.HeaderKey(s) == "totalt" {
			p.meta.Sheet = s
			break
		}
	}
	name := p.meta.Sheet
	rows, err := f.Rows(name)
	if err != nil {
		return p.meta, sheet.Invalid(CodeNotSpreadsheet, name, 0, 0, "Bladet %q kunde inte läsas: %v", name, err)
	}
	defer rows.Close()
	opts := excelize.Options{RawCellValue: true}
	for row := 1; rows.Next(); row++ {
		cells, err := rows.Columns(opts)
		if err != nil {
			return p.meta, sheet.Invalid(CodeNotSpreadsheet, name, row, 0, "Blad %q, rad %d kunde inte läsas: %v", name, row, err)
		}
		more, err := p.row(row, cells)
		if err != nil {
			return p.meta, err
		}
		if !more {
			break
		}
	}
	if err := rows.Error(); err != nil {
		return p.meta, sheet.Invalid(CodeNotSpreadsheet, name, 0, 0, "Bladet %q kunde inte läsas: %v", name, err)
	}
	if p.popCol < 0 {
		return p.meta, sheet.Invalid(CodePopulationHeader, name, 0, 0,
			"Blad %q: hittar ingen rubrikrad med kolumnen \"Folkmängd\". Filen ska vara SCB:s tabell \"Folkmängd i riket, län och kommuner\" (BE0101).", name)
	}
	if p.meta.Rows == 0 {
		return p.meta, sheet.Invalid(CodePopulationNoRows, name, 0, 0, "Blad %q: tabellen har inga rader med läns- eller kommunkod.", name)
	}
	return p.meta, nil
}

// populationParser reads the rows of the table's sheet.
type populationParser struct {
	year                     int // as given; 0: from the title
	emit                     func(klimatrapport.Population) error
	meta                     PopulationMeta
	codeCol, nameCol, popCol int            // popCol < 0 until the header row
	seen                     map[string]int // code → row
}

// row takes one row; more is false when the rest of the sheet is not
// looked at (no header in the first rows).
func (p *populationParser) row(row int, cells []string) (more bool, err error) {
	if p.popCol >= 0 {
		return true, p.dataRow(row, cells)
	}
	if col := populationColumn(cells, p.year); col >= 0 {
		return true, p.header(row, cells, col)
	}
	if p.meta.Title == "" {
		for _, c := range cells {
			if strings.Contains(strings.ToLower(c), "folkmängd") {
				p.meta.Title = strings.TrimSpace(c)
				if p.year == 0 {
					p.meta.Year = titleYear(p.meta.Title)
				}
				break
			}
		}
	}
	return row < sheet.TitleRows, nil
}

// header takes the header row, whose column col holds the population.
func (p *populationParser) header(row int, cells []string, col int) error {
	p.popCol, p.meta.HeaderRow = col, row
	for i, c := range cells[:col] {
		switch sheet.HeaderKey(c) {
		case "kommun", "län", "region", "kod", "regionkod", "kommunkod", "länskod":
			p.codeCol = i
		case "kommunnamn", "länsnamn", "namn", "regionnamn":
			p.nameCol = i
		}
	}
	if p.meta.Year == 0 {
		p.meta.Year = p.year
	}
	if p.meta.Year == 0 {
		return sheet.Invalid(CodePopulationYear, p.meta.Sheet, row, 0,
			"Blad %q: hittar inget år i tabellens titel (t.ex. \"Folkmängd … 31 december 2024\"). Ange året när du läser in filen.", p.meta.Sheet)
	}
	return nil
}

// dataRow emits the population of a row with an area code; other rows
// (sub-header lines, empty rows, notes) are skipped.
func (p *populationParser) dataRow(row int, cells []string) error {
	name := p.meta.Sheet
	code, ok := populationCode(cells, p.codeCol, p.nameCol)
	if !ok {
		if c := cellAt(cells, p.codeCol); startsWithDigit(c) && len(strings.TrimSpace(c)) <= 6 {
			return sheet.Invalid(CodePopulationBadCode, name, row, p.codeCol+1,
				"Blad %q, cell %s: %q är ingen läns- eller kommunkod. Koden ska ha två (län) eller fyra (kommun) siffror.",
				name, sheet.CellName(p.codeCol+1, row), c)
		}
		return nil
	}
	raw := strings.TrimSpace(cellAt(cells, p.popCol))
	persons, ok := parsePersons(raw)
	if !ok {
		return sheet.Invalid(CodePopulationNumber, name, row, p.popCol+1,
			"Blad %q, cell %s: folkmängden %q för %s är inte ett heltal.", name, sheet.CellName(p.popCol+1, row), raw, code)
	}
	if prev, dup := p.seen[code]; dup {
		return sheet.Invalid(CodePopulationDupCode, name, row, p.codeCol+1,
			"Blad %q, cell %s: koden %s finns redan på rad %d.", name, sheet.CellName(p.codeCol+1, row), code, prev)
	}
	p.seen[code] = row
	if err := p.emit(klimatrapport.Population{AreaCode: code, Year: p.meta.Year, Persons: persons}); err != nil {
		return err
	}
	p.meta.Rows++
	return nil
}

// parsePersons reads a count of people: a whole number from 0 to 10^12.
func parsePersons(raw string) (int64, bool) {
	if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return n, n >= 0
	}
	v, ok := klimatrapport.ParseNumber(raw)
	if !ok || v < 0 || v != math.Trunc(v) || v > 1e12 {
		return 0, false
	}
	return int64(v), true
}

func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// populationColumn returns the column headed "Folkmängd" (or, when year is
// given, headed by that year, as in SCB's database exports), or -1.
func populationColumn(cells []string, year int) int {
	for i, c := range cells {
		k := sheet.HeaderKey(c)
		if k == "folkmängd" || strings.HasPrefix(k, "folkmängd31") || (year != 0 && sheet.ParseYear(c) == year && i > 0) {
			return i
		}
	}
	return -1
}

// populationCode returns the area code of a data row: "00" for Riket, a
// padded county or municipality code, or false.
func populationCode(cells []string, codeCol, nameCol int) (string, bool) {
	code := strings.TrimSpace(cellAt(cells, codeCol))
	if code == "" {
		switch sheet.HeaderKey(cellAt(cells, nameCol)) {
		case "riket", "helariket", "sverige", "totalt":
			return SwedenCode, true
		}
		return "", false
	}
	// "1281 Lund", "00 Riket"
	if i := strings.IndexAny(code, " \u00a0"); i > 0 && sheet.IsDigits(code[:i]) {
		code = code[:i]
	}
	code = strings.TrimSuffix(code, ".0")
	if !sheet.IsDigits(code) {
		if k := sheet.HeaderKey(code); k == "riket" || k == "sverige" {
			return SwedenCode, true
		}
		return "", false
	}
	switch len(code) {
	case 1, 2:
		return padCode(code, 2), true
	case 3, 4:
		return padCode(code, 4), true
	}
	return "", false
}

func startsWithDigit(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// titleYear returns the last plausible year in a title such as "Folkmängd i
// riket, län och kommuner 31 december och befolkningsförändringar 1 januari
// - 31 december 2024. Totalt", or 0.
func titleYear(s string) int {
	year := 0
	for i := 0; i+4 <= len(s); i++ {
		if (i > 0 && s[i-1] >= '0' && s[i-1] <= '9') || (i+4 < len(s) && s[i+4] >= '0' && s[i+4] <= '9') {
			continue
		}
		if y := sheet.ParseYear(s[i : i+4]); y != 0 {
			year = y
		}
	}
	return year
}
