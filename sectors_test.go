package klimatrapport

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSectorTree(t *testing.T) {
	mains := MainSectors()
	if len(mains) != 9 || mains[0] != "Transporter" || mains[8] != "Utrikes transporter" {
		t.Fatalf("main sectors %q", mains)
	}
	total := 0
	for _, m := range mains {
		total += len(Subsectors(m))
	}
	if total != 52 || len(Subsectors("Industri (energi + processer)")) != 0 || Subsectors("Sjöfart") != nil {
		t.Errorf("%d subsectors", total)
	}
	// The functions hand out copies.
	MainSectors()[0] = "x"
	Subsectors("Transporter")[0] = "x"
	Gases()[0] = "x"
	if MainSectors()[0] != "Transporter" || Subsectors("Transporter")[0] != "Personbilar" || Gases()[0] != "CO2" {
		t.Error("a caller changed the tables")
	}
	// Loose keys do not collide within a main sector, nor main sectors.
	seen := map[string]string{}
	for _, m := range mains {
		for _, name := range append([]string{m}, Subsectors(m)...) {
			k := m + "|" + LooseKey(name)
			if prev, dup := seen[k]; dup {
				t.Errorf("loose keys collide: %q %q", prev, name)
			}
			seen[k] = name
		}
	}
}

// TestSMHISpellings: every misspelling SMHI publishes is corrected by the
// word rules to the name in the tree, and found under its sector.
func TestSMHISpellings(t *testing.T) {
	for canon, published := range smhiPublished {
		if got := SMHISpelling(published); got != canon {
			t.Errorf("SMHISpelling(%q) = %q, want %q", published, got, canon)
		}
		if SMHIPublishedSpelling(canon) != published {
			t.Errorf("SMHIPublishedSpelling(%q) = %q", canon, SMHIPublishedSpelling(canon))
		}
		if m, ok := MainSector(published); ok {
			if m != canon {
				t.Errorf("MainSector(%q) = %q", published, m)
			}
			continue
		}
		owner, ok := SubsectorOwner(published)
		if !ok {
			t.Errorf("%q is in no sector", published)
			continue
		}
		if got, ok := Subsector(owner, published); !ok || got != canon {
			t.Errorf("Subsector(%q, %q) = %q, %v", owner, published, got, ok)
		}
	}
	for in, want := range map[string]string{
		"Slitage fran vägbanan":                   "Slitage från vägbanan",
		"Egen uppärmning av bostäder och lokaler": "Egen uppvärmning av bostäder och lokaler",
		"  Transporter ":                          "Transporter",
		"Fran  hamnar":                            "Från hamnar", // a new subsector with an old typo
		"Personbilar":                             "Personbilar",
		"":                                        "",
	} {
		if got := SMHISpelling(in); got != want {
			t.Errorf("SMHISpelling(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNameLookups(t *testing.T) {
	for in, want := range map[string]string{
		"Egen uppärmning av bostäder och lokaler": "Egen uppvärmning av bostäder och lokaler",
		"avfall (inkl. avlopp)":                   "Avfall (inkl.avlopp)",
		"INDUSTRI (energi+processer)":             "Industri (energi + processer)",
		"el och fjarrvarme":                       "El och fjärrvärme",
	} {
		if got, ok := MainSector(in); !ok || got != want {
			t.Errorf("MainSector(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"Sjöfart", "Personbilar", "", "Alla"} {
		if got, ok := MainSector(bad); ok {
			t.Errorf("MainSector(%q) = %q", bad, got)
		}
	}
	for _, c := range []struct{ main, in, want string }{
		{"Transporter", "mopeder och Motorcyklar", "Mopeder och motorcyklar"},
		{"Transporter", "Slitage fran däck och bromsar", "Slitage från däck och bromsar"},
		{"Avfall (inkl.avlopp)", "Krematorier och förbranning av farligt avfall", "Krematorier och förbränning av farligt avfall"},
		{"Jordbruk", "Övrigt gödselmedel m.m", "Övrigt gödselmedel m.m."},
		{"Transporter", "Alla", ""},
		{"Transporter", " ", ""},
	} {
		if got, ok := Subsector(c.main, c.in); !ok || got != c.want {
			t.Errorf("Subsector(%q, %q) = %q, %v; want %q", c.main, c.in, got, ok, c.want)
		}
	}
	if _, ok := Subsector("Jordbruk", "Personbilar"); ok {
		t.Error("Personbilar found under Jordbruk")
	}
	if owner, ok := SubsectorOwner("personbilar"); !ok || owner != "Transporter" {
		t.Errorf("owner of personbilar = %q, %v", owner, ok)
	}
	for in, want := range map[string]string{"": "", "GGT": "", "CO2e": "", "Alla": "", "koldioxid": "CO2", "CO₂": "CO2",
		"lustgas": "N2O", "Perfluorkarboner": "PFC", "sf6": "SF6"} {
		if got, ok := Gas(in); !ok || got != want {
			t.Errorf("Gas(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := Gas("ozon"); ok {
		t.Error("ozon is a gas")
	}
	for in, want := range map[string]string{
		"Koldioxid (CO2)": "CO2", "Växthusgaser totalt (CO2-ekv.)": "GGT", "CH4": "CH4", "Utsläpp av Lustgas": "N2O",
		"Perfluorkarboner (PFC)": "PFC", "Fluorkolväten (HFC)": "HFC", "Blad (SF6)": "SF6", "Ozon": "", "": "",
	} {
		if got := SubstanceIn(in); got != want {
			t.Errorf("SubstanceIn(%q) = %q, want %q", in, got, want)
		}
	}
	for _, code := range Substances() {
		if SubstanceName(code) == "" || SubstanceIn(SubstanceName(code)) != code {
			t.Errorf("substance %s: name %q", code, SubstanceName(code))
		}
	}
}

// TestOneListOfSectors: no other non-test Go file in the repository spells
// a sector or subsector name as a string literal; they ask this package.
func TestOneListOfSectors(t *testing.T) {
	names := map[string]bool{}
	for _, m := range MainSectors() {
		names[strconv.Quote(m)] = true
		for _, s := range Subsectors(m) {
			names[strconv.Quote(s)] = true
		}
	}
	for _, s := range smhiPublished {
		names[strconv.Quote(s)] = true
	}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "sectors.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for n := range names {
			if strings.Contains(string(b), n) {
				t.Errorf("%s spells %s; use klimatrapport.MainSectors/Subsectors", path, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(MainSectors(), "Arbetsmaskiner") {
		t.Fatal("no Arbetsmaskiner")
	}
}
