package smhi

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klimatkommunerna/klimatrapport"
)

// smhiSectors is SMHI's sector tree as published in the national emissions
// database export (release 2024-04-18), in the file's order and with SMHI's
// own spelling, typos included. Each entry is a main sector followed by its
// subsectors; a main sector without subsectors is published as a total only.
// The synthetic generator writes these raw strings so that benchmarks go
// through the same normalisation as real files; SMHISubsectors is derived
// from it with NormalizeSector.
var smhiSectors = [][]string{
	{"Transporter",
		"Personbilar",
		"Tunga lastbilar",
		"Lätta lastbilar",
		"Bussar",
		"Mopeder och Motorcyklar",
		"Slitage fran däck och bromsar",
		"Slitage fran vägbanan",
		"Avdunsting fran vägfordon",
		"inrikes civil sjöfart (inkl privata fritidsbåtar)",
		"Inrikes flygtrafik",
		"Järnväg"},
	{"Industri (energi + processer)"},
	{"Jordbruk",
		"Djurs matsmältning",
		"Kogödsel (lagring, användning och bete)",
		"Svingödsel (lagring, användning och bete)",
		"Hastgödsel (lagring, användning och bete)",
		"Hönsgödsel (lagring, användning och bete)",
		"Fårgödsel m.m. (lagring, användning och bete)",
		"Användning av konstgödsel",
		"Skörderester som gödsel",
		"Kalkning av åkermark",
		"Odling av organogena jordar",
		"Odling av mineraljordar",
		"Indirekta utsläpp av lustgas fran brukad mark",
		"Övrigt gödselmedel m.m"},
	{"El och fjärrvärme"},
	{"Egen uppärmning av bostäder och lokaler",
		"Bostäder",
		"Kommersiella och offentliga lokaler",
		"Jordbruks- och skogsbrukslokaler"},
	{"Arbetsmaskiner",
		"Skotrar och fyrhjulingar",
		"Hushållens arbetsmaskiner",
		"Kommersiella och offentliga verksamheter",
		"Jordbruk och skogsbruk",
		"Industri- och byggsektorns arbetsmaskiner (inkl vägarbeten)",
		"Fiskebåtar",
		"Övrigt (flygplatser, hamnar, m.m.)"},
	{"Produktanvändning (inkl. lösningsmedel)",
		"Lösningsmedelsanvändning - verksamheter",
		"Lösningsmedelsanvändning - hushåll",
		"Färg - hushåll",
		"Färg - verksamheter",
		"Smörjmedel",
		"Paraffinvax",
		"Urea for katalysatorer",
		"Lustgas fran produktanvändning",
		"Användning av fluorerade gaser",
		"Övrig produktanvändning"},
	{"Avfall (inkl.avlopp)",
		"Avfallsdeponier",
		"Behandling av avloppsvatten",
		"Biologisk behandling av avfall",
		"Krematorier och förbranning av farligt avfall",
		"Oavsiktliga bränder",
		"Övrig avfallshantering"},
	{"Utrikes transporter",
		"Utrikes sjöfart inom Sveriges gränser",
		"Utrikes flyg under 1000 m höjd i svenskt luftrum"},
}

// SMHISubsectors lists, per main sector (spelled as in
// klimatrapport.MainSectors), the subsectors SMHI publishes, normalised and
// in SMHI's order. Main sectors published as a total only map to an empty
// list.
var SMHISubsectors = func() map[string][]string {
	m := make(map[string][]string, len(smhiSectors))
	for _, group := range smhiSectors {
		main, _ := CanonicalMainSector(NormalizeSector(group[0]))
		subs := make([]string, 0, len(group)-1)
		for _, s := range group[1:] {
			subs = append(subs, NormalizeSector(s))
		}
		m[main] = subs
	}
	return m
}()

// sectorWordFixes are whole-word corrections of SMHI's misspellings. They are
// applied to any sector string, so a typo that reappears in a new subsector
// name is fixed too. Keys are lower case.
var sectorWordFixes = map[string]string{
	"fran":        "från",        // "Slitage fran vägbanan", "Lustgas fran produktanvändning", …
	"for":         "för",         // "Urea for katalysatorer"
	"uppärmning":  "uppvärmning", // "Egen uppärmning av bostäder och lokaler"
	"förbranning": "förbränning", // "Krematorier och förbranning av farligt avfall"
	"hastgödsel":  "hästgödsel",  // "Hastgödsel (lagring, användning och bete)"
	"avdunsting":  "avdunstning", // "Avdunsting fran vägfordon"
	"motorcyklar": "motorcyklar", // "Mopeder och Motorcyklar": lower case mid-sentence
	"m.m":         "m.m.",        // "Övrigt gödselmedel m.m"
}

// NormalizeSector returns SMHI's sector or subsector name with SMHI's typos
// fixed: whitespace collapsed and trimmed, the misspelled words above
// corrected ("fran" → "från", "uppärmning" → "uppvärmning", "for" → "för",
// "förbranning" → "förbränning", "Hastgödsel" → "Hästgödsel", "Avdunsting"
// → "Avdunstning", "Motorcyklar" → "motorcyklar", a final "m.m" → "m.m.")
// and the first letter capitalised ("inrikes civil sjöfart" → "Inrikes civil
// sjöfart"). Corrected words are lower case except at the start. The result
// for an already correct name is the name itself.
func NormalizeSector(s string) string {
	fields := strings.Fields(s)
	changed := len(fields) == 0 && s != ""
	for i, w := range fields {
		fix, ok := sectorWordFixes[strings.ToLower(w)]
		if !ok || fix == w {
			continue
		}
		if i == 0 {
			fix = upperFirst(fix)
		}
		if fix != w {
			fields[i] = fix
			changed = true
		}
	}
	if len(fields) > 0 {
		if up := upperFirst(fields[0]); up != fields[0] {
			fields[0] = up
			changed = true
		}
	}
	out := strings.Join(fields, " ")
	if !changed && out == s {
		return s
	}
	return out
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) || !unicode.IsLetter(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// mainSectorKeys maps a main sector's key (lower case, without whitespace)
// to its spelling in klimatrapport.MainSectors.
var mainSectorKeys = func() map[string]string {
	m := make(map[string]string, len(klimatrapport.MainSectors))
	for _, s := range klimatrapport.MainSectors {
		m[sectorKey(s)] = s
	}
	return m
}()

// sectorKey is s in lower case with all whitespace removed, so that
// "Avfall (inkl. avlopp)" and "Avfall (inkl.avlopp)" compare equal.
func sectorKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// CanonicalMainSector returns the spelling in klimatrapport.MainSectors of a
// main sector name, matched case- and whitespace-insensitively after
// NormalizeSector, and whether it is one of the nine.
func CanonicalMainSector(name string) (string, bool) {
	s, ok := mainSectorKeys[sectorKey(NormalizeSector(name))]
	return s, ok
}
