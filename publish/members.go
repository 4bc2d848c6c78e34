package publish

import (
	"cmp"
	"slices"
	"time"

	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
)

// ListedMember is one current member or observer as the public sees it:
// no contact details.
type ListedMember struct {
	Code          string     `json:"code"`
	Name          string     `json:"name"`
	Kind          string     `json:"kind"` // members.KindMunicipality or members.KindRegion
	Joined        time.Time  `json:"joined"`
	ObserverUntil *time.Time `json:"observer_until,omitempty"`
	// Status is the standing (compliance.Standing): medlem, observatör,
	// vilande or observatörsår slut.
	Status  string `json:"status"`
	Example bool   `json:"example,omitempty"` // members.Member.Example
}

// MemberList returns every current member and observer on the snapshot's
// day, by name, with its standing under rules (members that have left or
// not yet joined are left out).
func (snap *Snapshot) MemberList(rules compliance.Rules) []ListedMember {
	out := []ListedMember{}
	for _, m := range snap.Members {
		st := snap.Standing(m, rules)
		if st == "" {
			continue
		}
		out = append(out, ListedMember{Code: m.Code, Name: cmp.Or(snap.names[m.Code], m.Code), Kind: m.Kind, Joined: m.Joined,
			ObserverUntil: m.ObserverUntil, Status: st, Example: m.Example})
	}
	slices.SortFunc(out, func(a, b ListedMember) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code)) })
	return out
}

// Standing is m's standing on the snapshot's day under rules, judged by
// whether the published reports hold one for the year that decides it
// (compliance.Rules.StandingYear): "" for a member that has left.
func (snap *Snapshot) Standing(m members.Member, rules compliance.Rules) string {
	year := rules.StandingYear(snap.Today)
	return rules.Standing(m, year, snap.Today, snap.reported(m.Code, year))
}

// reported tells whether the published reports of code include one for
// report year or a later one: a submission the area's current figures come
// from. (A report is the newest for the inventory years it holds, so it is
// among them until a later report replaces it.)
func (snap *Snapshot) reported(code string, year int) bool {
	rep := snap.reports.series[code]
	if rep == nil {
		return false
	}
	for _, id := range rep.SubmissionIDs() {
		if snap.reports.refs[id].ReportYear >= year {
			return true
		}
	}
	return false
}
