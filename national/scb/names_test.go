package scb

import (
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

func TestParseMunicipalities(t *testing.T) {
	f := strings.NewReader(string(samples.Read(t, samples.Municipalities)))
	munis, counties, err := ParseMunicipalities(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(munis) != 290 || len(counties) != 21 {
		t.Fatalf("got %d municipalities and %d counties, want 290 and 21", len(munis), len(counties))
	}
	var lund bool
	for _, m := range munis {
		if m.Code == "1281" {
			lund = true
			if m.Name != "Lund" || m.CountyCode != "12" || m.CountyName != "Skåne län" {
				t.Errorf("Lund = %+v", m)
			}
		}
	}
	if !lund {
		t.Error("Lund (1281) missing")
	}
	if counties[0].Code != "01" || counties[0].Name != "Stockholms län" || counties[20].Code != "25" {
		t.Errorf("counties = %v … %v", counties[0], counties[20])
	}
}

func TestParseMunicipalitiesVariants(t *testing.T) {
	// Semicolon, Latin-1, Swedish headers, codes that lost their zeros in
	// a spreadsheet, no short-name column.
	latin1 := []byte("Kommunkod;Kommunnamn;L\xe4nskod;L\xe4nsnamn\r\n114;Upplands V\xe4sby kommun;1;Stockholms l\xe4n\r\n1281;Lunds kommun;12;Sk\xe5ne l\xe4n\r\n")
	munis, counties, err := ParseMunicipalities(strings.NewReader(string(latin1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(munis) != 2 || munis[0].Code != "0114" || munis[0].Name != "Upplands Väsby" || munis[0].CountyCode != "01" ||
		munis[1].Name != "Lund" || counties[1].Name != "Skåne län" {
		t.Fatalf("got %+v %+v", munis, counties)
	}
	for official, short := range map[string]string{
		"Lunds kommun": "Lund", "Göteborgs stad": "Göteborg", "Borås stad": "Borås", "Hofors kommun": "Hofors",
		"Vännäs kommun": "Vännäs", "Kalix kommun": "Kalix", "Ale kommun": "Ale", "Hallstahammars kommun": "Hallstahammar",
		"Malung-Sälens kommun": "Malung-Sälen", "Lund": "Lund",
	} {
		if got := shortMunicipalityName(official); got != short {
			t.Errorf("shortMunicipalityName(%q) = %q, want %q", official, got, short)
		}
	}
	n := NewNames(munis, counties)
	if code, ok := n.Municipality("Lunds kommun"); !ok || code != "1281" {
		t.Errorf("Lunds kommun → %q %v", code, ok)
	}

	for _, bad := range []struct{ name, csv, want string }{
		{"no code column", "namn,län\nLund,Skåne län\n", "kommunkod"},
		{"bad code", "kommunkod,kommunnamn\n12x1,Lund\n", "\"12x1\" är inte fyra siffror"},
		{"duplicate", "kommunkod,kommunnamn\n1281,Lund\n1281,Lund\n", "finns redan på rad 2"},
		{"wrong county", "kommunkod,kommunnamn,länskod\n1281,Lund,13\n", "kan inte ligga i län 13"},
		{"empty", "", "tom"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, _, err := ParseMunicipalities(strings.NewReader(bad.csv))
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("err = %v, want it to contain %q", err, bad.want)
			}
		})
	}
}

// municipalityVariants are names of municipalities as files write them,
// with the code each means; "" means no municipality.
var municipalityVariants = map[string]string{
	"Lund":                  "1281",
	"lund":                  "1281",
	"  LUND  ":              "1281",
	"Lunds kommun":          "1281",
	"Lund kommun":           "1281",
	"Malmö":                 "1280",
	"Malmö stad":            "1280",
	"Malmö kommun":          "1280",
	"Malmo\u0308 stad":      "1280", // decomposed ö
	"Göteborgs stad":        "1480",
	"Göteborgs  Stad":       "1480",
	"Stockholms stad":       "0180",
	"Falu kommun":           "2080",
	"Falun":                 "2080",
	"Faluns kommun":         "2080", // as SCB's list spells it
	"Region Gotland":        "0980",
	"Gotlands kommun":       "0980",
	"Gotland":               "0980",
	"Upplands Väsby":        "0114",
	"Upplands-Väsby":        "0114",
	"Upplands Väsby kommun": "0114",
	"Upplands Bro":          "0139",
	"Dals-Eds kommun":       "1438",
	"Dals Ed":               "1438",
	"Malung-Sälens kommun":  "2023",
	"Malung":                "2023",
	"Borås stad":            "1490",
	"Hofors kommun":         "2104",
	"Kalmar kommun":         "0880",
	"Örebro kommun":         "1880",
	"Håbo":                  "0305",
	"Habo":                  "0643",
	"Håbo kommun":           "0305",
	"Habo kommun":           "0643",
	"1281":                  "1281",
	"Lilla Edets kommun":    "1462",
	"Östra Göinge kommun":   "1256",
	"Västerås stad":         "1980",
	"Helsingborgs stad":     "1283",
	"Trollhättans stad":     "1488",
	"Sundbybergs stad":      "0183",
	"Solna stad":            "0184",
	"Lidingö stad":          "0186",
	"Vaxholms stad":         "0187",
	"Mölndals stad":         "1481",
	"Landskrona stad":       "1282",
	"Haparanda stad":        "2583",
	"Skellefteå kommun":     "2482",
	"Umeå kommun":           "2480",
	"Örnsköldsviks kommun":  "2284",
	"Mora kommun":           "2062",
	"Ale kommun":            "1440",
	"Eda kommun":            "1730",
	"Åre kommun":            "2321",
	"Mark":                  "1463",
	"Marks kommun":          "1463",
	"Kils kommun":           "1715",
	"Bergs kommun":          "2326",
	"Härjedalens kommun":    "2361",
	"Mönsterås kommun":      "0861",
	"Mörbylånga kommun":     "0840",
	"Säters kommun":         "2082",
	"Vännäs kommun":         "2460",
	"Övertorneå kommun":     "2518",
	"Älvdalens kommun":      "2039",
	"Kalix kommun":          "2514",
	"Tranemo kommun":        "1452",
	"Laxå kommun":           "1860",
	"Piteå kommun":          "2581",
	"Jokkmokks kommun":      "2510",
	"Pajala kommun":         "2521",
	"Ljusnarsbergs kommun":  "1864",
	"Upplands-Bro kommun":   "0139",
	"Nordanstigs kommun":    "2132",
	"Ockelbo kommun":        "2101",
	"Sotenäs kommun":        "1427",
	"Tjörns kommun":         "1419",
	"Södertälje kommun":     "0181",
	"Botkyrka kommun":       "0127",
	"Nykvarns kommun":       "0140",
	"Stenungsunds kommun":   "1415",
	"Orust kommun":          "1421",
	"Orusts kommun":         "1421",
	"Gnesta kommun":         "0461",
	"Strängnäs kommun":      "0486",
	"Eskilstuna kommun":     "0484",
	"Lundby":                "", "Region Stockholm": "", "Stockholms län": "", "": "", "Sverige": "", "0000": "", "Mala": "", "Hbo": "",
}

// countyVariants are names of counties as files write them, with the code
// each means; "" means no county.
var countyVariants = map[string]string{
	"Skåne län":                  "12",
	"Skåne":                      "12",
	"Region Skåne":               "12",
	"SKÅNE  LÄN":                 "12",
	"Stockholms län":             "01",
	"Stockholm":                  "01",
	"Region Stockholm":           "01",
	"Kalmar län":                 "08",
	"Region Kalmar län":          "08",
	"Jönköpings län":             "06",
	"Region Jönköpings län":      "06",
	"Jönköping":                  "06",
	"Region Sörmland":            "04",
	"Södermanlands län":          "04",
	"Södermanland":               "04",
	"Region Jämtland Härjedalen": "23",
	"Västra Götalandsregionen":   "14",
	"Region Västra Götaland":     "14",
	"Västra Götalands län":       "14",
	"Västra Götaland":            "14",
	"Region Örebro län":          "18",
	"Örebro län":                 "18",
	"Region Gotland":             "09",
	"Gotlands län":               "09",
	"Dalarnas län":               "20",
	"Region Dalarna":             "20",
	"Landstinget Dalarna":        "20",
	"Norrbottens läns landsting": "25",
	"12":                         "12",
	"Lund":                       "", "Skåne kommun": "", "Norrland": "", "11": "", "": "",
}

func TestNamesVariants(t *testing.T) {
	n := names(t)
	for _, c := range []struct {
		what     string
		lookup   func(string) (string, bool)
		variants map[string]string
	}{
		{"Municipality", n.Municipality, municipalityVariants},
		{"County", n.County, countyVariants},
	} {
		for name, want := range c.variants {
			if got, ok := c.lookup(name); ok != (want != "") || ok && got != want {
				t.Errorf("%s(%q) = %q, %v; want %q", c.what, name, got, ok, want)
			}
		}
	}
}
