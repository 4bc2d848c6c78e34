package klimatrapport

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// Every SMHI sector and subsector maps to exactly one GPC row that exists,
// and the mapping names only SMHI's sectors.
func TestGPCMapping(t *testing.T) {
	rows := map[string]bool{}
	for _, r := range GPCRows() {
		if rows[r.Code] {
			t.Errorf("row %s twice", r.Code)
		}
		rows[r.Code] = true
	}
	seen := map[string]int{}
	for _, m := range gpcMapping {
		seen[m.main+"|"+m.sub]++
		if !rows[m.row] {
			t.Errorf("%s / %s maps to unknown row %s", m.main, m.sub, m.row)
		}
		if _, ok := MainSector(m.main); !ok {
			t.Errorf("mapping names %q, not an SMHI main sector", m.main)
		}
		if m.sub != "" && !slices.Contains(Subsectors(m.main), m.sub) {
			t.Errorf("mapping names %q under %q, not an SMHI subsector", m.sub, m.main)
		}
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("%s mapped %d times", k, n)
		}
	}
	for _, main := range MainSectors() {
		if seen[main+"|"] != 1 {
			t.Errorf("main sector %q has no row for its total", main)
		}
		for _, sub := range Subsectors(main) {
			r := GPCRowOf(main, sub)
			if !rows[r] || r == GPCOtherSector {
				t.Errorf("%s / %s → %q", main, sub, r)
			}
			if GPCSplit(main) && seen[main+"|"+sub] != 1 {
				t.Errorf("%s is split, but its subsector %q has no row of its own", main, sub)
			}
		}
	}
	if r := GPCRowOf("Egen uppvärmning av bostäder och lokaler", "Kommersiella och offentliga lokaler"); r != "I.2" {
		t.Errorf("commercial heating → %s", r)
	}
	if r := GPCRowOf("Arbetsmaskiner", "Fiskebåtar"); r != "II.5" {
		t.Errorf("fishing boats → %s", r)
	}
	if GPCRowOf("Något eget", "") != GPCOtherSector || GPCSplit("Arbetsmaskiner") || !GPCSplit("Transporter") {
		t.Error("other sectors or splits")
	}
}

// docs/gpc.md documents every row of the view.
func TestGPCDocumented(t *testing.T) {
	doc, err := os.ReadFile("docs/gpc.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range GPCRows() {
		if !strings.Contains(string(doc), "| "+r.Code+" |") {
			t.Errorf("docs/gpc.md has no row %q", r.Code)
		}
	}
}
