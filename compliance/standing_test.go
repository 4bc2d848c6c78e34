package compliance_test

import (
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
)

func TestStanding(t *testing.T) {
	rules := compliance.DefaultRules() // deadline 30 June, dormant 60 days later
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("CEST", 2*3600))
		if err != nil {
			panic(err)
		}
		return t
	}
	joined := date("2020-03-01")
	member := members.Member{Code: "1480", Kind: members.KindMunicipality, Joined: joined}
	until := date("2026-05-01")
	observer := members.Member{Code: "0180", Kind: members.KindMunicipality, Joined: date("2025-05-01"), ObserverUntil: &until}
	ended := date("2025-01-01")
	left := members.Member{Code: "1281", Kind: members.KindMunicipality, Joined: joined, Ended: &ended}
	late := members.Member{Code: "0581", Kind: members.KindMunicipality, Joined: date("2026-07-01")}
	for _, c := range []struct {
		name     string
		m        members.Member
		day      time.Time
		year     int
		reported bool
		want     string
	}{
		{"before the grace time ends", member, at("2026-08-29 23:59"), 2026, false, compliance.StandingMember},
		{"the grace time over, no report", member, at("2026-08-30 00:00"), 2026, false, compliance.StandingDormant},
		{"reinstated by the report", member, at("2026-08-30 00:00"), 2026, true, compliance.StandingMember},
		{"joined after the deadline", late, at("2026-12-01 12:00"), 2026, false, compliance.StandingMember},
		{"observer", observer, at("2026-04-30 12:00"), 2025, false, compliance.StandingObserver},
		{"observer year over", observer, at("2026-05-01 12:00"), 2025, false, compliance.StandingObserverEnded},
		{"left", left, at("2026-08-30 00:00"), 2026, false, ""},
	} {
		if got := rules.Standing(c.m, c.year, c.day, c.reported); got != c.want {
			t.Errorf("%s: standing %q, want %q", c.name, got, c.want)
		}
	}
	for day, want := range map[string]int{"2026-08-29 23:59": 2025, "2026-08-30 00:00": 2026, "2027-01-15 12:00": 2026} {
		if got := rules.StandingYear(at(day)); got != want {
			t.Errorf("StandingYear(%s) = %d, want %d", day, got, want)
		}
	}
	rules.Reporting.DormantAfterDays = 10
	if got := rules.Standing(member, 2026, at("2026-07-11 00:00"), false); got != compliance.StandingDormant {
		t.Errorf("dormant after 10 days: %q", got)
	}
	if _, err := compliance.ParseRules([]byte(`{"reporting":{"dormant_after_days":-1}}`)); err == nil {
		t.Error("a negative dormant_after_days was accepted")
	}
}
