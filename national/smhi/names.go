package smhi

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klimatkommunerna/klimatrapport"
)

// Names maps the place names found in files that carry names only (SMHI's
// export) to SCB codes. It is built from SCB's municipality list and knows
// the usual variants: "Lund", "Lunds kommun", "Göteborgs stad", "Malmö stad",
// "Falu kommun", "Region Gotland" (the municipality 0980), "Skåne", "Skåne
// län", "Region Skåne", "Region Jönköpings län", "Region Sörmland",
// "Västra Götalandsregionen" and so on. Matching ignores case, surrounding and
// repeated whitespace, and treats hyphens as spaces ("Upplands Väsby" =
// "Upplands-Väsby"). Diacritics are significant: Håbo and Habo are two
// municipalities.
//
// A Names is safe for concurrent lookups once built; Add* must not run
// concurrently with lookups.
type Names struct {
	munis      map[string]string // nameKey → municipality code
	counties   map[string]string // nameKey → county code
	muniByCode map[string]klimatrapport.Municipality
	ctyByCode  map[string]klimatrapport.County
	muniList   []klimatrapport.Municipality
	ctyList    []klimatrapport.County
}

// Built-in variants that the suffix rules in Municipality and County do not
// derive. Keys are written naturally; they are normalised on use.
var (
	builtinMunicipalityVariants = map[string]string{
		"Falu":           "2080", // "Falu kommun" is Falun
		"Region Gotland": "0980", // Gotland is a municipality with regional tasks
		"Malung":         "2023", // Malung-Sälen was called Malung until 2007
	}
	builtinCountyVariants = map[string]string{
		"Sörmland":                 "04", // Region Sörmland
		"Jämtland Härjedalen":      "23", // Region Jämtland Härjedalen
		"Västra Götalandsregionen": "14",
		"Gotland":                  "09", // Region Gotland also does the county's tasks
	}
)

// NewNames builds a Names from SCB's municipalities and counties (as returned
// by ParseMunicipalities). Counties missing from counties but named by a
// municipality are added.
func NewNames(munis []klimatrapport.Municipality, counties []klimatrapport.County) *Names {
	n := &Names{
		munis:      make(map[string]string, 4*len(munis)),
		counties:   make(map[string]string, 8*len(counties)),
		muniByCode: make(map[string]klimatrapport.Municipality, len(munis)),
		ctyByCode:  make(map[string]klimatrapport.County, len(counties)),
	}
	for _, c := range counties {
		n.addCounty(c)
	}
	for _, m := range munis {
		if _, ok := n.ctyByCode[m.CountyCode]; !ok && m.CountyCode != "" {
			n.addCounty(klimatrapport.County{Code: m.CountyCode, Name: m.CountyName})
		}
		if _, dup := n.muniByCode[m.Code]; dup {
			continue
		}
		n.muniByCode[m.Code] = m
		n.muniList = append(n.muniList, m)
		n.AddMunicipality(m.Name, m.Code)
	}
	for v, code := range builtinMunicipalityVariants {
		if _, ok := n.muniByCode[code]; ok {
			n.AddMunicipality(v, code)
		}
	}
	for v, code := range builtinCountyVariants {
		if _, ok := n.ctyByCode[code]; ok {
			n.AddCounty(v, code)
		}
	}
	sort.Slice(n.muniList, func(i, j int) bool { return n.muniList[i].Code < n.muniList[j].Code })
	sort.Slice(n.ctyList, func(i, j int) bool { return n.ctyList[i].Code < n.ctyList[j].Code })
	return n
}

func (n *Names) addCounty(c klimatrapport.County) {
	if _, dup := n.ctyByCode[c.Code]; dup {
		return
	}
	n.ctyByCode[c.Code] = c
	n.ctyList = append(n.ctyList, c)
	n.AddCounty(c.Name, c.Code)
	// "Skåne län" → "Skåne", "Stockholms län" → "Stockholms" (the lookup
	// drops the genitive s).
	if base, ok := cutSuffixFold(nameKey(c.Name), " län"); ok {
		n.counties[base] = c.Code
		if short, ok := strings.CutSuffix(base, "s"); ok && short != "" {
			if _, taken := n.counties[short]; !taken {
				n.counties[short] = c.Code
			}
		}
	}
}

// LoadNames reads SCB's municipality list (see ParseMunicipalities) and
// builds a Names from it.
func LoadNames(r io.Reader) (*Names, error) {
	munis, counties, err := ParseMunicipalities(r)
	if err != nil {
		return nil, err
	}
	return NewNames(munis, counties), nil
}

// AddMunicipality makes name (in any case and spacing) another name of the
// municipality with the given code. A later call for the same name wins.
func (n *Names) AddMunicipality(name, code string) {
	if k := nameKey(name); k != "" {
		n.munis[k] = code
	}
}

// AddCounty makes name another name of the county with the given code.
func (n *Names) AddCounty(name, code string) {
	if k := nameKey(name); k != "" {
		n.counties[k] = code
	}
}

// Municipality returns the 4-digit code of the municipality called name:
// its short name ("Lund"), "X kommun", "X stad", the genitive forms ("Lunds
// kommun", "Göteborgs stad"), a 4-digit code itself, or a built-in variant.
func (n *Names) Municipality(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	k := nameKey(name)
	if code, ok := n.munis[k]; ok {
		return code, true
	}
	if isDigits(k) && len(k) == 4 {
		_, ok := n.muniByCode[k]
		return k, ok
	}
	for _, suffix := range []string{" kommun", " stad", " municipality", " kommune"} {
		if base, ok := cutSuffixFold(k, suffix); ok {
			k = base
			break
		}
	}
	if base, ok := strings.CutPrefix(k, "kommun "); ok {
		k = base
	}
	return lookupGenitive(n.munis, k)
}

// County returns the 2-digit code of the county (län) called name: its
// short name ("Skåne"), "X län", "Xs län", "Region X", "Region Xs län",
// "Landstinget X", "Xs läns landsting", "X-regionen", a 2-digit code, or a
// built-in variant.
func (n *Names) County(name string) (string, bool) {
	if n == nil {
		return "", false
	}
	k := nameKey(name)
	if code, ok := n.counties[k]; ok {
		return code, true
	}
	if isDigits(k) && len(k) == 2 {
		_, ok := n.ctyByCode[k]
		return k, ok
	}
	for _, prefix := range []string{"region ", "landstinget i ", "landstinget "} {
		if base, ok := strings.CutPrefix(k, prefix); ok {
			k = base
		}
	}
	for _, suffix := range []string{" läns landsting", " läns landstingskommun", " län", "regionen", " county"} {
		if base, ok := cutSuffixFold(k, suffix); ok {
			k = strings.TrimSpace(base)
			break
		}
	}
	return lookupGenitive(n.counties, k)
}

// lookupGenitive looks k up as it is and, when it ends in s, without the s
// ("göteborgs" → "göteborg"). Names that end in s themselves ("Borås",
// "Hofors") are found by the first lookup.
func lookupGenitive(m map[string]string, k string) (string, bool) {
	if code, ok := m[k]; ok {
		return code, true
	}
	if base, ok := strings.CutSuffix(k, "s"); ok && base != "" {
		code, ok := m[base]
		return code, ok
	}
	return "", false
}

// MunicipalityByCode returns the municipality with the given code.
func (n *Names) MunicipalityByCode(code string) (klimatrapport.Municipality, bool) {
	m, ok := n.muniByCode[code]
	return m, ok
}

// CountyByCode returns the county with the given code.
func (n *Names) CountyByCode(code string) (klimatrapport.County, bool) {
	c, ok := n.ctyByCode[code]
	return c, ok
}

// Municipalities returns the municipalities, ordered by code.
func (n *Names) Municipalities() []klimatrapport.Municipality {
	return append([]klimatrapport.Municipality(nil), n.muniList...)
}

// Counties returns the counties, ordered by code.
func (n *Names) Counties() []klimatrapport.County {
	return append([]klimatrapport.County(nil), n.ctyList...)
}

// nameKey normalises a place name for matching: decomposed Swedish letters
// composed, lower case, hyphens, dashes, underscores and non-breaking spaces
// as spaces, whitespace collapsed and trimmed.
func nameKey(s string) string {
	s = composeSwedish(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '-' || r == '–' || r == '—' || r == '_' || unicode.IsSpace(r) || r == '\u00a0':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// composeSwedish composes the decomposed forms of å, ä, ö, é and ü (as some
// Mac programs write them) so that they match the composed ones.
func composeSwedish(s string) string {
	if !strings.ContainsAny(s, "\u030a\u0308\u0301") {
		return s
	}
	return swedishComposer.Replace(s)
}

var swedishComposer = strings.NewReplacer(
	"a\u030a", "å", "A\u030a", "Å",
	"a\u0308", "ä", "A\u0308", "Ä",
	"o\u0308", "ö", "O\u0308", "Ö",
	"u\u0308", "ü", "U\u0308", "Ü",
	"e\u0301", "é", "E\u0301", "É",
)

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseMunicipalities reads SCB's municipality list as a CSV file with a
// header row, such as municipality_county.csv:
//
//	municipality_code,municipality_name,municipality_name_short,county_code,county_name,county_name_short
//	0114,Upplands Väsby kommun,Upplands Väsby,01,Stockholms län,Stockholm
//
// Columns are found by their header (English or Swedish: kommunkod,
// kommunnamn, länskod, länsnamn, code, name, …), in any order. The delimiter
// (comma, semicolon or tab) is detected; the file may be UTF-8 (with or
// without BOM) or Latin-1/Windows-1252. Codes that lost their leading zero in
// a spreadsheet ("114", "1") are padded. A municipality's Name is the short
// name ("Upplands Väsby") when the file has one, else the name column with
// " kommun"/" stad" removed; a county's Name is the full name ("Stockholms
// län"). Counties are returned in code order, municipalities in file order.
func ParseMunicipalities(r io.Reader) ([]klimatrapport.Municipality, []klimatrapport.County, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, klimatrapport.Wrap(klimatrapport.Invalid, err, "Kommunlistan kunde inte läsas")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = latin1ToUTF8(data)
	}
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(string(first))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan är tom.")
		}
		return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan kunde inte läsas som CSV: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		if f, ok := municipalityColumns[headerKey(h)]; ok {
			if _, seen := col[f]; !seen {
				col[f] = i
			}
		}
	}
	if _, ok := col["code"]; !ok {
		return nil, nil, klimatrapport.E(klimatrapport.Invalid,
			"Kommunlistan saknar kolumnen för kommunkod (t.ex. \"municipality_code\" eller \"Kommunkod\") i rubrikraden.")
	}
	if _, ok := col["name"]; !ok {
		if _, ok := col["short"]; !ok {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid,
				"Kommunlistan saknar kolumnen för kommunnamn (t.ex. \"municipality_name\" eller \"Kommunnamn\") i rubrikraden.")
		}
	}
	get := func(rec []string, f string) string {
		if i, ok := col[f]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
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
		code := padCode(get(rec, "code"), 4)
		if len(code) != 4 || !isDigits(code) {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid,
				"Kommunlistan, rad %d: kommunkoden %q är inte fyra siffror.", line, get(rec, "code"))
		}
		if prev, dup := seen[code]; dup {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid,
				"Kommunlistan, rad %d: kommunkoden %s finns redan på rad %d.", line, code, prev)
		}
		seen[code] = line
		name := get(rec, "short")
		if name == "" {
			name = shortMunicipalityName(get(rec, "name"))
		}
		if name == "" {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan, rad %d: kommun %s saknar namn.", line, code)
		}
		cc := padCode(get(rec, "county_code"), 2)
		if cc == "" {
			cc = code[:2]
		}
		if cc != code[:2] {
			return nil, nil, klimatrapport.E(klimatrapport.Invalid,
				"Kommunlistan, rad %d: kommun %s (%s) kan inte ligga i län %s; kommunkoden börjar med länskoden.", line, code, name, cc)
		}
		cn := get(rec, "county_name")
		if cn == "" {
			cn = counties[cc].Name
		}
		if _, ok := counties[cc]; !ok || counties[cc].Name == "" {
			counties[cc] = klimatrapport.County{Code: cc, Name: cn}
		}
		munis = append(munis, klimatrapport.Municipality{Code: code, Name: name, CountyCode: cc, CountyName: cn})
	}
	if len(munis) == 0 {
		return nil, nil, klimatrapport.E(klimatrapport.Invalid, "Kommunlistan innehåller inga kommuner.")
	}
	out := make([]klimatrapport.County, 0, len(counties))
	for _, c := range counties {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return munis, out, nil
}

var municipalityColumns = map[string]string{
	"municipalitycode": "code", "kommunkod": "code", "code": "code", "kod": "code", "kommunid": "code",
	"municipalityname": "name", "kommunnamn": "name", "name": "name", "namn": "name", "kommun": "name",
	"municipalitynameshort": "short", "kortnamn": "short", "shortname": "short", "kommunnamnkort": "short",
	"countycode": "county_code", "länskod": "county_code", "lanskod": "county_code", "länkod": "county_code", "lankod": "county_code",
	"countyname": "county_name", "länsnamn": "county_name", "lansnamn": "county_name", "län": "county_name", "lan": "county_name",
}

// headerKey is a CSV header in lower case with only letters and digits.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(composeSwedish(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
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

func padCode(s string, n int) string {
	s = strings.TrimSpace(s)
	if s == "" || !isDigits(s) || len(s) >= n {
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

// latin1ToUTF8 decodes ISO-8859-1 (which covers å, ä, ö, é in
// Windows-1252 too).
func latin1ToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}
