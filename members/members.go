// Package members keeps the association's members register: who is a member
// (a municipality by its 4-digit code, a region by its county's 2-digit
// code), since when, whether as an observer, until when, and its two
// contacts. Every change is a new row; nothing is overwritten, so the
// register's history is kept. Every change takes the actor making it and is
// refused unless package access lets that actor manage the register.
package members

import (
	"context"
	"regexp"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Kinds of member.
const (
	KindMunicipality = "municipality"
	KindRegion       = "region"
)

// Contact is a named person with an e-mail address.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Member is a member's current entry in the register.
type Member struct {
	Code          string     `json:"code"`
	Kind          string     `json:"kind"`
	Joined        time.Time  `json:"joined"`
	ObserverUntil *time.Time `json:"observer_until,omitempty"` // observer (not binding) until this date
	Ended         *time.Time `json:"ended,omitempty"`
	Official      Contact    `json:"official"` // the elected official (politiker)
	Officer       Contact    `json:"officer"`  // the officer (tjänsteperson)
	ChangedBy     string     `json:"changed_by"`
	ChangedAt     time.Time  `json:"changed_at"`
	// Example marks a made-up member (the demo's, MarkExample): its
	// reports are example data, and every page showing them says so.
	Example bool `json:"example,omitempty"`
}

// Active reports whether the membership runs on date.
func (m Member) Active(date time.Time) bool {
	return !date.Before(m.Joined) && (m.Ended == nil || date.Before(*m.Ended))
}

// Observer reports whether the member is an observer on date.
func (m Member) Observer(date time.Time) bool {
	return m.ObserverUntil != nil && date.Before(*m.ObserverUntil)
}

type row struct {
	Code          string     `ch:"code"`
	Kind          string     `ch:"kind"`
	Joined        time.Time  `ch:"joined"`
	ObserverUntil *time.Time `ch:"observer_until"`
	Ended         *time.Time `ch:"ended"`
	OfficialName  string     `ch:"official_name"`
	OfficialEmail string     `ch:"official_email"`
	OfficerName   string     `ch:"officer_name"`
	OfficerEmail  string     `ch:"officer_email"`
	storage.Change
}

func (r row) member() Member {
	return Member{Code: r.Code, Kind: r.Kind, Joined: r.Joined, ObserverUntil: r.ObserverUntil, Ended: r.Ended,
		Official: Contact{r.OfficialName, r.OfficialEmail}, Officer: Contact{r.OfficerName, r.OfficerEmail},
		ChangedBy: r.By, ChangedAt: r.At}
}

// Register is the members register in a database.
type Register struct {
	DB  storage.DB
	Now func() time.Time
	// OnChange is called after a change (caches).
	OnChange func()

	clock storage.Clock
}

func (r *Register) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

var codeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

// checkCode refuses a code that is neither a municipality's nor a county's.
func checkCode(code string) error {
	if !codeRe.MatchString(code) {
		return kr.E(kr.Invalid, "Koden %q är varken en kommunkod (fyra siffror) eller en länskod för en region (två siffror).", code)
	}
	return nil
}

// mayChange checks that actor may change the register (administrators and
// the command line). Every change asks it first, before anything is read,
// so that whoever calls the register, a refused actor learns and writes
// nothing.
func mayChange(actor kr.Actor) error {
	err := access.Check(actor, access.ManageMembers, "")
	if kr.KindOf(err) == kr.Forbidden {
		return kr.E(kr.Forbidden, "Bara administratörer får ändra i medlemsregistret.")
	}
	return err
}

// Save validates m and writes it as the member's current entry.
func (r *Register) Save(ctx context.Context, actor kr.Actor, m Member) (Member, error) {
	if err := mayChange(actor); err != nil {
		return Member{}, err
	}
	return r.save(ctx, actor, m)
}

// save validates m and writes it as the member's current entry, for an
// actor whose right the caller has checked.
func (r *Register) save(ctx context.Context, actor kr.Actor, m Member) (Member, error) {
	if err := checkCode(m.Code); err != nil {
		return Member{}, err
	}
	if m.Kind == "" {
		m.Kind = KindMunicipality
		if len(m.Code) == 2 {
			m.Kind = KindRegion
		}
	}
	if m.Kind != KindMunicipality && m.Kind != KindRegion {
		return Member{}, kr.E(kr.Invalid, "Typen finns inte: en medlem är en kommun (%s) eller en region (%s).", KindMunicipality, KindRegion)
	}
	if (m.Kind == KindRegion) != (len(m.Code) == 2) {
		return Member{}, kr.E(kr.Invalid, "En region anges med sin länskod (två siffror), en kommun med sin kommunkod (fyra siffror).")
	}
	if m.Joined.IsZero() {
		return Member{}, kr.E(kr.Invalid, "Ange datum för inträdet.")
	}
	if err := checkDates(m); err != nil {
		return Member{}, err
	}
	if m.Ended != nil && m.Ended.Before(m.Joined) {
		return Member{}, kr.E(kr.Invalid, "Medlemskapet kan inte upphöra före inträdet.")
	}
	if m.ObserverUntil != nil && m.ObserverUntil.Before(m.Joined) {
		return Member{}, kr.E(kr.Invalid, "Observatörstiden kan inte sluta före inträdet.")
	}
	if err := checkContacts(m); err != nil {
		return Member{}, err
	}
	rw := row{Code: m.Code, Kind: m.Kind, Joined: day(m.Joined), ObserverUntil: dayPtr(m.ObserverUntil), Ended: dayPtr(m.Ended),
		OfficialName: m.Official.Name, OfficialEmail: m.Official.Email, OfficerName: m.Officer.Name, OfficerEmail: m.Officer.Email,
		Change: r.clock.Change(actor.Name(), r.now())}
	if err := r.DB.Insert(ctx, "members", []row{rw}); err != nil {
		return Member{}, err
	}
	if r.OnChange != nil {
		r.OnChange()
	}
	saved := rw.member()
	saved.Example = m.Example
	return saved, nil
}

// checkDates refuses a date the register's Date columns cannot hold.
func checkDates(m Member) error {
	dates := []struct {
		what string
		t    *time.Time
	}{{"inträdet", &m.Joined}, {"observatörstidens slut", m.ObserverUntil}, {"medlemskapets slut", m.Ended}}
	for _, d := range dates {
		if d.t != nil && !kr.DateInRange(*d.t) {
			return kr.E(kr.Invalid, "Datumet för %s, %s, ligger utanför de datum som kan sparas. Ange ett datum mellan %s.",
				d.what, d.t.Format(time.DateOnly), kr.DateRangeText())
		}
	}
	return nil
}

// Add makes code a member from joined; observers are observers for
// observerPeriod (one year by default).
func (r *Register) Add(ctx context.Context, actor kr.Actor, code string, joined time.Time, observer bool, observerPeriod time.Duration) (Member, error) {
	if err := mayChange(actor); err != nil {
		return Member{}, err
	}
	if cur, ok, err := r.Get(ctx, code); err != nil {
		return Member{}, err
	} else if ok && cur.Ended == nil {
		return Member{}, kr.E(kr.Conflict, "%s är redan medlem sedan %s.", code, cur.Joined.Format(time.DateOnly))
	}
	m := Member{Code: code, Joined: joined}
	if observer {
		m.ObserverUntil = ObserverUntil(joined, observerPeriod)
	}
	return r.Save(ctx, actor, m)
}

// DefaultObserverPeriod is how long an observer takes part before deciding
// whether to join: one year.
const DefaultObserverPeriod = 365 * 24 * time.Hour

// ObserverDays is the length in whole days of an observer period of the
// given length (0: DefaultObserverPeriod).
func ObserverDays(period time.Duration) int {
	if period <= 0 {
		period = DefaultObserverPeriod
	}
	return int(period / (24 * time.Hour))
}

// ObserverUntil is the end of an observer period of the given length (0:
// DefaultObserverPeriod) starting on joined.
func ObserverUntil(joined time.Time, period time.Duration) *time.Time {
	until := joined.AddDate(0, 0, ObserverDays(period))
	return &until
}

// End ends code's membership on date.
func (r *Register) End(ctx context.Context, actor kr.Actor, code string, date time.Time) (Member, error) {
	if err := mayChange(actor); err != nil {
		return Member{}, err
	}
	m, ok, err := r.Get(ctx, code)
	if err != nil {
		return Member{}, err
	}
	if !ok || m.Ended != nil {
		return Member{}, kr.E(kr.NotFound, "%s är inte medlem.", code)
	}
	m.Ended = &date
	return r.Save(ctx, actor, m)
}

// Get returns a member's current entry (ended ones too).
func (r *Register) Get(ctx context.Context, code string) (Member, bool, error) {
	ms, err := r.list(ctx, memberByCode, code)
	if err != nil || len(ms) == 0 {
		return Member{}, false, err
	}
	return ms[0], true, nil
}

// All returns every member's current entry, ended ones included, by code.
func (r *Register) All(ctx context.Context) ([]Member, error) { return r.list(ctx, allMembers) }

// History returns every entry a member has had, oldest first.
func (r *Register) History(ctx context.Context, code string) ([]Member, error) {
	var rows []row
	if err := r.DB.Select(ctx, &rows, "SELECT "+columns+" FROM members WHERE code = ? ORDER BY version", code); err != nil {
		return nil, err
	}
	out := make([]Member, len(rows))
	for i, rw := range rows {
		out[i] = rw.member()
	}
	return out, nil
}

const columns = `code, toString(kind) AS kind, joined, observer_until, ended, official_name, official_email,
	officer_name, officer_email, changed_by, changed_at, version`

// latest selects the current entry of each member (the row with the highest
// version) whose rows where admits, by code. ClickHouse's argMax passes
// over NULLs, so the two optional dates are taken as a date or the epoch
// and made NULL again: else a membership ended and joined again, or an
// observer period removed, would show the last date set.
func latest(where string) string {
	const none = "toDate('1970-01-01')"
	return `SELECT code, kind, joined, nullIf(observer_on, ` + none + `) AS observer_until, nullIf(ended_on, ` + none + `) AS ended,
		official_name, official_email, officer_name, officer_email, changed_by, changed_at FROM (` +
		storage.Latest("members", []string{"code"}, []string{"toString(kind) AS kind", "joined",
			"ifNull(observer_until, " + none + ") AS observer_on", "ifNull(ended, " + none + ") AS ended_on",
			"official_name", "official_email", "officer_name", "officer_email", "changed_by", "changed_at"}, where) + ") ORDER BY code"
}

// The register's queries, built once: every member's current entry, and
// that of the member whose code is the one argument.
var (
	allMembers   = latest("")
	memberByCode = latest("WHERE code = ?")
)

// list runs sql, one of the queries above, and returns its members.
func (r *Register) list(ctx context.Context, sql string, args ...any) ([]Member, error) {
	var rows []row
	if err := r.DB.Select(ctx, &rows, sql, args...); err != nil {
		return nil, err
	}
	examples, err := r.examples(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Member, len(rows))
	for i, rw := range rows {
		out[i] = rw.member()
		out[i].Example = examples[rw.Code]
	}
	return out, nil
}

func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func dayPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := day(*t)
	return &d
}
