package analytics

import (
	"math"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// A per-capita goal is followed up on emissions per inhabitant, with the
// population of the nearest year SCB has.
func TestFollowGoalPerCapita(t *testing.T) {
	pops := Populations{"1281": {2010: 100000, 2024: 125000}}
	src := GoalSource{Source: SourceSMHI, Unit: "ton CO2e", Total: Series{{2010, 200000}, {2024, 150000}}}
	g := kr.Goal{ID: "M1", Type: kr.GoalPerCapita, BaseYear: 2010, TargetYear: 2030, ReductionPct: 50}
	gr := FollowGoal(g, []GoalSource{src}, AreaPopulation(pops, "1281"))
	if len(gr.Tracking) != 1 {
		t.Fatalf("not tracked: %s", gr.Note)
	}
	// Base 2 t/inv, target 1 t/inv; 2024: 150 000 / 125 000 = 1,2 t/inv.
	// Path 2024: 2 − 1·14/20 = 1,3: 0,1 below.
	x := gr.Tracking[0]
	if x.BaseTonnes != 2 || x.TargetTonnes != 1 || math.Abs(x.LatestTonnes-1.2) > 1e-12 || math.Abs(x.PathTonnes-1.3) > 1e-12 || !x.OnTrack {
		t.Errorf("per capita: %+v", x)
	}
	if x.Unit != "ton CO2e per invånare" || x.Source != SourceSMHI || len(x.Path) != 21 {
		t.Errorf("per capita: %s %s %d", x.Unit, x.Source, len(x.Path))
	}
	if gr := FollowGoal(g, []GoalSource{src}, nil); len(gr.Tracking) != 0 || !strings.Contains(gr.Note, "Befolkningsuppgifter saknas") {
		t.Errorf("without population: %+v", gr)
	}
}

// Each source is followed up on its own series, never mixed, and a goal
// that cannot be followed up says why.
func TestFollowGoalSources(t *testing.T) {
	smhi := GoalSource{Source: SourceSMHI, Unit: "ton CO2e", Total: Series{{1990, 20000}, {2022, 9300}},
		Sectors: map[string]Series{"Transporter": {{1990, 2500}, {2020, 1100}}}}
	own := GoalSource{Source: SourceReported, Unit: "ton CO2e", Total: Series{{2020, 9000}, {2024, 8280}},
		Sectors: map[string]Series{"Transporter": {{2020, 1000}, {2024, 920}}}}
	both := []GoalSource{smhi, own}
	g := kr.Goal{ID: "M1", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 70}
	gr := FollowGoal(g, both, nil)
	// Only SMHI has 1990: path 2022 = 20 000 − 14 000·32/40 = 8 800.
	if len(gr.Tracking) != 1 || gr.Tracking[0].Source != SourceSMHI || gr.Tracking[0].PathTonnes != 8800 || gr.Tracking[0].LatestYear != 2022 {
		t.Errorf("M1: %+v", gr.Tracking)
	}
	g = kr.Goal{ID: "M2", Type: kr.GoalAbsolute, Sector: "Transporter", BaseYear: 2020, TargetYear: 2030, ReductionPct: 60}
	gr = FollowGoal(g, both, nil)
	if len(gr.Tracking) != 2 || gr.Tracking[0].BaseTonnes != 1100 || gr.Tracking[1].BaseTonnes != 1000 ||
		gr.Tracking[1].Verdict != "Inte i fas: 21 % över den raka vägen till målet." {
		t.Errorf("M2: %+v", gr.Tracking)
	}
	for _, c := range []struct {
		g    kr.Goal
		note string
	}{
		{kr.Goal{Type: kr.GoalNetZero, TargetYear: 2045}, "inget basår"},
		{kr.Goal{Type: kr.GoalAbsolute, BaseYear: 2030, TargetYear: 2030, ReductionPct: 50}, "Målåret ligger inte efter basåret"},
		{kr.Goal{Type: kr.GoalAbsolute, BaseYear: 2010, TargetYear: 2030}, "ingen minskning"},
		{kr.Goal{Type: kr.GoalAbsolute, BaseYear: 2005, TargetYear: 2030, ReductionPct: 50}, "varken SMHI:s eller kommunens egna siffror har utsläppen för basåret 2005"},
		{kr.Goal{Type: kr.GoalAbsolute, Sector: "Jordbruk", BaseYear: 1990, TargetYear: 2030, ReductionPct: 50}, "sektorns utsläpp för basåret 1990"},
	} {
		if gr := FollowGoal(c.g, both, nil); len(gr.Tracking) != 0 || !strings.Contains(gr.Note, c.note) {
			t.Errorf("%+v: %+v", c.g, gr)
		}
	}
	// Net zero without a reduction goes the whole way.
	gr = FollowGoal(kr.Goal{Type: kr.GoalNetZero, BaseYear: 2020, TargetYear: 2045}, []GoalSource{own}, nil)
	if len(gr.Tracking) != 1 || gr.Tracking[0].TargetTonnes != 0 {
		t.Errorf("net zero: %+v", gr)
	}
}
