package workbook

import (
	"strings"
	"unicode"

	"github.com/klimatkommunerna/klimatrapport"
)

// Subsectors lists, per main sector, the subsectors (undersektorer) of
// SMHI's national emissions database, in SMHI's order. It was extracted once
// from SMHI's export of 2024-04-18 (smhi-co2-2024-04-18.xlsx) and SMHI's own
// typos were corrected ("fran" → "från", "Hastgödsel" → "Hästgödsel", …);
// smhiAliases maps SMHI's spellings to these. A sector with no entries
// (Industri, El och fjärrvärme) is published as a total only.
var Subsectors = map[string][]string{
	"Transporter": {
		"Personbilar",
		"Tunga lastbilar",
		"Lätta lastbilar",
		"Bussar",
		"Mopeder och Motorcyklar",
		"Slitage från däck och bromsar",
		"Slitage från vägbanan",
		"Avdunstning från vägfordon",
		"Inrikes civil sjöfart (inkl privata fritidsbåtar)",
		"Inrikes flygtrafik",
		"Järnväg",
	},
	"Industri (energi + processer)": nil,
	"Jordbruk": {
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
		"Övrigt gödselmedel m.m",
	},
	"El och fjärrvärme": nil,
	"Egen uppvärmning av bostäder och lokaler": {
		"Bostäder",
		"Kommersiella och offentliga lokaler",
		"Jordbruks- och skogsbrukslokaler",
	},
	"Arbetsmaskiner": {
		"Skotrar och fyrhjulingar",
		"Hushållens arbetsmaskiner",
		"Kommersiella och offentliga verksamheter",
		"Jordbruk och skogsbruk",
		"Industri- och byggsektorns arbetsmaskiner (inkl vägarbeten)",
		"Fiskebåtar",
		"Övrigt (flygplatser, hamnar, m.m.)",
	},
	"Produktanvändning (inkl. lösningsmedel)": {
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
	},
	"Avfall (inkl.avlopp)": {
		"Avfallsdeponier",
		"Behandling av avloppsvatten",
		"Biologisk behandling av avfall",
		"Krematorier och förbranning av farligt avfall",
		"Oavsiktliga bränder",
		"Övrig avfallshantering",
	},
	"Utrikes transporter": {
		"Utrikes sjöfart inom Sveriges gränser",
		"Utrikes flyg under 1000 m höjd i svenskt luftrum",
	},
}

// smhiAliases maps SMHI's published spellings (typos included) that the
// loose comparison below does not already catch to the names used here.
var smhiAliases = map[string]string{
	"Egen uppärmning av bostäder och lokaler": "Egen uppvärmning av bostäder och lokaler",
	"Avdunsting fran vägfordon":               "Avdunstning från vägfordon",
	"Avdunsting från vägfordon":               "Avdunstning från vägfordon",
}

// gasAliases maps the ways a gas is written to the code used in
// klimatrapport.Gases; "" means all greenhouse gases in CO2 equivalents.
var gasAliases = map[string]string{
	"": "", "alla": "", "co2e": "", "co2ekv": "", "co2-ekv": "", "co2ekvivalenter": "",
	"totalt": "", "växthusgaser": "", "växthusgasertotalt": "", "totalavaxthusgaser": "",
	"ggt": "", "allaväxthusgaser": "", "all": "", "total": "", "ghg": "",
	"co2": "CO2", "co₂": "CO2", "koldioxid": "CO2", "carbondioxide": "CO2",
	"ch4": "CH4", "ch₄": "CH4", "metan": "CH4", "methane": "CH4",
	"n2o": "N2O", "n₂o": "N2O", "lustgas": "N2O", "dikväveoxid": "N2O", "nitrousoxide": "N2O",
	"hfc": "HFC", "hfcs": "HFC", "fluorkolväten": "HFC",
	"pfc": "PFC", "pfcs": "PFC", "perfluorkolväten": "PFC",
	"sf6": "SF6", "sf₆": "SF6", "svavelhexafluorid": "SF6",
}

// sectorIndex and subsectorIndex give every known name a small number, so
// that whole-file validation state can be keyed compactly.
var (
	sectorIndex    = map[string]int{} // canonical main sector → 1..9
	subsectorIndex = map[string]int{} // sector + "\x00" + subsector → 1..n (global)
	sectorByLoose  = map[string]string{}
	subByLoose     = map[string]map[string]string{} // sector → loose subsector → canonical
	subOwner       = map[string]string{}            // loose subsector → its sector (for hints)
	gasIndex       = map[string]int{"": 0}
)

func init() {
	n := 0
	for i, s := range klimatrapport.MainSectors {
		sectorIndex[s] = i + 1
		sectorByLoose[looseKey(s)] = s
		m := map[string]string{}
		for _, sub := range Subsectors[s] {
			n++
			subsectorIndex[s+"\x00"+sub] = n
			m[looseKey(sub)] = sub
			subOwner[looseKey(sub)] = s
		}
		subByLoose[s] = m
	}
	for alias, canon := range smhiAliases {
		if _, ok := sectorIndex[canon]; ok {
			sectorByLoose[looseKey(alias)] = canon
			continue
		}
		for s, m := range subByLoose {
			for _, sub := range Subsectors[s] {
				if sub == canon {
					m[looseKey(alias)] = canon
					subOwner[looseKey(alias)] = s
				}
			}
		}
	}
	for i, g := range klimatrapport.Gases {
		gasIndex[g] = i + 1
	}
}

// looseKey folds case, whitespace, punctuation and Swedish diacritics, so
// that "Slitage fran däck" and "slitage från  däck" compare equal.
func looseKey(s string) string {
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

// isAll reports whether s is SMHI's aggregate marker "Alla" (or empty).
func isAll(s string) bool {
	k := looseKey(s)
	return k == "" || k == "alla" || k == "all" || k == "total" || k == "totalt"
}

// NormalizeSector returns the canonical spelling of a main sector name,
// accepting SMHI's spellings and any difference in case, spacing,
// punctuation or diacritics.
func NormalizeSector(name string) (string, bool) {
	s, ok := sectorByLoose[looseKey(name)]
	return s, ok
}

// NormalizeSubsector returns the canonical spelling of a subsector of
// sector (itself canonical). "" and "Alla" mean the sector total and return
// "", true.
func NormalizeSubsector(sector, name string) (string, bool) {
	if isAll(name) {
		return "", true
	}
	s, ok := subByLoose[sector][looseKey(name)]
	return s, ok
}

// NormalizeGas returns the gas code for a gas name ("" for all greenhouse
// gases in CO2 equivalents).
func NormalizeGas(name string) (string, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(name), ""))
	if g, ok := gasAliases[k]; ok {
		return g, true
	}
	g, ok := gasAliases[looseKey(name)]
	return g, ok
}

// closest returns the candidate nearest to s by edit distance on the loose
// keys, and whether it is near enough to be a likely meant name.
func closest(s string, candidates []string) (string, bool) {
	k := []rune(looseKey(s))
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(k, []rune(looseKey(c)))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(k)/3)
	return best, best != "" && bestD <= limit
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b []rune) int {
	if len(a) > 200 || len(b) > 200 { // hostile input: do not spend quadratic time
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
