package membertest

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/members"
)

// Verdicts the office gives an application.
const (
	VerdictMember   = "medlem"
	VerdictObserver = "observatör"
	VerdictNotYet   = "inte än"
)

// Verdicts are the verdicts in the order the review offers them.
func Verdicts() []string { return []string{VerdictMember, VerdictObserver, VerdictNotYet} }

// MaxComment is the longest comment on a decision, in characters.
const MaxComment = 2000

// DecisionInput is what a reviewer decides on one application: the
// verdict, the day a membership or observer period starts (ignored for
// "not yet") and a comment, which "not yet" needs (the applicant is told
// it).
type DecisionInput struct {
	Application string
	Verdict     string
	From        time.Time
	Comment     string
}

// Decision is a decision as kept, with whether its e-mail went out.
type Decision struct {
	ID, Application, Code string
	Verdict               string
	From                  time.Time
	ObserverUntil         *time.Time // observers
	Comment               string
	By                    string
	At                    time.Time
	Mail                  MailState
}

// MailState is the last attempt to tell the applicant of a decision.
type MailState struct {
	State      string // MailSent, MailFailed, or "" when none was made (no e-mail server)
	Recipients []string
	Error      string
	At         time.Time
}

// States of a decision's e-mail.
const (
	MailSent   = "sent"
	MailFailed = "failed"
)

type decisionRow struct {
	ID            string     `ch:"id"`
	Application   string     `ch:"application_id"`
	Code          string     `ch:"code"`
	Verdict       string     `ch:"verdict"`
	From          time.Time  `ch:"from_date"`
	ObserverUntil *time.Time `ch:"observer_until"`
	Comment       string     `ch:"comment"`
	By            string     `ch:"decided_by"`
	At            time.Time  `ch:"decided_at"`
}

func (r decisionRow) decision() Decision {
	return Decision{ID: r.ID, Application: r.Application, Code: r.Code, Verdict: r.Verdict, From: r.From,
		ObserverUntil: r.ObserverUntil, Comment: r.Comment, By: r.By, At: r.At}
}

// check refuses a decision that cannot be taken as given, in Swedish.
func (in *DecisionInput) check() error {
	in.Comment = strings.TrimSpace(in.Comment)
	switch in.Verdict {
	case VerdictMember, VerdictObserver:
		if in.From.IsZero() {
			return kr.E(kr.Invalid, "Ange från vilket datum beslutet gäller, som ÅÅÅÅ-MM-DD.")
		}
		if !kr.DateInRange(in.From) {
			return kr.E(kr.Invalid, "Datumet ska ligga mellan %s.", kr.DateRangeText())
		}
	case VerdictNotYet:
		if in.Comment == "" {
			return kr.E(kr.Invalid, "Skriv en kommentar: den sökande får veta vad som saknas för att bli medlem.")
		}
	default:
		return kr.E(kr.Invalid, "Välj ett beslut: medlem, observatör eller inte än.")
	}
	if utf8.RuneCountInString(in.Comment) > MaxComment || !utf8.ValidString(in.Comment) ||
		strings.ContainsFunc(in.Comment, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) {
		return kr.E(kr.Invalid, "Kommentaren får vara högst %d tecken vanlig text.", MaxComment)
	}
	return nil
}

// Decide records a reviewer's decision on an application: a member or an
// observer is registered in the members register first (members.Admit),
// then the decision is written, then the applicant's contacts are told by
// e-mail when an e-mail server is set. A decision the register already
// shows (a retry) registers nothing again; one the register cannot take
// (the applicant is already a member) is refused and nothing is written.
// An e-mail that fails leaves the decision standing: the review shows it,
// and Resend tries again.
func (s *Service) Decide(ctx context.Context, actor kr.Actor, in DecisionInput) (Decision, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		return Decision{}, err
	}
	if err := in.check(); err != nil {
		return Decision{}, err
	}
	app, err := s.application(ctx, in.Application)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{ID: uuid.Must(uuid.NewV7()).String(), Application: app.ID, Code: app.Applied.Code, Verdict: in.Verdict,
		From: day(in.From), Comment: in.Comment, By: actor.Name(), At: s.now().UTC().Truncate(time.Second)}
	if in.Verdict == VerdictNotYet {
		d.From = day(d.At)
	} else {
		if in.Verdict == VerdictObserver {
			d.ObserverUntil = members.ObserverUntil(d.From, s.ObserverPeriod)
		}
		if _, err := s.Members.Admit(ctx, actor, members.Admission{Code: d.Code, Joined: d.From, ObserverUntil: d.ObserverUntil,
			Official: members.Contact(app.Applied.Official), Officer: members.Contact(app.Applied.Officer)}); err != nil {
			return Decision{}, err
		}
	}
	r := decisionRow{ID: d.ID, Application: d.Application, Code: d.Code, Verdict: d.Verdict, From: d.From,
		ObserverUntil: d.ObserverUntil, Comment: d.Comment, By: d.By, At: d.At}
	if err := s.DB.Insert(ctx, "application_decisions", []decisionRow{r}); err != nil {
		return Decision{}, err
	}
	d.Mail = s.tell(ctx, app, d)
	return d, nil
}

// Resend tries again to tell the applicant of decision id.
func (s *Service) Resend(ctx context.Context, actor kr.Actor, id string) (Decision, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		return Decision{}, err
	}
	var rows []decisionRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+decisionColumns+" FROM application_decisions WHERE id = ?", id); err != nil {
		return Decision{}, err
	}
	if len(rows) == 0 {
		return Decision{}, kr.E(kr.NotFound, "Beslutet finns inte.")
	}
	app, err := s.application(ctx, rows[0].Application)
	if err != nil {
		return Decision{}, err
	}
	d := rows[0].decision()
	if s.Mail == nil {
		return d, kr.E(kr.Invalid, "Ingen e-postserver är angiven (--smtp-url): meddela den sökande på annat sätt.")
	}
	d.Mail = s.tell(ctx, app, d)
	return d, nil
}

const decisionColumns = "id, application_id, code, verdict, from_date, observer_until, comment, decided_by, decided_at"

// decisions returns the decisions on one application (id) or, when id is
// empty, on all (a small table: only reviewers write it), oldest first by
// application, with their e-mails' last state.
func (s *Service) decisions(ctx context.Context, id string) (map[string][]Decision, error) {
	var rows []decisionRow
	q, args := "SELECT "+decisionColumns+" FROM application_decisions ORDER BY decided_at, id", []any(nil)
	if id != "" {
		q, args = "SELECT "+decisionColumns+" FROM application_decisions WHERE application_id = ? ORDER BY decided_at, id", []any{id}
	}
	if err := s.DB.Select(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	mails, err := s.mails(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]Decision{}
	for _, r := range rows {
		d := r.decision()
		d.Mail = mails[d.ID]
		out[d.Application] = append(out[d.Application], d)
	}
	return out, nil
}

// ObserverDays is how many days an observer admitted takes part.
func (s *Service) ObserverDays() int { return members.ObserverDays(s.ObserverPeriod) }

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
