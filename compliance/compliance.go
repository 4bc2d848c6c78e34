// Package compliance owns the four obligations of membership (inventory,
// goals, action plan and measures, reporting): for every member and
// reporting year it decides whether the member lives up to each, shows the
// evidence and says in Swedish what is missing and how to fix it. It also
// owns the rules file (Rules), reviewers' overrides and members' replies
// (append-only), the follow-up of each goal shown to reviewers, and the
// board's workbook (WriteXLSX, printed through xlsx.SetLayout).
//
// The facts come from ClickHouse as aggregates per member (facts.go); the
// rules (rules.go) are small Go functions over those facts (evaluate.go), so
// the result is deterministic for the same data, rules and evaluation date.
// Goal follow-up is not computed here: each goal is followed up by
// analytics.FollowGoal over the figures package figures loads
// (figures.Data.LoadGoalFigures: SMHI's published release and the reported
// figures visible on the evaluation date), built into sources by the same
// figures.GoalSources as on the municipality's public page (tracking.go).
// The review does not read the public pages' cached figures.
//
// What is visible: accepted submissions uploaded on or before the evaluation
// date (AsOf, default now), by submissions' one visible-as-of rule: each
// inventory year comes from the latest submission holding that year, and
// goals, plans and measures from the latest submission with rows in that
// sheet. A past year is judged on the data visible on the evaluation date,
// with grace periods, observer periods and decision dates taken at the end
// of that year.
//
// How each status is decided, for report year Y (parameters in Rules):
//
//   - Inventory: uppfyllt when some year ≥ Y−2 has a value or a notation
//     key with a comment for all nine main sectors, and every year of the
//     five ending at the latest reported year (not before the first) has
//     values; delvis when inventory exists but the latest year is too old,
//     sectors are missing or a year is; saknas when nothing is reported.
//   - Goals: uppfyllt when a goal without a sector (total territorial
//     emissions) of a counted type has a base year, a reduction (net zero
//     counts as 100 %), a target year ≥ Y, and a political decision:
//     "Beslutat av" names a political body (fullmäktige, styrelse, nämnd,
//     KF, KS, RF, RS by default) and "Beslutsdatum" is given and not after
//     the day judged on. Goals whose target year has passed are warnings.
//     delvis when goals exist but none qualifies (the explanation names the
//     closest one and what it lacks); saknas when there are none.
//   - Action plan and measures: uppfyllt when a plan with an adoption date
//     is valid in Y (an empty "Gäller från"/"Gäller till" is open) and at
//     least one measure is Pågående or Genomförd; delvis when one of the
//     two is missing; saknas when there is neither plan nor measure.
//   - Reporting: uppfyllt when an accepted submission with report year Y
//     was uploaded by the deadline (30 June of Y, Swedish time); försenat
//     when the first came later; ej förfallet before the deadline or when
//     the member joined after it; saknas after the deadline.
//   - A new member's inventory (two years), goals and plan (three years
//     from joining) are ej förfallet until then, unless already uppfyllt.
//   - Observers, and members that have left, are evaluated the same way but
//     marked as not binding.
//   - A reviewer's override replaces the computed status (both are shown);
//     removing it brings the computed status back.
package compliance

import (
	"slices"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Status of one obligation. The values are what people see.
type Status string

// The statuses.
const (
	Fulfilled Status = "uppfyllt"     // the obligation is met
	Partial   Status = "delvis"       // something is there, but not enough
	Missing   Status = "saknas"       // nothing is there
	NotDue    Status = "ej förfallet" // not due yet (grace period, deadline ahead)
	Late      Status = "försenat"     // met, but after the deadline
)

// statuses lists every status, in the order of a summary.
var statuses = []Status{Fulfilled, Partial, Late, Missing, NotDue}

// Statuses returns every status, in the order of a summary.
func Statuses() []Status { return slices.Clone(statuses) }

// ParseStatus reads a status, forgiving case, surrounding space and "_" or
// "-" for the space, and "o" for "ö".
func ParseStatus(s string) (Status, bool) {
	k := looseStatus(s)
	for _, st := range statuses {
		if looseStatus(string(st)) == k {
			return st, true
		}
	}
	return "", false
}

// Obligation names one of the four obligations.
type Obligation string

// The obligations, with stable ids.
const (
	Inventory Obligation = "inventory"
	Goals     Obligation = "goals"
	Plan      Obligation = "plan"
	Reporting Obligation = "reporting"
)

// obligations lists the obligations in the association's order.
var obligations = []Obligation{Inventory, Goals, Plan, Reporting}

// Obligations returns the obligations in the association's order.
func Obligations() []Obligation { return slices.Clone(obligations) }

// Title is the obligation's Swedish name.
func (o Obligation) Title() string {
	switch o {
	case Inventory:
		return "Inventering"
	case Goals:
		return "Mål"
	case Plan:
		return "Handlingsplan och åtgärder"
	case Reporting:
		return "Rapportering"
	}
	return string(o)
}

// ParseObligation reads an obligation by id or Swedish name.
func ParseObligation(s string) (Obligation, bool) {
	k := looseStatus(s)
	for _, o := range obligations {
		if k == string(o) || k == looseStatus(o.Title()) {
			return o, true
		}
	}
	switch k {
	case "inventering", "utslapp":
		return Inventory, true
	case "mal":
		return Goals, true
	case "handlingsplan", "atgarder", "action_plan":
		return Plan, true
	case "rapportering", "rapport":
		return Reporting, true
	}
	return "", false
}

// Evidence points at what a result rests on.
type Evidence struct {
	Submission string    `json:"submission,omitempty"`
	UploadedAt time.Time `json:"uploaded_at,omitzero"`
	Sheet      string    `json:"sheet,omitempty"`
	Rows       []int     `json:"rows,omitempty"` // 1-based rows of Sheet
	Year       int       `json:"year,omitempty"` // the inventory or report year concerned
	Note       string    `json:"note"`           // Swedish: what this shows
}

// Result is one member's standing on one obligation for one year.
type Result struct {
	Obligation Obligation `json:"obligation"`
	Title      string     `json:"title"`
	// Status is what counts: the reviewer's override when there is one,
	// else Computed.
	Status     Status `json:"status"`
	Computed   Status `json:"computed_status"`
	Overridden bool   `json:"overridden"`
	// Due is when the obligation must be met: the end of a new member's
	// grace period, or the reporting deadline. Zero when it applies
	// without a date of its own.
	Due time.Time `json:"due,omitzero"`
	// Explanation is Swedish: what is there, what is missing, and what
	// would fix it.
	Explanation string     `json:"explanation"`
	Warnings    []string   `json:"warnings"`
	Evidence    []Evidence `json:"evidence"`
	// Override is the reviewer's current decision (nil: none).
	Override *Event `json:"override,omitempty"`
	// History is every review and reply for this result, oldest first.
	History []Event `json:"history"`
}

// MemberResult is a member's standing on all obligations for a year.
type MemberResult struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Kind   string     `json:"kind"`
	Joined time.Time  `json:"joined"`
	Ended  *time.Time `json:"ended,omitempty"`
	// Observer is true when the member is an observer on the evaluation
	// date; ObserverUntil is when that ends.
	Observer      bool       `json:"observer"`
	ObserverUntil *time.Time `json:"observer_until,omitempty"`
	// Binding is false for observers and for members that have left: they
	// are evaluated, but the result does not bind them.
	Binding          bool        `json:"binding"`
	NotBindingReason string      `json:"not_binding_reason,omitempty"`
	Obligations      []Result    `json:"obligations"`
	Fulfilled        int         `json:"fulfilled"` // obligations with status uppfyllt
	Goals            []GoalTrack `json:"goal_tracking"`
	// SMHIRelease is the SMHI release the goals were followed up against
	// (nil when none is imported, or with Query.NoTracking).
	SMHIRelease *figures.ReleaseRef `json:"smhi_release,omitempty"`
}

// Result returns the member's result for o.
func (m MemberResult) Result(o Obligation) (Result, bool) {
	for _, r := range m.Obligations {
		if r.Obligation == o {
			return r, true
		}
	}
	return Result{}, false
}

// Report is the evaluation of a year.
type Report struct {
	Year     int       `json:"year"`
	AsOf     time.Time `json:"as_of"`
	Deadline time.Time `json:"deadline"` // last day to report for Year
	Rules    Rules     `json:"rules"`
	// SMHIRelease is the SMHI release goals were followed up against (nil
	// when none is imported, or with Query.NoTracking).
	SMHIRelease *figures.ReleaseRef `json:"smhi_release,omitempty"`
	Members     []MemberResult      `json:"members"`
	Summary     Summary             `json:"summary"`
}

// Summary counts statuses per obligation, for binding members and for all.
type Summary struct {
	Members    int                           `json:"members"`
	Binding    int                           `json:"binding"`
	Counts     map[Obligation]map[Status]int `json:"counts"`         // every member
	BindingBy  map[Obligation]map[Status]int `json:"binding_counts"` // binding members only
	AllMet     int                           `json:"all_fulfilled"`  // members with every obligation uppfyllt
	Overridden int                           `json:"overridden"`     // results with a reviewer's override
	Tracking   map[string]int                `json:"goal_tracking"`  // on_track, off_track, unknown (total goals)
}

// Summarise counts the statuses of members.
func Summarise(members []MemberResult) Summary {
	s := Summary{Counts: map[Obligation]map[Status]int{}, BindingBy: map[Obligation]map[Status]int{},
		Tracking: map[string]int{"on_track": 0, "off_track": 0, "unknown": 0}}
	for _, o := range obligations {
		s.Counts[o], s.BindingBy[o] = map[Status]int{}, map[Status]int{}
		for _, st := range statuses {
			s.Counts[o][st], s.BindingBy[o][st] = 0, 0
		}
	}
	for _, m := range members {
		s.Members++
		if m.Binding {
			s.Binding++
		}
		all := len(m.Obligations) == len(obligations)
		for _, r := range m.Obligations {
			s.Counts[r.Obligation][r.Status]++
			if m.Binding {
				s.BindingBy[r.Obligation][r.Status]++
			}
			if r.Status != Fulfilled {
				all = false
			}
			if r.Overridden {
				s.Overridden++
			}
		}
		if all {
			s.AllMet++
		}
		for _, g := range m.Goals {
			if g.Sector != "" {
				continue
			}
			switch {
			case g.Tracking == nil:
				s.Tracking["unknown"]++
			case g.Tracking.OnTrack:
				s.Tracking["on_track"]++
			default:
				s.Tracking["off_track"]++
			}
		}
	}
	return s
}

// EndOfDay is the last second of d's day in Swedish time: an evaluation
// "as of" a date sees everything uploaded that day.
func EndOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, swedish.Zone)
}

// looseStatus is s lower-cased and trimmed, with "_" and "-" as spaces and
// å, ä, ö as a, a, o.
func looseStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("_", " ", "-", " ", "å", "a", "ä", "a", "ö", "o").Replace(s)
}

// formatPct writes a percentage the Swedish way, with a decimal only when
// the value has one: "50 %", "12,5 %".
func formatPct(v float64) string {
	if v == float64(int64(v)) {
		return swedish.Percent(v, 0)
	}
	return swedish.Percent(v, 1)
}
