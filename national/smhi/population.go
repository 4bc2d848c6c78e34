package smhi

import (
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
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
// a code cell like "1281 Lund" is accepted too.
//
// year 0 takes the year from the title ("… 31 december 2024"); otherwise
// year is used as given. Errors are *klimatrapport.Error of kind Invalid
// naming the cell, with a *ParseError cause.
func ParsePopulation(r io.Reader, year int, emit func(klimatrapport.Population) error) (PopulationMeta, error) {
	var meta PopulationMeta
	f, err := excelize.OpenReader(r)
	if err != nil {
		return meta, notSpreadsheet(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return meta, invalid(CodePopulationHeader, "", 0, 0, "Arbetsboken har inga blad.")
	}
	meta.Sheet = sheets[0]
	for _, s := range sheets {
		if headerKey(s) == "totalt" {
			meta.Sheet = s
			break
		}
	}
	sheet := meta.Sheet
	rows, err := f.Rows(sheet)
	if err != nil {
		return meta, invalid(CodeNotSpreadsheet, sheet, 0, 0, "Bladet %q kunde inte läsas: %v", sheet, err)
	}
	defer rows.Close()

	opts := excelize.Options{RawCellValue: true}
	codeCol, nameCol, popCol := 0, 1, -1
	seen := map[string]int{}
	row := 0
	for rows.Next() {
		row++
		cells, err := rows.Columns(opts)
		if err != nil {
			return meta, invalid(CodeNotSpreadsheet, sheet, row, 0, "Blad %q, rad %d kunde inte läsas: %v", sheet, row, err)
		}
		if popCol < 0 {
			if col := populationColumn(cells, year); col >= 0 {
				popCol, meta.HeaderRow = col, row
				for i, c := range cells[:col] {
					switch headerKey(c) {
					case "kommun", "län", "region", "kod", "regionkod", "kommunkod", "länskod":
						codeCol = i
					case "kommunnamn", "länsnamn", "namn", "regionnamn":
						nameCol = i
					}
				}
				if meta.Year == 0 {
					meta.Year = year
				}
				if meta.Year == 0 {
					return meta, invalid(CodePopulationYear, sheet, row, 0,
						"Blad %q: hittar inget år i tabellens titel (t.ex. \"Folkmängd … 31 december 2024\"). Ange året när du läser in filen.", sheet)
				}
				continue
			}
			if meta.Title == "" {
				for _, c := range cells {
					if strings.Contains(strings.ToLower(c), "folkmängd") {
						meta.Title = strings.TrimSpace(c)
						if year == 0 {
							meta.Year = titleYear(meta.Title)
						}
						break
					}
				}
			}
			if row >= maxTitleRows {
				break
			}
			continue
		}
		code, ok := populationCode(cells, codeCol, nameCol)
		if !ok {
			if codeCol < len(cells) && startsWithDigit(cells[codeCol]) && len(strings.TrimSpace(cells[codeCol])) <= 6 {
				return meta, invalid(CodePopulationBadCode, sheet, row, codeCol+1,
					"Blad %q, cell %s: %q är ingen läns- eller kommunkod. Koden ska ha två (län) eller fyra (kommun) siffror.",
					sheet, cellName(codeCol+1, row), cells[codeCol])
			}
			continue // sub-header lines, empty rows and notes
		}
		raw := ""
		if popCol < len(cells) {
			raw = strings.TrimSpace(cells[popCol])
		}
		persons, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			v, ferr := strconv.ParseFloat(raw, 64)
			if lv, ok := parseLooseFloat(raw); ferr != nil && ok {
				v, ferr = lv, nil
			}
			if ferr != nil || v < 0 || v != math.Trunc(v) || v > 1e12 {
				return meta, invalid(CodePopulationNumber, sheet, row, popCol+1,
					"Blad %q, cell %s: folkmängden %q för %s är inte ett heltal.", sheet, cellName(popCol+1, row), raw, code)
			}
			persons = int64(v)
		}
		if prev, dup := seen[code]; dup {
			return meta, invalid(CodePopulationDupCode, sheet, row, codeCol+1,
				"Blad %q, cell %s: koden %s finns redan på rad %d.", sheet, cellName(codeCol+1, row), code, prev)
		}
		seen[code] = row
		if err := emit(klimatrapport.Population{AreaCode: code, Year: meta.Year, Persons: persons}); err != nil {
			return meta, err
		}
		meta.Rows++
	}
	if err := rows.Error(); err != nil {
		return meta, invalid(CodeNotSpreadsheet, sheet, 0, 0, "Bladet %q kunde inte läsas: %v", sheet, err)
	}
	if popCol < 0 {
		return meta, invalid(CodePopulationHeader, sheet, 0, 0,
			"Blad %q: hittar ingen rubrikrad med kolumnen \"Folkmängd\". Filen ska vara SCB:s tabell \"Folkmängd i riket, län och kommuner\" (BE0101).", sheet)
	}
	if meta.Rows == 0 {
		return meta, invalid(CodePopulationNoRows, sheet, 0, 0, "Blad %q: tabellen har inga rader med läns- eller kommunkod.", sheet)
	}
	return meta, nil
}

// populationColumn returns the column headed "Folkmängd" (or, when year is
// given, headed by that year, as in SCB's database exports), or -1.
func populationColumn(cells []string, year int) int {
	for i, c := range cells {
		k := headerKey(c)
		if k == "folkmängd" || strings.HasPrefix(k, "folkmängd31") || (year != 0 && parseYear(c) == year && i > 0) {
			return i
		}
	}
	return -1
}

// populationCode returns the area code of a data row: "00" for Riket, a
// padded county or municipality code, or false.
func populationCode(cells []string, codeCol, nameCol int) (string, bool) {
	code := ""
	if codeCol < len(cells) {
		code = strings.TrimSpace(cells[codeCol])
	}
	if code == "" {
		if nameCol < len(cells) {
			switch headerKey(cells[nameCol]) {
			case "riket", "helariket", "sverige", "totalt":
				return SwedenCode, true
			}
		}
		return "", false
	}
	// "1281 Lund", "00 Riket"
	if i := strings.IndexAny(code, " \u00a0"); i > 0 && isDigits(code[:i]) {
		code = code[:i]
	}
	code = strings.TrimSuffix(code, ".0")
	if !isDigits(code) {
		if k := headerKey(code); k == "riket" || k == "sverige" {
			return SwedenCode, true
		}
		return "", false
	}
	switch len(code) {
	case 1, 2:
		code = padCode(code, 2)
		if code == SwedenCode {
			return SwedenCode, true
		}
		return code, true
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
		if y := parseYear(s[i : i+4]); y != 0 {
			year = y
		}
	}
	return year
}
