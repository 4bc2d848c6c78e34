package scb

import (
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
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
	if sheet.IsDigits(k) && len(k) == 4 {
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
	if sheet.IsDigits(k) && len(k) == 2 {
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
	s = sheet.ComposeSwedish(s)
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

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}
