package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/members"
)

func init() {
	register(command{"members", "the members register: add, update, end, list, show", cmdMembers})
}

const membersUsage = `Usage:
  klimatrapport members add CODE --joined YYYY-MM-DD [--observer | --observer-until YYYY-MM-DD] [contacts]
  klimatrapport members update CODE [--joined DATE] [--observer-until DATE | --no-observer] [contacts]
  klimatrapport members end CODE --date YYYY-MM-DD
  klimatrapport members list [--all] [--json]
  klimatrapport members show CODE [--json]

Contacts: --official-name, --official-email (the elected official),
--officer-name, --officer-email (the officer). CODE is the municipality's
4-digit code, or the county's 2-digit code for a region. Every command also
takes --db DSN.
`

func cmdMembers(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stderr, membersUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub, args := args[0], args[1:]
	fs := flags("members "+sub, "", e)
	fs.Usage = func() {
		fmt.Fprint(e.stderr, membersUsage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	var dsn, joined, until, date string
	var observer, noObserver, all, asJSON bool
	var official, officer contactFlags
	dbFlag(fs, &dsn)
	switch sub {
	case "add", "update":
		fs.StringVar(&joined, "joined", "", "the day the membership began, YYYY-MM-DD")
		fs.StringVar(&until, "observer-until", "", "observer (not binding) until this day, YYYY-MM-DD")
		official.define(fs, "official", "the elected official (politiker)")
		officer.define(fs, "officer", "the officer (tjänsteperson)")
		if sub == "add" {
			fs.BoolVar(&observer, "observer", false, "join as an observer for one year")
		} else {
			fs.BoolVar(&noObserver, "no-observer", false, "end the observer period: a full member from joining")
		}
	case "end":
		fs.StringVar(&date, "date", "", "the day the membership ends, YYYY-MM-DD")
	case "list":
		fs.BoolVar(&all, "all", false, "include members that have left")
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	case "show":
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	default:
		fmt.Fprintf(e.stderr, "klimatrapport members: unknown command %q\n\n%s", sub, membersUsage)
		return exitUsage
	}
	code, rest := splitFileArg(args)
	if c, ok := parse(fs, rest); !ok {
		return c
	}
	if code == "" && fs.NArg() == 1 {
		code = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "klimatrapport members %s: unexpected argument %q\n", sub, fs.Arg(fs.NArg()-1))
		return exitUsage
	}
	if (code == "") != (sub == "list") {
		if sub == "list" {
			fmt.Fprintln(e.stderr, "klimatrapport members list takes no code")
		} else {
			fmt.Fprintf(e.stderr, "klimatrapport members %s: name the member's code\n", sub)
		}
		fs.Usage()
		return exitUsage
	}
	day := func(s, flagName string) (*time.Time, bool) {
		if s == "" {
			return nil, true
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			fmt.Fprintf(e.stderr, "klimatrapport members %s: --%s must be a date, YYYY-MM-DD\n", sub, flagName)
			return nil, false
		}
		return &t, true
	}
	joinedDay, ok1 := day(joined, "joined")
	untilDay, ok2 := day(until, "observer-until")
	endDay, ok3 := day(date, "date")
	if !ok1 || !ok2 || !ok3 {
		return exitUsage
	}
	switch {
	case sub == "add" && joinedDay == nil:
		fmt.Fprintln(e.stderr, "klimatrapport members add: --joined YYYY-MM-DD is required")
		return exitUsage
	case sub == "end" && endDay == nil:
		fmt.Fprintln(e.stderr, "klimatrapport members end: --date YYYY-MM-DD is required")
		return exitUsage
	case observer && untilDay != nil:
		fmt.Fprintln(e.stderr, "klimatrapport members add: give --observer or --observer-until, not both")
		return exitUsage
	}

	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport members: %v\n", err)
		return exitRejected
	}
	defer db.Close()
	reg := newApp(db, 0).members
	var m members.Member
	switch sub {
	case "add":
		nm := members.Member{Code: code, Joined: *joinedDay, ObserverUntil: untilDay,
			Official: official.contact(members.Contact{}), Officer: officer.contact(members.Contact{})}
		m, err = reg.Join(ctx, kr.System, nm, observer, 0)
	case "update":
		ch := members.Change{Joined: joinedDay, ObserverUntil: untilDay, ClearObserver: noObserver}
		if official.set(fs) {
			cur, _, _ := reg.Get(ctx, code)
			c := official.contact(cur.Official)
			ch.Official = &c
		}
		if officer.set(fs) {
			cur, _, _ := reg.Get(ctx, code)
			c := officer.contact(cur.Officer)
			ch.Officer = &c
		}
		m, err = reg.Update(ctx, kr.System, code, ch)
	case "end":
		m, err = reg.End(ctx, kr.System, code, *endDay)
	case "list":
		ms, err := reg.All(ctx)
		if err != nil {
			return rejected(e, "members list", err)
		}
		var shown []members.Member
		for _, m := range ms {
			if all || m.Ended == nil {
				shown = append(shown, m)
			}
		}
		if shown == nil {
			shown = []members.Member{}
		}
		if asJSON {
			printJSON(e.stdout, shown)
		} else {
			printMembers(e.stdout, shown)
		}
		return exitOK
	case "show":
		cur, ok, err := reg.Get(ctx, code)
		if err == nil && !ok {
			err = kr.E(kr.NotFound, "%s är inte medlem.", code)
		}
		if err != nil {
			return rejected(e, "members show", err)
		}
		hist, err := reg.History(ctx, code)
		if err != nil {
			return rejected(e, "members show", err)
		}
		if asJSON {
			printJSON(e.stdout, map[string]any{"member": cur, "history": hist})
			return exitOK
		}
		printMember(e.stdout, cur)
		fmt.Fprintf(e.stdout, "\nHistorik (%d ändringar):\n", len(hist))
		for _, h := range hist {
			fmt.Fprintf(e.stdout, "  %s av %s: %s\n", h.ChangedAt.In(stockholm).Format("2006-01-02 15:04"), h.ChangedBy, memberLine(h))
		}
		return exitOK
	}
	if err != nil {
		return rejected(e, "members "+sub, err)
	}
	switch sub {
	case "add":
		fmt.Fprintf(e.stdout, "%s är medlem sedan %s.\n", m.Code, m.Joined.Format(time.DateOnly))
	case "update":
		fmt.Fprintf(e.stdout, "%s är uppdaterad.\n", m.Code)
	case "end":
		fmt.Fprintf(e.stdout, "%s:s medlemskap upphör %s.\n", m.Code, m.Ended.Format(time.DateOnly))
	}
	printMember(e.stdout, m)
	return exitOK
}

// rejected reports an error: the message for people on stdout, the detail
// on stderr; exit 1.
func rejected(e *env, cmd string, err error) int {
	fmt.Fprintln(e.stdout, kr.MessageOf(err))
	fmt.Fprintf(e.stderr, "klimatrapport %s: %v\n", cmd, err)
	return exitRejected
}

// contactFlags are --X-name and --X-email.
type contactFlags struct {
	prefix      string
	name, email string
}

func (c *contactFlags) define(fs *flag.FlagSet, prefix, who string) {
	c.prefix = prefix
	fs.StringVar(&c.name, prefix+"-name", "", "name of "+who)
	fs.StringVar(&c.email, prefix+"-email", "", "e-mail address of "+who)
}

// set reports whether either flag was given.
func (c *contactFlags) set(fs *flag.FlagSet) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == c.prefix+"-name" || f.Name == c.prefix+"-email" })
	return found
}

// contact is cur with the given flags applied.
func (c *contactFlags) contact(cur members.Contact) members.Contact {
	if c.name != "" {
		cur.Name = c.name
	}
	if c.email != "" {
		cur.Email = c.email
	}
	return cur
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func memberLine(m members.Member) string {
	kind := "kommun"
	if m.Kind == members.KindRegion {
		kind = "region"
	}
	parts := []string{kind, "medlem sedan " + m.Joined.Format(time.DateOnly)}
	if m.ObserverUntil != nil {
		parts = append(parts, "observatör till "+m.ObserverUntil.Format(time.DateOnly))
	}
	if m.Ended != nil {
		parts = append(parts, "upphör "+m.Ended.Format(time.DateOnly))
	}
	for _, c := range []struct {
		label string
		c     members.Contact
	}{{"politiker", m.Official}, {"tjänsteperson", m.Officer}} {
		if s := contactText(c.c); s != "" {
			parts = append(parts, c.label+" "+s)
		}
	}
	return strings.Join(parts, ", ")
}

func contactText(c members.Contact) string {
	switch {
	case c.Name != "" && c.Email != "":
		return c.Name + " <" + c.Email + ">"
	case c.Name != "":
		return c.Name
	}
	return c.Email
}

func printMember(w io.Writer, m members.Member) {
	fmt.Fprintf(w, "%s: %s\n", m.Code, memberLine(m))
}

func printMembers(w io.Writer, ms []members.Member) {
	if len(ms) == 0 {
		fmt.Fprintln(w, "Inga medlemmar.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Kod\tTyp\tMedlem sedan\tObservatör till\tUpphör\tPolitiker\tTjänsteperson")
	for _, m := range ms {
		kind := "kommun"
		if m.Kind == members.KindRegion {
			kind = "region"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Code, kind, m.Joined.Format(time.DateOnly), dateOrDash(m.ObserverUntil),
			dateOrDash(m.Ended), orDash(contactText(m.Official)), orDash(contactText(m.Officer)))
	}
	tw.Flush()
}

func dateOrDash(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format(time.DateOnly)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
