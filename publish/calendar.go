package publish

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// CalendarEvent is one day of a deadline calendar: an all-day date in
// Swedish time (Day holds the year, month and day at midnight UTC).
type CalendarEvent struct {
	// UID names what the event is (the deadline of a year, a member's
	// grace period of an obligation, its observer period), never when it
	// was computed, so a calendar program updates the event it has when a
	// date moves instead of adding another.
	UID         string
	Day         time.Time
	Summary     string
	Description string
}

// calendarDomain ends every UID of the calendars.
const calendarDomain = "@klimatkommunerna.se"

// The years a calendar covers, relative to the snapshot's year: last
// year's deadline (still useful for a late report) to next year's. Grace
// periods and observer periods are listed from the first of these years
// on, however far ahead they end.
const (
	calendarYearsBack  = 1
	calendarYearsAhead = 1
)

// graceObligations are the obligations with a grace period for new
// members, with the Swedish words of an event.
func graceObligations(r compliance.Rules) []struct {
	id, what string
	years    int
} {
	return []struct {
		id, what string
		years    int
	}{
		{"inventory", "inventering av utsläppen", r.Inventory.GraceYears},
		{"goals", "utsläppsmål", r.Goals.GraceYears},
		{"plan", "klimatplan och åtgärder", r.Plan.GraceYears},
		{"reporting", "rapportering", r.Reporting.GraceYears},
	}
}

// Calendar is the association's deadline calendar: the reporting
// deadline of each year covered (rules.DeadlineDay), the end of every
// current member's grace periods (the join date plus each obligation's
// grace years, as the compliance check counts them) and of every
// observer's period. Sorted by day, then UID.
func (snap *Snapshot) Calendar(rules compliance.Rules) []CalendarEvent {
	var evs []CalendarEvent
	for y := snap.AsOf - calendarYearsBack; y <= snap.AsOf+calendarYearsAhead; y++ {
		d := rules.DeadlineDay(y)
		evs = append(evs, CalendarEvent{UID: fmt.Sprintf("deadline-%d%s", y, calendarDomain), Day: d,
			Summary: fmt.Sprintf("Sista dag att rapportera för %d", y),
			Description: fmt.Sprintf("Medlemmarna lämnar in rapporten för %d senast %s (svensk tid) under Rapportera.",
				y, d.Format(time.DateOnly))})
	}
	for _, m := range snap.Members {
		evs = append(evs, snap.memberEvents(rules, m)...)
	}
	return sortEvents(evs)
}

// MemberCalendar is code's own deadline calendar: the reporting
// deadlines it must meet (those on or after the end of its reporting
// grace period, while it is a member), the end of its grace periods and
// of its observer period. Not found when code is no current member.
func (snap *Snapshot) MemberCalendar(rules compliance.Rules, code string) ([]CalendarEvent, error) {
	m, ok := snap.member[code]
	if !ok || !snap.current(m) {
		return nil, kr.E(kr.NotFound, "%s är inte medlem.", code)
	}
	name := snap.calendarName(code)
	var evs []CalendarEvent
	firstDue := m.Joined.AddDate(rules.Reporting.GraceYears, 0, 0)
	for y := snap.AsOf - calendarYearsBack; y <= snap.AsOf+calendarYearsAhead; y++ {
		d := rules.DeadlineDay(y)
		if firstDue.After(d) || (m.Ended != nil && !m.Ended.After(d)) {
			continue
		}
		evs = append(evs, CalendarEvent{UID: fmt.Sprintf("deadline-%d-%s%s", y, code, calendarDomain), Day: d,
			Summary: fmt.Sprintf("%s: sista dag att rapportera för %d", name, y),
			Description: fmt.Sprintf("%s lämnar in rapporten för %d senast %s (svensk tid) under Rapportera.",
				name, y, d.Format(time.DateOnly))})
	}
	return sortEvents(append(markExample(m, evs), snap.memberEvents(rules, m)...)), nil
}

// current reports whether m's membership has not ended by the snapshot's
// day (members who join later count: their dates lie ahead).
func (snap *Snapshot) current(m members.Member) bool {
	return m.Ended == nil || m.Ended.After(snap.Today)
}

// calendarName is how an event names a member: SCB's name, else its code.
func (snap *Snapshot) calendarName(code string) string {
	return cmp.Or(snap.names[code], code)
}

// memberEvents are the ends of m's grace periods and observer period that
// fall in the calendar's years; none when its membership has ended.
func (snap *Snapshot) memberEvents(rules compliance.Rules, m members.Member) []CalendarEvent {
	if !snap.current(m) {
		return nil
	}
	from := time.Date(snap.AsOf-calendarYearsBack, time.January, 1, 0, 0, 0, 0, time.UTC)
	name := snap.calendarName(m.Code)
	var evs []CalendarEvent
	for _, o := range graceObligations(rules) {
		if o.years <= 0 {
			continue
		}
		due := m.Joined.AddDate(o.years, 0, 0)
		if due.Before(from) {
			continue
		}
		evs = append(evs, CalendarEvent{UID: fmt.Sprintf("grace-%s-%s%s", o.id, m.Code, calendarDomain), Day: due,
			Summary: fmt.Sprintf("%s: karenstiden för %s slutar", name, o.what),
			Description: fmt.Sprintf("%s blev medlem %s och har som ny medlem %s år på sig; från %s gäller kravet på %s.",
				name, m.Joined.Format(time.DateOnly), swedish.Count(o.years), due.Format(time.DateOnly), o.what)})
	}
	if m.ObserverUntil != nil && !m.ObserverUntil.Before(from) {
		d := *m.ObserverUntil
		evs = append(evs, CalendarEvent{UID: fmt.Sprintf("observer-%s%s", m.Code, calendarDomain), Day: d,
			Summary: fmt.Sprintf("%s: observatörsåret slutar", name),
			Description: fmt.Sprintf("%s är observatör till %s; därefter är kraven bindande.",
				name, d.Format(time.DateOnly))})
	}
	return markExample(m, evs)
}

// exampleMark ends the description of a made-up member's events
// (members.Member.Example), as every answer showing one says so.
const exampleMark = " Exempeldata: medlemmen är påhittad."

func markExample(m members.Member, evs []CalendarEvent) []CalendarEvent {
	if m.Example {
		for i := range evs {
			evs[i].Description += exampleMark
		}
	}
	return evs
}

func sortEvents(evs []CalendarEvent) []CalendarEvent {
	slices.SortFunc(evs, func(a, b CalendarEvent) int {
		return cmp.Or(a.Day.Compare(b.Day), cmp.Compare(a.UID, b.UID))
	})
	return evs
}
