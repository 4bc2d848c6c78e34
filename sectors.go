package klimatrapport

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The sector tree, the gases and SMHI's substances, and how each is spelled
// in the files the service reads. This file is the only list of them: the
// template, the workbook parser, SMHI's reader, validation and the pages all
// ask the functions below. The tables are unexported; the functions return
// copies.

// sectorTree is SMHI's sector tree (huvudsektorer and their undersektorer)
// in SMHI's order, spelled as the service stores and shows them: SMHI's own
// spelling with its typos corrected (see smhiPublished). A main sector
// without subsectors is published as a total only.
var sectorTree = []struct {
	main string
	subs []string
}{
	{"Transporter", []string{
		"Personbilar",
		"Tunga lastbilar",
		"Lätta lastbilar",
		"Bussar",
		"Mopeder och motorcyklar",
		"Slitage från däck och bromsar",
		"Slitage från vägbanan",
		"Avdunstning från vägfordon",
		"Inrikes civil sjöfart (inkl privata fritidsbåtar)",
		"Inrikes flygtrafik",
		"Järnväg",
	}},
	{"Industri (energi + processer)", nil},
	{"Jordbruk", []string{
		"Djurs matsmältning",
		"Kogödsel (lagring, användning och bete)",
		"Svingödsel (lagring, användning och bete)",
		"Hästgödsel (lagring, användning och bete)",
		"Hönsgödsel (lagring, användning och bete)",
		"Fårgödsel m.m. (lagring, användning och bete)",
		"Användning av konstgödsel",
		"Skörderester som gödsel",
		"Kalkning av åkermark",
		"Odling av organogena jordar",
		"Odling av mineraljordar",
		"Indirekta utsläpp av lustgas från brukad mark",
		"Övrigt gödselmedel m.m.",
	}},
	{"El och fjärrvärme", nil},
	{"Egen uppvärmning av bostäder och lokaler", []string{
		"Bostäder",
		"Kommersiella och offentliga lokaler",
		"Jordbruks- och skogsbrukslokaler",
	}},
	{"Arbetsmaskiner", []string{
		"Skotrar och fyrhjulingar",
		"Hushållens arbetsmaskiner",
		"Kommersiella och offentliga verksamheter",
		"Jordbruk och skogsbruk",
		"Industri- och byggsektorns arbetsmaskiner (inkl vägarbeten)",
		"Fiskebåtar",
		"Övrigt (flygplatser, hamnar, m.m.)",
	}},
	{"Produktanvändning (inkl. lösningsmedel)", []string{
		"Lösningsmedelsanvändning - verksamheter",
		"Lösningsmedelsanvändning - hushåll",
		"Färg - hushåll",
		"Färg - verksamheter",
		"Smörjmedel",
		"Paraffinvax",
		"Urea för katalysatorer",
		"Lustgas från produktanvändning",
		"Användning av fluorerade gaser",
		"Övrig produktanvändning",
	}},
	{"Avfall (inkl.avlopp)", []string{
		"Avfallsdeponier",
		"Behandling av avloppsvatten",
		"Biologisk behandling av avfall",
		"Krematorier och förbränning av farligt avfall",
		"Oavsiktliga bränder",
		"Övrig avfallshantering",
	}},
	{"Utrikes transporter", []string{
		"Utrikes sjöfart inom Sveriges gränser",
		"Utrikes flyg under 1000 m höjd i svenskt luftrum",
	}},
}

// smhiPublished maps the names SMHI misspells in its export (release
// 2024-04-18) to SMHI's spelling. SMHISpelling turns each back into the
// name on the left; the test checks it does.
var smhiPublished = map[string]string{
	"Mopeder och motorcyklar":                           "Mopeder och Motorcyklar",
	"Slitage från däck och bromsar":                     "Slitage fran däck och bromsar",
	"Slitage från vägbanan":                             "Slitage fran vägbanan",
	"Avdunstning från vägfordon":                        "Avdunsting fran vägfordon",
	"Inrikes civil sjöfart (inkl privata fritidsbåtar)": "inrikes civil sjöfart (inkl privata fritidsbåtar)",
	"Hästgödsel (lagring, användning och bete)":         "Hastgödsel (lagring, användning och bete)",
	"Indirekta utsläpp av lustgas från brukad mark":     "Indirekta utsläpp av lustgas fran brukad mark",
	"Övrigt gödselmedel m.m.":                           "Övrigt gödselmedel m.m",
	"Egen uppvärmning av bostäder och lokaler":          "Egen uppärmning av bostäder och lokaler",
	"Urea för katalysatorer":                            "Urea for katalysatorer",
	"Lustgas från produktanvändning":                    "Lustgas fran produktanvändning",
	"Krematorier och förbränning av farligt avfall":     "Krematorier och förbranning av farligt avfall",
}

// smhiWordFixes are whole-word corrections of SMHI's misspellings, applied
// to any sector name SMHI publishes, so that a typo that reappears in a new
// subsector's name is fixed too. Keys are lower case.
var smhiWordFixes = map[string]string{
	"fran":        "från",
	"for":         "för",
	"uppärmning":  "uppvärmning",
	"förbranning": "förbränning",
	"hastgödsel":  "hästgödsel",
	"avdunsting":  "avdunstning",
	"motorcyklar": "motorcyklar", // "Mopeder och Motorcyklar": lower case mid-sentence
	"m.m":         "m.m.",
}

// gases are the greenhouse gases an inventory row may name, in template
// order. The empty gas means all greenhouse gases together in CO2e.
var gases = []string{"CO2", "CH4", "N2O", "HFC", "PFC", "SF6"}

// substances are the substances SMHI publishes per municipality (one
// download each): GGT is all greenhouse gases in CO2 equivalents, the others
// single gases (CH4 … SF6 in CO2 equivalents). words name the substance in
// SMHI's titles, lower case; the first substance whose word a title contains
// is the title's ("Växthusgaser totalt (CO2-ekv)" is GGT, not CO2).
var substances = []struct {
	code, name string
	words      []string
}{
	{"GGT", "Växthusgaser totalt", []string{"växthusgas", "ggt"}},
	{"CO2", "Koldioxid", []string{"koldioxid"}},
	{"CH4", "Metan", []string{"metan"}},
	{"N2O", "Dikväveoxid", []string{"dikväveoxid", "lustgas"}},
	{"PFC", "Perfluorkarboner", []string{"perfluor"}},
	{"HFC", "Fluorkolväten", []string{"fluorkolväte"}},
	{"SF6", "Svavelhexafluorid", []string{"svavelhexafluorid"}},
}

// gasAliases maps the ways a gas is written (folded by gasKey or LooseKey)
// to its code; "" is all greenhouse gases in CO2 equivalents.
var gasAliases = map[string]string{
	"": "", "alla": "", "co2e": "", "co2ekv": "", "co2-ekv": "", "co2ekvivalenter": "",
	"totalt": "", "växthusgaser": "", "växthusgasertotalt": "", "totalavaxthusgaser": "",
	"ggt": "", "allaväxthusgaser": "", "all": "", "total": "", "ghg": "",
	"co2": "CO2", "co₂": "CO2", "koldioxid": "CO2", "carbondioxide": "CO2",
	"ch4": "CH4", "ch₄": "CH4", "metan": "CH4", "methane": "CH4",
	"n2o": "N2O", "n₂o": "N2O", "lustgas": "N2O", "dikväveoxid": "N2O", "nitrousoxide": "N2O",
	"hfc": "HFC", "hfcs": "HFC", "fluorkolväten": "HFC",
	"pfc": "PFC", "pfcs": "PFC", "perfluorkolväten": "PFC", "perfluorkarboner": "PFC",
	"sf6": "SF6", "sf₆": "SF6", "svavelhexafluorid": "SF6",
}

// MainSectors returns SMHI's nine main sectors (huvudsektorer) in the order
// of templates and pages.
func MainSectors() []string {
	out := make([]string, len(sectorTree))
	for i, s := range sectorTree {
		out[i] = s.main
	}
	return out
}

// Subsectors returns the subsectors of a main sector (spelled as
// MainSectors does) in SMHI's order; none for a sector published as a total
// only or for an unknown name.
func Subsectors(main string) []string {
	for _, s := range sectorTree {
		if s.main == main {
			return slices.Clone(s.subs)
		}
	}
	return nil
}

// Gases returns the gas codes an inventory row may name, in template order.
func Gases() []string { return slices.Clone(gases) }

// Substances returns SMHI's substance codes: GGT, CO2, CH4, N2O, HFC, PFC,
// SF6.
func Substances() []string {
	out := make([]string, len(substances))
	for i, s := range substances {
		out[i] = s.code
	}
	return out
}

// SubstanceName returns the Swedish name of a substance code ("Koldioxid"),
// or "".
func SubstanceName(code string) string {
	for _, s := range substances {
		if s.code == code {
			return s.name
		}
	}
	return ""
}

// SubstanceIn returns the substance a title, sheet name or column label
// names: by its Swedish name first, then by a code in parentheses, then by a
// code as a word; "" when it names none.
func SubstanceIn(text string) string {
	lower := strings.ToLower(text)
	if lower == "" {
		return ""
	}
	for _, s := range substances {
		for _, w := range s.words {
			if strings.Contains(lower, w) {
				return s.code
			}
		}
	}
	if _, rest, ok := strings.Cut(text, "("); ok {
		if inner, _, ok := strings.Cut(rest, ")"); ok {
			if code := substanceCode(inner); code != "" {
				return code
			}
		}
	}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if code := substanceCode(w); code != "" {
			return code
		}
	}
	return ""
}

// substanceCode returns s as a substance code when it is one, in any case.
func substanceCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, sub := range substances {
		if s == sub.code {
			return s
		}
	}
	return ""
}

// SMHIPublishedSpelling returns a sector or subsector name as SMHI spells
// it in its export, typos included (for files written in SMHI's layout).
func SMHIPublishedSpelling(name string) string {
	if s, ok := smhiPublished[name]; ok {
		return s
	}
	return name
}

// SMHISpelling corrects SMHI's typos in a sector or subsector name:
// whitespace collapsed and trimmed, the misspelled words corrected ("fran" →
// "från", "uppärmning" → "uppvärmning", "for" → "för", "förbranning" →
// "förbränning", "Hastgödsel" → "Hästgödsel", "Avdunsting" → "Avdunstning",
// "Motorcyklar" → "motorcyklar", "m.m" → "m.m.") and the first letter
// capitalised. A correct name is returned as it is.
func SMHISpelling(s string) string {
	fields := strings.Fields(s)
	for i, w := range fields {
		if fix, ok := smhiWordFixes[strings.ToLower(w)]; ok {
			fields[i] = fix
		}
	}
	if len(fields) > 0 {
		fields[0] = upperFirst(fields[0])
	}
	return strings.Join(fields, " ")
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) || !unicode.IsLetter(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// LooseKey folds case, whitespace, punctuation and Swedish and other
// diacritics, so that names people and SMHI write differently compare
// equal: "Slitage fran däck" and "slitage från  däck", "Avfall (inkl.
// avlopp)" and "Avfall (inkl.avlopp)". A "+" is kept.
func LooseKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'å', 'ä', 'á', 'à', 'â':
			r = 'a'
		case 'ö', 'ø', 'ó', 'ò', 'ô':
			r = 'o'
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'ü', 'ú':
			r = 'u'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IsAll reports whether s is SMHI's aggregate marker ("Alla", also "All",
// "Total", "Totalt" in any case and spacing). An empty s is not.
func IsAll(s string) bool {
	switch LooseKey(s) {
	case "alla", "all", "total", "totalt":
		return true
	}
	return false
}

// The lookups by loose key, built once from the tables above: a name's own
// loose key, the loose key of SMHI's spelling of it and of SMHISpelling
// applied to the name all find it.
var (
	mainByLoose = map[string]string{}            // loose main sector → main sector
	subByLoose  = map[string]map[string]string{} // main sector → loose subsector → subsector
	subOwner    = map[string]string{}            // loose subsector → its main sector
)

func init() {
	keys := func(name string) []string {
		return []string{LooseKey(name), LooseKey(SMHIPublishedSpelling(name)), LooseKey(SMHISpelling(name))}
	}
	for _, s := range sectorTree {
		for _, k := range keys(s.main) {
			mainByLoose[k] = s.main
		}
		m := map[string]string{}
		for _, sub := range s.subs {
			for _, k := range keys(sub) {
				m[k] = sub
				subOwner[k] = s.main
			}
		}
		subByLoose[s.main] = m
	}
}

// MainSector returns the main sector a name means, spelled as MainSectors
// does, accepting SMHI's spellings and any difference in case, spacing,
// punctuation or diacritics.
func MainSector(name string) (string, bool) {
	s, ok := mainByLoose[LooseKey(SMHISpelling(name))]
	if !ok {
		s, ok = mainByLoose[LooseKey(name)]
	}
	return s, ok
}

// Subsector returns the subsector of main (spelled as MainSectors does)
// that name means, matched as MainSector matches. An empty name and "Alla"
// mean the sector's total: "", true.
func Subsector(main, name string) (string, bool) {
	if LooseKey(name) == "" || IsAll(name) {
		return "", true
	}
	m := subByLoose[main]
	s, ok := m[LooseKey(SMHISpelling(name))]
	if !ok {
		s, ok = m[LooseKey(name)]
	}
	return s, ok
}

// SubsectorOwner returns the main sector a subsector name belongs to, for
// hints when a subsector is written under the wrong sector.
func SubsectorOwner(name string) (string, bool) {
	s, ok := subOwner[LooseKey(name)]
	return s, ok
}

// Gas returns the gas code a gas name means ("koldioxid", "CO₂" → "CO2"),
// "" for all greenhouse gases in CO2 equivalents ("", "Alla", "CO2e",
// "GGT"), and whether it is a known name.
func Gas(name string) (string, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(name), ""))
	if g, ok := gasAliases[k]; ok {
		return g, true
	}
	g, ok := gasAliases[LooseKey(name)]
	return g, ok
}

// gpcMapping maps SMHI's main sectors and subsectors (spelled as
// MainSectors and Subsectors do) to GPC rows. An entry without a subsector
// holds a main sector's figure that is not split into subsectors: the
// whole sector for a sector mapped as one, else the row its total goes to
// when the subsectors are not known. A subsector without an entry of its
// own goes with its main sector's.
var gpcMapping = []struct{ main, sub, row string }{
	{"Transporter", "", "II.1"},
	{"Transporter", "Personbilar", "II.1"},
	{"Transporter", "Tunga lastbilar", "II.1"},
	{"Transporter", "Lätta lastbilar", "II.1"},
	{"Transporter", "Bussar", "II.1"},
	{"Transporter", "Mopeder och motorcyklar", "II.1"},
	{"Transporter", "Slitage från däck och bromsar", "II.1"},
	{"Transporter", "Slitage från vägbanan", "II.1"},
	{"Transporter", "Avdunstning från vägfordon", "II.1"},
	{"Transporter", "Inrikes civil sjöfart (inkl privata fritidsbåtar)", "II.3"},
	{"Transporter", "Inrikes flygtrafik", "II.4"},
	{"Transporter", "Järnväg", "II.2"},
	{"Industri (energi + processer)", "", "I.3"},
	{"Jordbruk", "", "V.1"},
	{"Jordbruk", "Djurs matsmältning", "V.1"},
	{"Jordbruk", "Kogödsel (lagring, användning och bete)", "V.1"},
	{"Jordbruk", "Svingödsel (lagring, användning och bete)", "V.1"},
	{"Jordbruk", "Hästgödsel (lagring, användning och bete)", "V.1"},
	{"Jordbruk", "Hönsgödsel (lagring, användning och bete)", "V.1"},
	{"Jordbruk", "Fårgödsel m.m. (lagring, användning och bete)", "V.1"},
	{"Jordbruk", "Användning av konstgödsel", "V.3"},
	{"Jordbruk", "Skörderester som gödsel", "V.3"},
	{"Jordbruk", "Kalkning av åkermark", "V.3"},
	{"Jordbruk", "Odling av organogena jordar", "V.3"},
	{"Jordbruk", "Odling av mineraljordar", "V.3"},
	{"Jordbruk", "Indirekta utsläpp av lustgas från brukad mark", "V.3"},
	{"Jordbruk", "Övrigt gödselmedel m.m.", "V.3"},
	{"El och fjärrvärme", "", "I.4"},
	{"Egen uppvärmning av bostäder och lokaler", "", "I.1"},
	{"Egen uppvärmning av bostäder och lokaler", "Bostäder", "I.1"},
	{"Egen uppvärmning av bostäder och lokaler", "Kommersiella och offentliga lokaler", "I.2"},
	{"Egen uppvärmning av bostäder och lokaler", "Jordbruks- och skogsbrukslokaler", "I.5"},
	{"Arbetsmaskiner", "", "II.5"},
	{"Produktanvändning (inkl. lösningsmedel)", "", "IV.2"},
	{"Avfall (inkl.avlopp)", "", "III.1"},
	{"Avfall (inkl.avlopp)", "Avfallsdeponier", "III.1"},
	{"Avfall (inkl.avlopp)", "Behandling av avloppsvatten", "III.4"},
	{"Avfall (inkl.avlopp)", "Biologisk behandling av avfall", "III.2"},
	{"Avfall (inkl.avlopp)", "Krematorier och förbränning av farligt avfall", "III.3"},
	{"Avfall (inkl.avlopp)", "Oavsiktliga bränder", "III.3"},
	{"Avfall (inkl.avlopp)", "Övrig avfallshantering", "III.1"},
	{"Utrikes transporter", "", "II.3 utrikes"},
	{"Utrikes transporter", "Utrikes sjöfart inom Sveriges gränser", "II.3 utrikes"},
	{"Utrikes transporter", "Utrikes flyg under 1000 m höjd i svenskt luftrum", "II.4 utrikes"},
}
