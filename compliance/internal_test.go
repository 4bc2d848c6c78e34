package compliance

import (
	"testing"
	"time"
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
