package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/internal/mail"
	"github.com/klimatkommunerna/klimatrapport/reminders"
)

// mailFlags are the SMTP server and the reminders' settings (remind, serve).
type mailFlags struct {
	smtpURL, from, publicURL, days string
	// set by check
	remindDays []int
	sender     *mail.SMTP // nil without --smtp-url
}

// mailFlags defines --smtp-url, --mail-from, --public-url and --remind-days.
func (c *cmdFlags) mailFlags() *mailFlags {
	m := &mailFlags{}
	c.StringVar(&m.smtpURL, "smtp-url", "", "the SMTP server reminders and decisions on applications are sent through: smtp://USER:PASS@HOST:587 (STARTTLS) or smtps://USER:PASS@HOST:465; empty: no e-mail")
	c.StringVar(&m.from, "mail-from", "", "the sender address of the e-mails (required with --smtp-url)")
	c.StringVar(&m.publicURL, "public-url", "", "the service's public address (https://…), for the links in e-mails and the embeds' <iframe> snippets")
	c.StringVar(&m.days, "remind-days", "30,7", "days before the reporting deadline (and an observer period's end) that reminders go out, comma-separated")
	return m
}

// check reads the days and the SMTP server's URL (without connecting).
func (m *mailFlags) check() error {
	for _, d := range splitList(m.days) {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 366 {
			return fmt.Errorf("--remind-days must be whole days (0–366) separated by commas, not %q", m.days)
		}
		m.remindDays = append(m.remindDays, n)
	}
	if m.smtpURL != "" {
		sender, err := mail.New(m.smtpURL, m.from, nil)
		if err != nil {
			return fmt.Errorf("--smtp-url: %v", err)
		}
		m.sender = sender
	}
	return nil
}

// service returns the reminders service over a, sending through the SMTP
// server when one is given (after check).
func (m *mailFlags) service(e *env, a *app.App) *reminders.Service {
	s := &reminders.Service{DB: a.DB, Compliance: a.Compliance, Members: a.Members, Accounts: a.Accounts,
		PublicURL: m.publicURL, Days: m.remindDays, Log: e.log}
	if m.sender != nil {
		s.Mail = m.sender
	}
	return s
}

// tellApplicants has the review of applications e-mail its decisions
// through the SMTP server, when one is given (serve).
func (m *mailFlags) tellApplicants(e *env, a *app.App) {
	a.MemberTest.PublicURL, a.MemberTest.Log = m.publicURL, e.log
	if m.sender != nil {
		a.MemberTest.Mail = m.sender
	}
}

// schedule starts sending reminders hourly when an SMTP server is given
// (serve).
func (m *mailFlags) schedule(ctx context.Context, e *env, a *app.App) {
	if m.sender == nil {
		return
	}
	e.log.Info("sending reminders by e-mail every hour", "smtp", m.sender.Redacted())
	go remindOnSchedule(ctx, e, m.service(e, a), time.Hour)
}

func cmdRemind(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "remind", "--year YEAR [--dry-run] [--smtp-url URL --mail-from ADDRESS] [--public-url URL] [--remind-days 30,7] [--db DSN]")
	year := fs.Int("year", time.Now().Year(), "the report year whose deadline the reminders are about")
	dryRun := fs.Bool("dry-run", false, "print the reminders due and send and record nothing")
	m := fs.mailFlags()
	var rulesPath string
	fs.rulesFlag(&rulesPath)
	db := fs.dbFlag()
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	}
	if err := m.check(); err != nil {
		return fs.usageError("%v", err)
	}
	if !*dryRun && m.sender == nil {
		return fs.usageError("--smtp-url is required to send (or --dry-run to print what would be sent)")
	}
	rules, ok := fs.loadRules(rulesPath)
	if !ok {
		return exitUsage
	}
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		a.Compliance.Rules = rules
		svc := m.service(e, a)
		if *dryRun {
			due, err := svc.Plan(ctx, *year)
			if err != nil {
				return fs.rejected(err)
			}
			writeReminders(e.stdout, due)
			fmt.Fprintf(e.stdout, "%s skulle skickas; inget är skickat (--dry-run).\n", reminderCount(len(due)))
			return exitOK
		}
		sent, err := svc.Send(ctx, kr.System(), *year)
		writeReminders(e.stdout, sent)
		fmt.Fprintf(e.stdout, "%s skickade.\n", reminderCount(len(sent)))
		if err != nil {
			return fs.rejected(err)
		}
		return exitOK
	})
}

// reminderCount is "1 påminnelse", "3 påminnelser".
func reminderCount(n int) string {
	if n == 1 {
		return "1 påminnelse"
	}
	return strconv.Itoa(n) + " påminnelser"
}

// writeReminders prints each reminder: key, recipients, subject and text.
func writeReminders(w io.Writer, rs []reminders.Reminder) {
	reminders.Sort(rs)
	for _, r := range rs {
		fmt.Fprintf(w, "%s\nTill: %s\nÄmne: %s\n\n", r.Key, strings.Join(r.To, ", "), r.Subject)
		for line := range strings.Lines(r.Text) {
			fmt.Fprint(w, "    ", line)
		}
		fmt.Fprintln(w)
	}
}

// remindOnSchedule sends the reminders due for the current year now and
// then every hour, until ctx ends (serve, with --smtp-url).
func remindOnSchedule(ctx context.Context, e *env, s *reminders.Service, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Send(ctx, kr.System(), s.Compliance.CurrentYear()); err != nil && ctx.Err() == nil {
			e.log.Warn("sending reminders failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
