package membertest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/mail"
	"github.com/klimatkommunerna/klimatrapport/internal/mail/mailtest"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

var (
	reviewer = kr.Actor{ID: "r1", Email: "granskare@klimatkommunerna.se", Role: kr.RoleReviewer}
	officer  = kr.Actor{ID: "o1", Email: "bo@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// decideWorld is a member test service over db with a register and a
// local SMTP server, and an application from code.
type decideWorld struct {
	s    *membertest.Service
	reg  *members.Register
	smtp *mailtest.Server
}

func newDecideWorld(t *testing.T, db storage.DB) *decideWorld {
	q, _ := membertest.Parse([]byte(small))
	srv := mailtest.Start(t)
	sender := srv.Sender(t, "kansliet@klimatkommunerna.se")
	reg := &members.Register{DB: db}
	now := func() time.Time { return time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC) }
	return &decideWorld{reg: reg, smtp: srv, s: &membertest.Service{DB: db, Questions: q, Members: reg, Now: now,
		Mail: sender, PublicURL: "https://rapport.example.se", ObserverPeriod: 180 * 24 * time.Hour}}
}

func (w *decideWorld) apply(t *testing.T, code, name string, answers map[string]string) membertest.Stored {
	f := validForm()
	f["code"] = code
	for k, v := range answers {
		f[k] = v
	}
	a, ps := w.s.Q().Read(form(f), map[string]string{code: name})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	st, err := w.s.Apply(context.Background(), kr.Actor{Role: kr.RolePublic}, a)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestDecideRegisters: a decision registers a member or an observer in
// the members register with the application's contacts, keeps every
// decision as history, tells the applicant's contacts by e-mail, and is
// refused to those who may not decide.
func TestDecideRegisters(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		w := newDecideWorld(t, db)
		lund := w.apply(t, "1281", "Lund", nil)
		region := w.apply(t, "12", "Region Skåne", map[string]string{"q_a_yes": "nej", "official_email": "ulla@skane.se", "officer_email": "ulla@skane.se"})

		for _, actor := range []kr.Actor{{Role: kr.RolePublic}, officer} {
			if _, err := w.s.Decide(ctx, actor, membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("2026-10-01")}); kr.KindOf(err) != kr.Unauthorized && kr.KindOf(err) != kr.Forbidden {
				t.Errorf("%s decided: %v", actor.Role, err)
			}
		}
		if _, ok, _ := w.reg.Get(ctx, "1281"); ok {
			t.Fatal("a refused decision registered the member")
		}

		d, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("2026-10-01"), Comment: "Välkomna!"})
		if err != nil || d.Mail.State != membertest.MailSent {
			t.Fatalf("member: %+v %v", d, err)
		}
		m, ok, err := w.reg.Get(ctx, "1281")
		if err != nil || !ok || !m.Joined.Equal(day("2026-10-01")) || m.ObserverUntil != nil || m.Officer.Email != "bo@lund.se" ||
			m.Official.Name != "Anna Andersson" || m.ChangedBy != reviewer.Name() {
			t.Fatalf("registered: %+v %v %v", m, ok, err)
		}

		// Not yet, then an observer: the region is registered for the
		// configured period; both decisions stay in the history.
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: region.ID, Verdict: membertest.VerdictNotYet}); kr.KindOf(err) != kr.Invalid {
			t.Errorf("not yet without a comment: %v", err)
		}
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: region.ID, Verdict: membertest.VerdictNotYet, Comment: "Beslutet om anslutning saknas."}); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := w.reg.Get(ctx, "12"); ok {
			t.Fatal("not yet registered the region")
		}
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: region.ID, Verdict: membertest.VerdictObserver, From: day("2026-09-01")}); err != nil {
			t.Fatal(err)
		}
		r, ok, _ := w.reg.Get(ctx, "12")
		if !ok || r.Kind != members.KindRegion || r.ObserverUntil == nil || !r.ObserverUntil.Equal(day("2027-02-28")) {
			t.Fatalf("observer: %+v", r)
		}
		e, err := w.s.Entry(ctx, reviewer, region.ID)
		if err != nil || len(e.Decisions) != 2 || e.Current().Verdict != membertest.VerdictObserver || e.Decisions[0].Comment != "Beslutet om anslutning saknas." {
			t.Fatalf("history: %+v %v", e.Decisions, err)
		}

		// The e-mails: Lund's two contacts, the region's one address once;
		// the "not yet" names what the test found missing.
		msgs := w.smtp.Messages()
		if len(msgs) != 3 {
			t.Fatalf("%d e-mails, want 3", len(msgs))
		}
		if got := msgs[0].To; !slices.Equal(got, []string{"anna@lund.se", "bo@lund.se"}) || !strings.Contains(msgs[0].Text, "medlem i Klimatkommunerna från 2026-10-01") ||
			!strings.Contains(msgs[0].Text, "Välkomna!") || !strings.Contains(msgs[0].Text, "https://rapport.example.se/rapportera") {
			t.Errorf("member's e-mail to %v:\n%s", got, msgs[0].Text)
		}
		if got := msgs[1].To; !slices.Equal(got, []string{"ulla@skane.se"}) || !strings.Contains(msgs[1].Text, "inte medlem ännu") ||
			!strings.Contains(msgs[1].Text, "Beslut?") || !strings.Contains(msgs[1].Text, "Så uppfylls det: Besluta.") {
			t.Errorf("not yet's e-mail to %v:\n%s", got, msgs[1].Text)
		}
		if !strings.Contains(msgs[2].Text, "observatör i Klimatkommunerna från 2026-09-01 till 2027-02-28") {
			t.Errorf("observer's e-mail:\n%s", msgs[2].Text)
		}
	})
}

// TestDecideAgain: the same decision again (a retry) registers nothing
// twice; a different one for a current member is refused and writes
// nothing; an observer may be admitted as a member.
func TestDecideAgain(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		w := newDecideWorld(t, db)
		w.s.Mail = nil
		lund := w.apply(t, "1281", "Lund", nil)
		member := membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictObserver, From: day("2026-01-15")}
		for range 2 {
			if d, err := w.s.Decide(ctx, reviewer, member); err != nil || d.Mail.State != "" {
				t.Fatalf("%+v %v", d, err)
			}
		}
		if h, _ := w.reg.History(ctx, "1281"); len(h) != 1 {
			t.Fatalf("a decision taken twice made %d register entries, want 1", len(h))
		}
		other := membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictObserver, From: day("2026-03-01")}
		if _, err := w.s.Decide(ctx, reviewer, other); kr.KindOf(err) != kr.Conflict || !strings.Contains(kr.MessageOf(err), "redan observatör") {
			t.Errorf("another observer period: %v", err)
		}
		if e, _ := w.s.Entry(ctx, reviewer, lund.ID); len(e.Decisions) != 2 {
			t.Errorf("%d decisions kept, want the two taken", len(e.Decisions))
		}
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("2026-09-01")}); err != nil {
			t.Fatal(err)
		}
		m, _, _ := w.reg.Get(ctx, "1281")
		if !m.Joined.Equal(day("2026-09-01")) || m.ObserverUntil != nil {
			t.Errorf("an observer admitted as a member: %+v", m)
		}
		if h, _ := w.reg.History(ctx, "1281"); len(h) != 2 || h[0].ObserverUntil == nil {
			t.Errorf("the observer period is not in the history: %+v", h)
		}
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("2026-11-01")}); kr.KindOf(err) != kr.Conflict {
			t.Errorf("a member admitted again from another day: %v", err)
		}
		for _, bad := range []membertest.DecisionInput{
			{Application: lund.ID, Verdict: "kanske", From: day("2026-01-01")},
			{Application: lund.ID, Verdict: membertest.VerdictMember},
			{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("1900-01-01")},
			{Application: lund.ID, Verdict: membertest.VerdictNotYet, Comment: "a\x00b"},
			{Application: lund.ID, Verdict: membertest.VerdictNotYet, Comment: strings.Repeat("å", membertest.MaxComment+1)},
		} {
			if _, err := w.s.Decide(ctx, reviewer, bad); kr.KindOf(err) != kr.Invalid || kr.MessageOf(err) == "" {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		if _, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: "nej", Verdict: membertest.VerdictNotYet, Comment: "x"}); kr.KindOf(err) != kr.NotFound {
			t.Errorf("an unknown application: %v", err)
		}
	})
}

// TestDecideMailFails: a decision whose e-mail cannot be sent stands and
// says so; sending it again when the server is back records it sent.
func TestDecideMailFails(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		w := newDecideWorld(t, db)
		good := w.s.Mail
		down, err := mail.New("smtp://127.0.0.1:1", "kansliet@klimatkommunerna.se", nil)
		if err != nil {
			t.Fatal(err)
		}
		w.s.Mail = down
		lund := w.apply(t, "1281", "Lund", nil)
		d, err := w.s.Decide(ctx, reviewer, membertest.DecisionInput{Application: lund.ID, Verdict: membertest.VerdictMember, From: day("2026-10-01")})
		if err != nil || d.Mail.State != membertest.MailFailed || d.Mail.Error == "" {
			t.Fatalf("%+v %v", d, err)
		}
		if _, ok, _ := w.reg.Get(ctx, "1281"); !ok {
			t.Fatal("the decision did not stand")
		}
		if e, _ := w.s.Entry(ctx, reviewer, lund.ID); e.Current().Mail.State != membertest.MailFailed {
			t.Errorf("the review does not see the failure: %+v", e.Current().Mail)
		}
		w.s.Mail = good
		if _, err := w.s.Resend(ctx, officer, d.ID); kr.KindOf(err) != kr.Forbidden {
			t.Errorf("an officer resent: %v", err)
		}
		if d, err = w.s.Resend(ctx, reviewer, d.ID); err != nil || d.Mail.State != membertest.MailSent {
			t.Fatalf("resent: %+v %v", d, err)
		}
		if e, _ := w.s.Entry(ctx, reviewer, lund.ID); e.Current().Mail.State != membertest.MailSent || len(w.smtp.Messages()) != 1 {
			t.Errorf("after resending: %+v, %d e-mails", e.Current().Mail, len(w.smtp.Messages()))
		}
	})
}
