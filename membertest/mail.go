package membertest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/mail"
)

type mailRow struct {
	Decision   string    `ch:"decision_id"`
	Recipients []string  `ch:"recipients"`
	State      string    `ch:"state"`
	Error      string    `ch:"error"`
	At         time.Time `ch:"at"`
}

// tell e-mails the applicant's two contacts of decision d and records the
// attempt; without an e-mail server it does nothing. A failure is logged
// and recorded, never returned: the decision stands either way.
func (s *Service) tell(ctx context.Context, app Stored, d Decision) MailState {
	if s.Mail == nil {
		return MailState{}
	}
	to := recipients(app.Applied)
	st := MailState{State: MailSent, Recipients: to, At: s.now().UTC().Truncate(time.Second)}
	msg := mail.Message{To: to, Subject: decisionSubject(app.Applied, d), Text: s.decisionText(app, d)}
	if err := s.Mail.Send(ctx, msg); err != nil {
		s.log().Error("the decision's e-mail was not sent", "decision", d.ID, "err", err)
		st.State, st.Error = MailFailed, err.Error()
	}
	r := mailRow{Decision: d.ID, Recipients: to, State: st.State, Error: st.Error, At: st.At}
	if err := s.DB.Insert(context.WithoutCancel(ctx), "application_mails", []mailRow{r}); err != nil {
		s.log().Error("the decision's e-mail could not be recorded", "decision", d.ID, "state", st.State, "err", err)
	}
	return st
}

// mails returns the last attempt per decision (of two in the same second,
// the one sent: once sent, the applicant was told). The table is small: an
// attempt per decision, more only when one is sent again.
func (s *Service) mails(ctx context.Context) (map[string]MailState, error) {
	var rows []mailRow
	if err := s.DB.Select(ctx, &rows, "SELECT decision_id, recipients, state, error, at FROM application_mails ORDER BY at, state = 'sent'"); err != nil {
		return nil, err
	}
	out := make(map[string]MailState, len(rows))
	for _, r := range rows {
		out[r.Decision] = MailState{State: r.State, Recipients: r.Recipients, Error: r.Error, At: r.At}
	}
	return out, nil
}

// recipients are the applicant's two addresses, once each.
func recipients(a Application) []string {
	to := []string{a.Official.Email, a.Officer.Email}
	slices.Sort(to)
	return slices.DeleteFunc(slices.Compact(to), func(s string) bool { return s == "" })
}

func decisionSubject(a Application, d Decision) string {
	switch d.Verdict {
	case VerdictMember:
		return fmt.Sprintf("Klimatkommunerna: %s blir medlem", a.Name)
	case VerdictObserver:
		return fmt.Sprintf("Klimatkommunerna: %s blir observatör", a.Name)
	}
	return fmt.Sprintf("Klimatkommunerna: beslut om %s ansökan", a.Name)
}

// decisionText is the e-mail of a decision, in Swedish: what was decided,
// the office's comment, and what comes next (for "not yet", what the
// member test found missing).
func (s *Service) decisionText(app Stored, d Decision) string {
	var b strings.Builder
	a := app.Applied
	fmt.Fprintf(&b, "Hej!\n\nKlimatkommunernas kansli har gått igenom ansökan från %s (%s), inkommen %s.\n\n",
		a.Name, a.Code, app.At.Format(time.DateOnly))
	switch d.Verdict {
	case VerdictMember:
		fmt.Fprintf(&b, "Beslut: %s är medlem i Klimatkommunerna från %s.\n", a.Name, d.From.Format(time.DateOnly))
		fmt.Fprintf(&b, "\nSom medlem rapporterar ni varje år era utsläpp, mål, handlingsplan och åtgärder. Kansliet skickar inloggning till tjänstepersonen; rapporten lämnas på %s.\n", s.link("/rapportera"))
	case VerdictObserver:
		fmt.Fprintf(&b, "Beslut: %s är observatör i Klimatkommunerna från %s till %s.\n", a.Name,
			d.From.Format(time.DateOnly), d.ObserverUntil.Format(time.DateOnly))
		b.WriteString("\nSom observatör deltar ni utan medlemmarnas krav. Innan året är slut kan ni ansöka om medlemskap.\n")
	default:
		fmt.Fprintf(&b, "Beslut: %s blir inte medlem ännu.\n", a.Name)
	}
	if d.Comment != "" {
		fmt.Fprintf(&b, "\nKansliets kommentar:\n%s\n", d.Comment)
	}
	if d.Verdict == VerdictNotYet && len(app.Score.Areas) > 0 {
		b.WriteString("\nDet här saknades enligt medlemstestet:\n")
		for _, ar := range app.Score.Areas {
			for _, g := range ar.Gaps {
				fmt.Fprintf(&b, "- %s (%s)\n  Så uppfylls det: %s\n", g.Question, ar.Title, g.Fix)
			}
		}
		fmt.Fprintf(&b, "\nNi är välkomna att göra medlemstestet igen: %s.\n", s.link("/medlemstest"))
	}
	b.WriteString("\nVänliga hälsningar\nKlimatkommunernas kansli\n")
	return b.String()
}

// link is the address of a page of the service.
func (s *Service) link(path string) string {
	if s.PublicURL == "" {
		return "sidan " + path + " på Klimatkommunernas rapporttjänst"
	}
	return strings.TrimRight(s.PublicURL, "/") + path
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}
