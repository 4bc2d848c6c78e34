package compliance

import (
	"time"

	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// A member's standing, as the public list of members, the members API and
// the board's workbook show it. It is computed from the register and the
// reports, never stored: a dormant member is reinstated by its report.
const (
	StandingMember        = "medlem"
	StandingObserver      = "observatör"
	StandingDormant       = "vilande"            // a report missing DormantAfterDays after its deadline
	StandingObserverEnded = "observatörsår slut" // the observer year is over and no membership followed
)

// DefaultDormantAfterDays is how long after the reporting deadline a
// missing report makes a member dormant (vilande), unless the rules file
// says otherwise.
const DefaultDormantAfterDays = 60

// dormantFrom is the first instant a member without a report for year is
// dormant: DormantAfterDays days after the deadline, Swedish time.
func (r Rules) dormantFrom(year int) time.Time {
	return r.deadlineEnd(year).AddDate(0, 0, r.Reporting.DormantAfterDays)
}

// StandingYear is the reporting year whose report decides on day whether a
// member is dormant: the latest whose deadline plus DormantAfterDays has
// passed.
func (r Rules) StandingYear(day time.Time) int {
	y := day.In(swedish.Zone).Year()
	if day.Before(r.dormantFrom(y)) {
		y--
	}
	return y
}

// Standing is m's standing on day, judged by the report for year (for the
// public list StandingYear(day); for the board the year evaluated):
// reported tells whether m has an accepted report for it. A member who had
// to report for year (joined, with the reporting grace, by its deadline)
// and has not, DormantAfterDays after the deadline, is dormant; an
// observer whose year has ended is shown as such. Members that have left,
// or not yet joined, have no standing ("").
func (r Rules) Standing(m members.Member, year int, day time.Time, reported bool) string {
	if !m.Active(day) {
		return ""
	}
	if m.ObserverUntil != nil {
		if m.Observer(day) {
			return StandingObserver
		}
		return StandingObserverEnded
	}
	firstDue := m.Joined.AddDate(r.Reporting.GraceYears, 0, 0)
	required := !firstDue.After(r.DeadlineDay(year))
	if required && !reported && !day.Before(r.dormantFrom(year)) {
		return StandingDormant
	}
	return StandingMember
}

// standingOf is the standing of an evaluated member on the evaluation day,
// judged by the evaluated year's report (on time or late), as the board's
// workbook shows it.
func (r Rules) standingOf(m MemberResult, year int, asOf time.Time) string {
	if m.Observer && m.ObserverUntil == nil {
		return StandingObserver
	}
	rep, _ := m.Result(Reporting)
	reported := rep.Status == Fulfilled || rep.Status == Late
	return r.Standing(members.Member{Code: m.Code, Kind: m.Kind, Joined: m.Joined, ObserverUntil: m.ObserverUntil, Ended: m.Ended}, year, asOf, reported)
}

// CurrentRules are the rules e judges by: the defaults when e is nil or
// has none set.
func (e *Engine) CurrentRules() Rules {
	if e == nil || e.Rules.Reporting.Deadline == "" {
		return DefaultRules()
	}
	return e.Rules
}
