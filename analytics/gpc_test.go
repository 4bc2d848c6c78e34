package analytics

import (
	"math"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
)

func gpcByCode(lines []GPCLine) map[string]GPCLine {
	out := map[string]GPCLine{}
	for _, l := range lines {
		out[l.Code] = l
	}
	return out
}

func gpcSum(lines []GPCLine) float64 {
	var s float64
	for _, l := range lines {
		if l.Tonnes != nil {
			s += *l.Tonnes
		}
	}
	return s
}

// Subsectors that cover their sector are taken apart, the rest of a
// rounded sector goes to its main row; whole sectors go to their row; the
// rows sum to the total.
func TestGPCSplitsBySubsector(t *testing.T) {
	heat := "Egen uppvärmning av bostäder och lokaler"
	f := SectorFigures{
		Sectors: map[string]float64{heat: 1000.4, "Arbetsmaskiner": 300, "Industri (energi + processer)": 50, "Eget": 7},
		Subsectors: map[string]map[string]float64{heat: {"Bostäder": 600, "Kommersiella och offentliga lokaler": 350, "Jordbruks- och skogsbrukslokaler": 50},
			"Arbetsmaskiner": {"Fiskebåtar": 10}},
	}
	lines := GPC(2022, f)
	if len(lines) != len(kr.GPCRows()) {
		t.Fatalf("%d lines", len(lines))
	}
	by := gpcByCode(lines)
	want := map[string]float64{"I.1": 600.4, "I.2": 350, "I.5": 50, "II.5": 300, "I.3": 50, "VI": 7}
	for code, w := range want {
		if l := by[code]; l.Tonnes == nil || math.Abs(*l.Tonnes-w) > 1e-9 {
			t.Errorf("%s: %v, want %v", code, l.Tonnes, w)
		}
	}
	if s := gpcSum(lines); math.Abs(s-1357.4) > 1e-9 {
		t.Errorf("sum %v", s)
	}
	if l := by["I.2"]; l.Share == nil || math.Abs(*l.Share-100*350/1357.4) > 1e-9 || len(l.Included) != 1 ||
		l.Included[0] != heat+": Kommersiella och offentliga lokaler" {
		t.Errorf("I.2 %+v", l)
	}
	for code, n := range map[string]string{"IV.1": "IE", "I (scope 2)": "NE", "V.2": "NE", "II.2": "NO"} {
		if l := by[code]; l.Tonnes != nil || l.Notation != n {
			t.Errorf("%s: %v %q, want %s", code, l.Tonnes, l.Notation, n)
		}
	}
}

// A split sector whose subsectors are missing or do not add up goes whole
// to its main row, and its other rows are marked included there.
func TestGPCWholeSectorWhenNotSplit(t *testing.T) {
	f := SectorFigures{
		Sectors:    map[string]float64{"Transporter": 900, "Avfall (inkl.avlopp)": 100},
		Subsectors: map[string]map[string]float64{"Avfall (inkl.avlopp)": {"Avfallsdeponier": 40}},
	}
	by := gpcByCode(GPC(2020, f))
	if l := by["II.1"]; l.Tonnes == nil || *l.Tonnes != 900 || l.Included[0] != "Transporter" {
		t.Errorf("II.1 %+v", l)
	}
	if l := by["III.1"]; l.Tonnes == nil || *l.Tonnes != 100 {
		t.Errorf("III.1 %+v", l)
	}
	for _, code := range []string{"II.2", "II.3", "II.4", "III.2", "III.3", "III.4"} {
		if l := by[code]; l.Tonnes != nil || l.Notation != kr.NotationIncluded {
			t.Errorf("%s: %+v, want IE", code, l)
		}
	}
	if l := by["II.5"]; l.Notation != kr.NotationNotOccurring {
		t.Errorf("II.5 %+v", l)
	}
}
