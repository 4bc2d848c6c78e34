package compliance

import (
	"math"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

func TestPolitical(t *testing.T) {
	bodies := DefaultRules().Goals.PoliticalBodies
	for in, want := range map[string]bool{
		"Kommunfullmäktige": true, "kommunstyrelsen": true, "Miljö- och byggnämnden": true, "KF": true, "KF § 123": true,
		"Regionfullmäktige": true, "Miljöförvaltningen": false, "Klimatstrateg": false, "KFX": false, "": false,
	} {
		if got := political(in, bodies); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
	if !political("Miljöförvaltningen", nil) {
		t.Error("without a list, any body counts")
	}
}

func TestDeadlineInSwedishTime(t *testing.T) {
	r := DefaultRules()
	end := r.deadlineEnd(2026)
	// Midnight at the end of 30 June in Stockholm is 22:00 UTC (summer time).
	if got := end.UTC().Format(time.DateTime); got != "2026-06-30 22:00:00" {
		t.Errorf("deadline ends %s UTC", got)
	}
}

// A per-capita goal is tracked on emissions per inhabitant, with the
// population of the nearest year SCB has.
func TestTrackPerCapita(t *testing.T) {
	td := trackingData{
		smhi:        map[string]map[int]float64{"1281": {2010: 200000}},
		populations: analytics.Populations{"1281": {2010: 100000, 2024: 125000}},
	}
	years := []yearFact{{Year: 2024, Total: 150000, Covered: kr.MainSectors(), Submission: "s1"}}
	g := goalFact{GoalID: "M1", Type: kr.GoalPerCapita, BaseYear: 2010, TargetYear: 2030, ReductionPct: 50}
	tr := td.track("1281", g, years, true)
	if tr.Tracking == nil {
		t.Fatalf("not tracked: %s", tr.Problem)
	}
	// Base 2 t/inv (SMHI), target 1 t/inv; 2024: 150 000 / 125 000 = 1,2 t/inv.
	// Path 2024: 2 − 1·14/20 = 1,3: 0,1 below.
	x := tr.Tracking
	if x.BaseTonnes != 2 || x.TargetTonnes != 1 || math.Abs(x.LatestTonnes-1.2) > 1e-12 || math.Abs(x.PathTonnes-1.3) > 1e-12 || !x.OnTrack {
		t.Errorf("per capita: %+v", x)
	}
	if tr.Unit != "ton CO2e per invånare" || !strings.Contains(tr.Summary, "1,20 ton CO2e per invånare mot den raka vägens 1,30") {
		t.Errorf("summary: %s", tr.Summary)
	}
	td.populations = nil
	if tr := td.track("1281", g, years, false); tr.Tracking != nil || !strings.Contains(tr.Problem, "Befolkningsuppgifter saknas") {
		t.Errorf("without population: %+v", tr)
	}
}
