package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

var membersCommands = subcommands{name: "members", usage: membersUsage, run: map[string]func(context.Context, *env, []string) int{
	"add":    membersAdd,
	"update": membersUpdate,
	"end":    membersEnd,
	"list":   membersList,
	"show":   membersShow,
}}

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

// newMembersFlags returns the flags of `members sub` with --db; its help is
// the members' usage and the flags.
func newMembersFlags(e *env, sub string) (*cmdFlags, *database) {
	fs := newFlags(e, "members "+sub, "")
	fs.usage = func() {
		fmt.Fprint(e.stderr, membersUsage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs, fs.dbFlag()
}

// parseCode parses the flags and the member's code, which is required.
func parseCode(fs *cmdFlags, args []string) (string, int, bool) {
	code, exit, ok := fs.parseWithArg(args)
	if ok && code == "" {
		return "", fs.usageError("name the member's code"), false
	}
	return code, exit, ok
}

// dayFlag is a YYYY-MM-DD flag.
type dayFlag struct {
	name  string
	value string
}

func (d *dayFlag) define(fs *cmdFlags, name, usage string) {
	d.name = name
	fs.StringVar(&d.value, name, "", usage)
}

// day is the flag's day, nil when not given; a value that is not a date
// is a usage error.
func (d *dayFlag) day(fs *cmdFlags) (*time.Time, bool) {
	if d.value == "" {
		return nil, true
	}
	t, err := time.Parse(time.DateOnly, d.value)
	if err != nil {
		fmt.Fprintf(fs.e.stderr, "klimatrapport %s: --%s must be a date, YYYY-MM-DD\n", fs.Name(), d.name)
		return nil, false
	}
	return &t, true
}

// membershipCmd is what add and update share: the member's code, --db,
// the days of the membership and the contacts.
type membershipCmd struct {
	fs                *cmdFlags
	db                *database
	joinedF, untilF   dayFlag
	official, officer contactFlags

	code          string
	joined, until *time.Time // nil when not given
}

func newMembershipCmd(e *env, sub string) *membershipCmd {
	c := &membershipCmd{}
	c.fs, c.db = newMembersFlags(e, sub)
	c.joinedF.define(c.fs, "joined", "the day the membership began, YYYY-MM-DD")
	c.untilF.define(c.fs, "observer-until", "observer (not binding) until this day, YYYY-MM-DD")
	c.official.define(c.fs, "official", "the elected official (politiker)")
	c.officer.define(c.fs, "officer", "the officer (tjänsteperson)")
	return c
}

// parse reads the flags, the code and the days.
func (c *membershipCmd) parse(args []string) (int, bool) {
	code, exit, ok := parseCode(c.fs, args)
	if !ok {
		return exit, false
	}
	c.code = code
	joined, ok1 := c.joinedF.day(c.fs)
	until, ok2 := c.untilF.day(c.fs)
	if !ok1 || !ok2 {
		return exitUsage, false
	}
	c.joined, c.until = joined, until
	return exitOK, true
}

func membersAdd(ctx context.Context, e *env, args []string) int {
	c := newMembershipCmd(e, "add")
	observer := c.fs.Bool("observer", false, "join as an observer for one year")
	if exit, ok := c.parse(args); !ok {
		return exit
	}
	switch {
	case c.joined == nil:
		fmt.Fprintln(e.stderr, "klimatrapport members add: --joined YYYY-MM-DD is required")
		return exitUsage
	case *observer && c.until != nil:
		fmt.Fprintln(e.stderr, "klimatrapport members add: give --observer or --observer-until, not both")
		return exitUsage
	}
	return changeMember(ctx, c.fs, c.db, func(reg *members.Register) (members.Member, error) {
		nm := members.Member{Code: c.code, Joined: *c.joined, ObserverUntil: c.until,
			Official: c.official.contact(members.Contact{}), Officer: c.officer.contact(members.Contact{})}
		return reg.Join(ctx, kr.System(), nm, *observer, 0)
	}, func(mem members.Member) string {
		return fmt.Sprintf("%s är medlem sedan %s.", mem.Code, mem.Joined.Format(time.DateOnly))
	})
}

func membersUpdate(ctx context.Context, e *env, args []string) int {
	c := newMembershipCmd(e, "update")
	noObserver := c.fs.Bool("no-observer", false, "end the observer period: a full member from joining")
	if exit, ok := c.parse(args); !ok {
		return exit
	}
	return changeMember(ctx, c.fs, c.db, func(reg *members.Register) (members.Member, error) {
		ch := members.Change{Joined: c.joined, ObserverUntil: c.until, ClearObserver: *noObserver}
		if c.official.set(c.fs) || c.officer.set(c.fs) {
			cur, _, _ := reg.Get(ctx, c.code)
			if c.official.set(c.fs) {
				contact := c.official.contact(cur.Official)
				ch.Official = &contact
			}
			if c.officer.set(c.fs) {
				contact := c.officer.contact(cur.Officer)
				ch.Officer = &contact
			}
		}
		return reg.Update(ctx, kr.System(), c.code, ch)
	}, func(mem members.Member) string { return mem.Code + " är uppdaterad." })
}

func membersEnd(ctx context.Context, e *env, args []string) int {
	fs, db := newMembersFlags(e, "end")
	var date dayFlag
	date.define(fs, "date", "the day the membership ends, YYYY-MM-DD")
	code, exit, ok := parseCode(fs, args)
	if !ok {
		return exit
	}
	end, ok := date.day(fs)
	switch {
	case !ok:
		return exitUsage
	case end == nil:
		fmt.Fprintln(e.stderr, "klimatrapport members end: --date YYYY-MM-DD is required")
		return exitUsage
	}
	return changeMember(ctx, fs, db, func(reg *members.Register) (members.Member, error) {
		return reg.End(ctx, kr.System(), code, *end)
	}, func(mem members.Member) string {
		return fmt.Sprintf("%s:s medlemskap upphör %s.", mem.Code, mem.Ended.Format(time.DateOnly))
	})
}

// changeMember makes a change to the register and prints what it did
// (headline) and the member after it.
func changeMember(ctx context.Context, fs *cmdFlags, db *database, change func(*members.Register) (members.Member, error),
	headline func(members.Member) string) int {
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		mem, err := change(a.Members)
		if err != nil {
			return fs.rejected(err)
		}
		fmt.Fprintln(fs.e.stdout, headline(mem))
		printMember(fs.e.stdout, mem)
		return exitOK
	})
}

func membersList(ctx context.Context, e *env, args []string) int {
	fs, db := newMembersFlags(e, "list")
	all := fs.Bool("all", false, "include members that have left")
	asJSON := fs.Bool("json", false, "print JSON")
	code, exit, ok := fs.parseWithArg(args)
	switch {
	case !ok:
		return exit
	case code != "":
		return fs.usageError("takes no code")
	}
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		ms, err := a.Members.All(ctx)
		if err != nil {
			return fs.rejected(err)
		}
		shown := []members.Member{}
		for _, m := range ms {
			if *all || m.Ended == nil {
				shown = append(shown, m)
			}
		}
		if *asJSON {
			printJSON(e.stdout, shown)
		} else {
			printMembers(e.stdout, shown)
		}
		return exitOK
	})
}

func membersShow(ctx context.Context, e *env, args []string) int {
	fs, db := newMembersFlags(e, "show")
	asJSON := fs.Bool("json", false, "print JSON")
	code, exit, ok := parseCode(fs, args)
	if !ok {
		return exit
	}
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		cur, ok, err := a.Members.Get(ctx, code)
		if err == nil && !ok {
			err = kr.E(kr.NotFound, "%s är inte medlem.", code)
		}
		if err != nil {
			return fs.rejected(err)
		}
		hist, err := a.Members.History(ctx, code)
		if err != nil {
			return fs.rejected(err)
		}
		if *asJSON {
			printJSON(e.stdout, map[string]any{"member": cur, "history": hist})
			return exitOK
		}
		printMember(e.stdout, cur)
		fmt.Fprintf(e.stdout, "\nHistorik (%d ändringar):\n", len(hist))
		for _, h := range hist {
			fmt.Fprintf(e.stdout, "  %s av %s: %s\n", h.ChangedAt.In(swedish.Zone).Format("2006-01-02 15:04"), h.ChangedBy, memberLine(h))
		}
		return exitOK
	})
}

// contactFlags are --X-name and --X-email.
type contactFlags struct {
	prefix      string
	name, email string
}

func (c *contactFlags) define(fs *cmdFlags, prefix, who string) {
	c.prefix = prefix
	fs.StringVar(&c.name, prefix+"-name", "", "name of "+who)
	fs.StringVar(&c.email, prefix+"-email", "", "e-mail address of "+who)
}

// set reports whether either flag was given.
func (c *contactFlags) set(fs *cmdFlags) bool {
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

// kindLabel is "kommun" or "region".
func kindLabel(m members.Member) string {
	if m.Kind == members.KindRegion {
		return "region"
	}
	return "kommun"
}

func memberLine(m members.Member) string {
	parts := []string{kindLabel(m), "medlem sedan " + m.Joined.Format(time.DateOnly)}
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Code, kindLabel(m), m.Joined.Format(time.DateOnly), dateOrDash(m.ObserverUntil),
			dateOrDash(m.Ended), orDash(contactText(m.Official)), orDash(contactText(m.Officer)))
	}
	tw.Flush()
}
