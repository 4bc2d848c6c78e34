package scb

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// ParseMunicipalities reads SCB's municipality list as a CSV file with a
// header row, such as municipality_county.csv:
//
//	municipality_code,municipality_name,municipality_name_short,county_code,county_name,county_name_short
//	0114,Upplands Väsby kommun,Upplands Väsby,01,Stockholms län,Stockholm
//
// Columns are found by their header (English or Swedish: kommunkod,
// kommunnamn, länskod, länsnamn, code, name, …), in any order. The delimiter
// (comma, semicolon or tab) is detected; the file may be UTF-8 (with or
// without BOM) or Windows-1252 (which includes Latin-1's å, ä, ö, é, and
// also "–" and other characters Latin-1 lacks). Codes that lost their
// leading zero in a spreadsheet ("114", "1") are padded. A municipality's
// Name is the short name ("Upplands Väsby") when the file has one, else the
// name column with " kommun"/" stad" removed; a county's Name is the full
// name ("Stockholms län"). Counties are returned in code order,
// municipalities in file order.
func ParseMunicipalities(r io.Reader) ([]klimatrapport.Municipality, []klimatrapport.County, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, klimatrapport.Wrap(klimatrapport.Invalid, err, "Kommunlistan kunde inte läsas")
	}
	if data, err = toUTF8(data); err != nil {
		return nil, nil, klimatrapport.Wrap(klimatrapport.Invalid, err, "Kommunlistan kunde inte läsas")
	}
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(string(first))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cols, err := municipalityHeader(cr)
	if err != nil {
		return nil, nil, err
	}
	var munis []klimatrapport.Municipality
	counties := map[string]klimatrapport.County{}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan kan inte läsas som CSV: %v", err)
		}
		line, _ := cr.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		m, err := cols.municipality(rec, line, seen, counties)
		if err != nil {
			return nil, nil, err
		}
		munis = append(munis, m)
	}
	if len(munis) == 0 {
		return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan innehåller inga kommuner.")
	}
	out := slices.Collect(maps.Values(counties))
	slices.SortFunc(out, func(a, b klimatrapport.County) int { return strings.Compare(a.Code, b.Code) })
	return munis, out, nil
}

// toUTF8 drops a UTF-8 byte order mark, and decodes a file that is not
// UTF-8 as Windows-1252 (a superset of Latin-1's printable characters).
func toUTF8(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, nil
	}
	return charmap.Windows1252.NewDecoder().Bytes(data)
}

// municipalityCols is where the fields are in a municipality list.
type municipalityCols map[string]int

var municipalityColumns = map[string]string{
	"municipalitycode": "code", "kommunkod": "code", "code": "code", "kod": "code", "kommunid": "code",
	"municipalityname": "name", "kommunnamn": "name", "name": "name", "namn": "name", "kommun": "name",
	"municipalitynameshort": "short", "kortnamn": "short", "shortname": "short", "kommunnamnkort": "short",
	"countycode": "county_code", "länskod": "county_code", "lanskod": "county_code", "länkod": "county_code", "lankod": "county_code",
	"countyname": "county_name", "länsnamn": "county_name", "lansnamn": "county_name", "län": "county_name", "lan": "county_name",
}

// municipalityHeader reads the header row and finds the columns; a code
// column and a name column are needed.
func municipalityHeader(cr *csv.Reader) (municipalityCols, error) {
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan är tom.")
		}
		return nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan kunde inte läsas som CSV: %v", err)
	}
	col := municipalityCols{}
	for i, h := range header {
		if f, ok := municipalityColumns[sheet.HeaderKey(h)]; ok {
			if _, seen := col[f]; !seen {
				col[f] = i
			}
		}
	}
	if _, ok := col["code"]; !ok {
		return nil, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan saknar kolumnen för kommunkod (t.ex. \"municipality_code\" eller \"Kommunkod\") i rubrikraden.")
	}
	_, name := col["name"]
	_, short := col["short"]
	if !name && !short {
		return nil, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan saknar kolumnen för kommunnamn (t.ex. \"municipality_name\" eller \"Kommunnamn\") i rubrikraden.")
	}
	return col, nil
}

func (col municipalityCols) get(rec []string, f string) string {
	if i, ok := col[f]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

// municipality reads one record of the list (on line), checking its code
// against the codes seen so far and recording its county.
func (col municipalityCols) municipality(rec []string, line int, seen map[string]int, counties map[string]klimatrapport.County) (klimatrapport.Municipality, error) {
	var m klimatrapport.Municipality
	code := padCode(col.get(rec, "code"), 4)
	if len(code) != 4 || !sheet.IsDigits(code) {
		return m, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan, rad %d: kommunkoden %q är inte fyra siffror.", line, col.get(rec, "code"))
	}
	if prev, dup := seen[code]; dup {
		return m, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan, rad %d: kommunkoden %s finns redan på rad %d.", line, code, prev)
	}
	seen[code] = line
	name := col.get(rec, "short")
	if name == "" {
		name = shortMunicipalityName(col.get(rec, "name"))
	}
	if name == "" {
		return m, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan, rad %d: kommun %s saknar namn.", line, code)
	}
	cc := padCode(col.get(rec, "county_code"), 2)
	if cc == "" {
		cc = code[:2]
	}
	if cc != code[:2] {
		return m, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan, rad %d: kommun %s (%s) kan inte ligga i län %s; kommunkoden börjar med länskoden.", line, code, name, cc)
	}
	cn := col.get(rec, "county_name")
	if cn == "" {
		cn = counties[cc].Name
	}
	if counties[cc].Name == "" {
		counties[cc] = klimatrapport.County{Code: cc, Name: cn}
	}
	return klimatrapport.Municipality{Code: code, Name: name, CountyCode: cc, CountyName: cn}, nil
}

// shortMunicipalityName turns an official name into the short one: " kommun"
// or " stad" removed, and the genitive s with it ("Lunds kommun" → "Lund",
// "Göteborgs stad" → "Göteborg"), except where the s belongs to the name:
// after a vowel ("Borås", "Vännäs") and in "-fors" ("Hofors"). Irregular
// names ("Falu kommun") keep their form; Names knows them as variants.
func shortMunicipalityName(s string) string {
	for _, suffix := range []string{" kommun", " stad"} {
		base, ok := cutSuffixFold(s, suffix)
		if !ok {
			continue
		}
		base = strings.TrimSpace(base)
		stem, ok := strings.CutSuffix(base, "s")
		if !ok || stem == "" || strings.HasSuffix(strings.ToLower(base), "fors") {
			return base
		}
		if r, _ := utf8.DecodeLastRuneInString(stem); strings.ContainsRune("aeiouyåäöéAEIOUYÅÄÖ", r) {
			return base
		}
		return stem
	}
	return s
}

// padCode pads a code that lost its leading zero in a spreadsheet to n
// digits.
func padCode(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" || !sheet.IsDigits(s) || len(s) >= n {
		return s
	}
	// A county code has two digits and a municipality code four: a code
	// one or two digits short lost its leading zero in a spreadsheet.
	if n == 4 && len(s) < 3 {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

func sniffDelimiter(header string) rune {
	best, bestN := ',', strings.Count(header, ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(header, string(d)); c > bestN {
			best, bestN = d, c
		}
	}
	return best
}
