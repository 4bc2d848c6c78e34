// Package reminders sends the association's reminders by e-mail: to each
// binding member's officer contact (the members register) and officer
// accounts (accounts), some days before the reporting deadline when an
// obligation is not met (the compliance check names what is missing),
// weekly after the deadline until it is, and to observers before their
// observer period ends. Every reminder has a stable key
// ("member/1281/2026/before-30"); a run claims the keys it is due to send
// in the reminders table before sending and sends only those whose
// earliest claim is its own, then records them as sent, so that a restart
// or a second instance never sends a reminder twice.
package reminders

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/mail"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// DefaultDays are the days before a deadline that reminders go out.
var DefaultDays = []int{30, 7}

// Service finds the reminders due and sends them.
type Service struct {
	DB         storage.DB
	Compliance *compliance.Engine
	Members    *members.Register
	Accounts   *accounts.Store
	Mail       mail.Sender // nil: nothing can be sent (Plan still works)
	// PublicURL is the service's address in links ("https://…"); empty:
	// the mail names the page without the host.
	PublicURL string
	// Days before the deadline (and an observer period's end) that a
	// reminder goes out; nil: DefaultDays.
	Days []int
	// ClaimWait is how long a run waits after claiming for the claims of
	// runs claiming at the same moment; 0: DefaultClaimWait.
	ClaimWait time.Duration
	Now       func() time.Time
	Log       *slog.Logger
}

// DefaultClaimWait is ClaimWait's default.
const DefaultClaimWait = 2 * time.Second

// Reminder is one e-mail due.
type Reminder struct {
	Key     string   `json:"key"`
	Code    string   `json:"code"`
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Text    string   `json:"text"`
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) days() []int {
	d := slices.Clone(s.Days)
	if len(d) == 0 {
		d = slices.Clone(DefaultDays)
	}
	slices.Sort(d)
	return d
}

// Plan returns the reminders due for year now that no run has sent or is
// sending: what `remind --dry-run` prints and Send sends.
func (s *Service) Plan(ctx context.Context, year int) ([]Reminder, error) {
	now := s.now()
	rep, err := s.Compliance.Evaluate(ctx, compliance.Query{Year: year, AsOf: now, NoTracking: true})
	if err != nil {
		return nil, err
	}
	ms, err := s.Members.All(ctx)
	if err != nil {
		return nil, err
	}
	contacts := map[string]members.Member{}
	for _, m := range ms {
		contacts[m.Code] = m
	}
	accs, err := s.Accounts.List(ctx)
	if err != nil {
		return nil, err
	}
	claims, err := s.claims(ctx)
	if err != nil {
		return nil, err
	}
	today := compliance.SwedishDay(now)
	var out []Reminder
	for _, m := range rep.Members {
		for _, r := range s.due(rep, m, today) {
			if claims[r.Key].taken() {
				continue
			}
			if r.To = recipients(contacts[m.Code], accs); len(r.To) == 0 {
				s.log().Warn("reminder due but the member has no officer's e-mail address", "key", r.Key)
				continue
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// ObserverEndedDays is how long after an observer period has ended the
// observer may still be told so (a run missed on the day sends it later).
const ObserverEndedDays = 30

// due returns the reminders due today for m: that its observer period has
// ended, and the reminder of its obligations, as they apply.
func (s *Service) due(rep compliance.Report, m compliance.MemberResult, today time.Time) []Reminder {
	var out []Reminder
	if m.ObserverUntil != nil && !m.Observer && (m.Ended == nil || today.Before(*m.Ended)) {
		until := compliance.SwedishDay(*m.ObserverUntil)
		if since := daysBetween(until, today); since >= 0 && since < ObserverEndedDays {
			key := fmt.Sprintf("observer/%s/%s/ended", m.Code, until.Format(time.DateOnly))
			out = append(out, Reminder{Key: key, Code: m.Code, Subject: fmt.Sprintf("Klimatkommunerna: er tid som observatör slutade %s", until.Format(time.DateOnly)),
				Text: s.observerEndedText(rep, m, key)})
		}
	}
	if r, ok := s.reminder(rep, m, today); ok {
		out = append(out, r)
	}
	return out
}

// reminder returns the reminder due today for m, if any.
func (s *Service) reminder(rep compliance.Report, m compliance.MemberResult, today time.Time) (Reminder, bool) {
	miss := missing(rep, m)
	switch {
	case m.Observer && m.ObserverUntil != nil:
		left := daysBetween(today, compliance.SwedishDay(*m.ObserverUntil))
		stage, ok := s.before(left)
		if !ok {
			return Reminder{}, false
		}
		key := fmt.Sprintf("observer/%s/%s/%s", m.Code, m.ObserverUntil.Format(time.DateOnly), stage)
		return Reminder{Key: key, Code: m.Code, Subject: fmt.Sprintf("Klimatkommunerna: er tid som observatör slutar %s", m.ObserverUntil.Format(time.DateOnly)),
			Text: s.observerText(m, left, miss, key)}, true
	case !m.Binding || len(miss) == 0:
		return Reminder{}, false
	}
	left := daysBetween(today, rep.Deadline)
	stage, ok := s.before(left)
	subject := fmt.Sprintf("Klimatkommunerna: det här saknas för %d (sista dagen %s)", rep.Year, rep.Deadline.Format(time.DateOnly))
	if left < 0 {
		stage, ok = fmt.Sprintf("after-%d", (-left-1)/7+1), true // weekly after the deadline
		subject = fmt.Sprintf("Klimatkommunerna: försenat för %d (sista dagen var %s)", rep.Year, rep.Deadline.Format(time.DateOnly))
	}
	if !ok {
		return Reminder{}, false
	}
	key := fmt.Sprintf("member/%s/%d/%s", m.Code, rep.Year, stage)
	return Reminder{Key: key, Code: m.Code, Subject: subject, Text: s.memberText(rep, m, left, miss, key)}, true
}

// before returns the stage of a reminder left days before a date: the
// fewest configured days not fewer than left ("before-7").
func (s *Service) before(left int) (string, bool) {
	if left < 0 {
		return "", false
	}
	for _, d := range s.days() {
		if left <= d {
			return fmt.Sprintf("before-%d", d), true
		}
	}
	return "", false
}

// missing returns m's obligations not met: missing or partial, and a
// report not in yet with the deadline ahead (not one a new member's grace
// period puts off).
func missing(rep compliance.Report, m compliance.MemberResult) []compliance.Result {
	var out []compliance.Result
	for _, r := range m.Obligations {
		switch r.Status {
		case compliance.Missing, compliance.Partial:
		case compliance.NotDue:
			if r.Obligation != compliance.Reporting || m.Joined.AddDate(rep.Rules.Reporting.GraceYears, 0, 0).After(rep.Deadline) {
				continue
			}
		default:
			continue
		}
		out = append(out, r)
	}
	return out
}

// recipients are the member's officer contact and its officer accounts,
// each address once.
func recipients(m members.Member, accs []accounts.Account) []string {
	var to []string
	if e := accounts.NormalizeEmail(m.Officer.Email); e != "" {
		to = append(to, e)
	}
	for _, a := range accs {
		if a.Role == kr.RoleOfficer && a.Municipality == m.Code && m.Code != "" && !a.Disabled {
			to = append(to, accounts.NormalizeEmail(a.Email))
		}
	}
	slices.Sort(to)
	return slices.Compact(to)
}

// daysBetween is the number of days from a to b (dates at UTC midnight).
func daysBetween(a, b time.Time) int {
	return int(b.Sub(time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Send sends the reminders due for year (Plan) as actor, each once across
// runs and instances, and returns those this run sent. A reminder whose
// sending fails is recorded as failed and is due again at the next run.
func (s *Service) Send(ctx context.Context, actor kr.Actor, year int) ([]Reminder, error) {
	if err := access.Check(actor, access.SendReminders, ""); err != nil {
		return nil, err
	}
	if s.Mail == nil {
		return nil, kr.E(kr.Invalid, "Ingen e-postserver är angiven (--smtp-url).")
	}
	due, err := s.Plan(ctx, year)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	claim, won, err := s.claim(ctx, due)
	if err != nil {
		return nil, err
	}
	var sent []Reminder
	var errs []error
	for _, r := range won {
		state := stateSent
		if err := s.Mail.Send(ctx, mail.Message{To: r.To, Subject: r.Subject, Text: r.Text}); err != nil {
			s.log().Error("reminder not sent; it is due again at the next run", "key", r.Key, "err", err)
			errs = append(errs, err)
			state = stateFailed
		}
		if err := s.record(ctx, r, claim, state); err != nil {
			return sent, err
		}
		if state == stateSent {
			s.log().Info("reminder sent", "key", r.Key, "to", len(r.To))
			sent = append(sent, r)
		}
	}
	if len(errs) > 0 {
		return sent, fmt.Errorf("%d of %d reminders not sent: %w", len(errs), len(won), errs[0])
	}
	return sent, nil
}

// Sort orders reminders by key, for printing.
func Sort(rs []Reminder) {
	slices.SortFunc(rs, func(a, b Reminder) int { return cmp.Compare(a.Key, b.Key) })
}

// link is the page where a member reports.
func (s *Service) link() string {
	if s.PublicURL == "" {
		return "sidan /rapportera på Klimatkommunernas rapporttjänst"
	}
	return strings.TrimRight(s.PublicURL, "/") + "/rapportera"
}

// newClaim is a run's claim id.
func newClaim() string { return uuid.NewString() }
