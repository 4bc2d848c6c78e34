package compliance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
)

func TestRules(t *testing.T) {
	d := compliance.DefaultRules()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if d.Inventory.MaxLagYears != 2 || d.Inventory.GapWindowYears != 5 || d.Inventory.GraceYears != 2 || d.Goals.GraceYears != 3 ||
		d.Plan.GraceYears != 3 || d.Reporting.Deadline != "06-30" || d.DeadlineDay(2026).Format("2006-01-02") != "2026-06-30" {
		t.Errorf("defaults: %+v", d)
	}
	// A file overrides what it names and keeps the rest.
	r, err := compliance.ParseRules([]byte(`{"reporting": {"deadline": "09-30"}, "inventory": {"grace_years": 1}}`))
	if err != nil || r.Reporting.Deadline != "09-30" || r.Inventory.GraceYears != 1 || r.Inventory.MaxLagYears != 2 || len(r.Goals.GoalTypes) != 3 {
		t.Errorf("override: %+v %v", r, err)
	}
	bad := map[string]string{
		`{"reporting": {"deadline": "30 juni"}}`:                "reporting.deadline",
		`{"reporting": {"deadline": "02-29"}}`:                  "29 februari",
		`{"inventory": {"max_lag_years": -1}}`:                  "inventory.max_lag_years måste vara mellan 0 och 10 (är -1)",
		`{"inventory": {"gap_window": 5}}`:                      "inställningen \"gap_window\" finns inte",
		`{"goals": {"goal_types": []}}`:                         "goals.goal_types får inte vara tom",
		`{"goals": {"goal_types": ["Halvering"]}}`:              `"Halvering" är ingen måltyp`,
		`{"plan": {"active_measure_statuses": ["Klar"]}}`:       `"Klar" är ingen åtgärdsstatus`,
		`{"plan": {"min_active_measures": "en"}}`:               "har fel typ (väntade ett heltal)",
		`{"inventory": {`:                                       "inte giltig JSON",
		``:                                                      "tom",
		`{} {}`:                                                 "mer än ett JSON-objekt",
		`{"goals": {"political_bodies": ["fullmäktige", " "]}}`: "tomma namn",
	}
	for in, want := range bad {
		_, err := compliance.ParseRules([]byte(in))
		if kr.KindOf(err) != kr.Invalid || !strings.Contains(kr.MessageOf(err), want) {
			t.Errorf("%s: %v, want a message with %q", in, err, want)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "regler.json")
	if err := os.WriteFile(path, []byte(`{"plan": {"min_active_measures": 0}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := compliance.LoadRules(path); err == nil || !strings.Contains(kr.MessageOf(err), "Regelfilen "+path+" kan inte användas: plan.min_active_measures") {
		t.Errorf("load: %v", err)
	}
	if _, err := compliance.LoadRules(filepath.Join(dir, "saknas.json")); kr.KindOf(err) != kr.Invalid {
		t.Errorf("missing file: %v", err)
	}
	if r, err := compliance.LoadRules(""); err != nil || r.Reporting.Deadline != "06-30" {
		t.Errorf("no file: %v", err)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]compliance.Status{"uppfyllt": compliance.Fulfilled, " Ej förfallet ": compliance.NotDue,
		"ej_forfallet": compliance.NotDue, "FÖRSENAT": compliance.Late, "saknas": compliance.Missing, "delvis": compliance.Partial} {
		if got, ok := compliance.ParseStatus(in); !ok || got != want {
			t.Errorf("status %q: %q %v", in, got, ok)
		}
	}
	if _, ok := compliance.ParseStatus("klart"); ok {
		t.Error("klart is a status")
	}
	for in, want := range map[string]compliance.Obligation{"inventory": compliance.Inventory, "Mål": compliance.Goals, "mal": compliance.Goals,
		"handlingsplan": compliance.Plan, "Handlingsplan och åtgärder": compliance.Plan, "plan": compliance.Plan, "Rapportering": compliance.Reporting} {
		if got, ok := compliance.ParseObligation(in); !ok || got != want {
			t.Errorf("obligation %q: %q %v", in, got, ok)
		}
	}
}
