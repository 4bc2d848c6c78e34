package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// rulesFlag defines --rules.
func (c *cmdFlags) rulesFlag(p *string) {
	c.StringVar(p, "rules", "", "a rules file (JSON) for the membership obligations; the built-in defaults otherwise (see compliance --show-rules)")
}

// loadRules reads the rules file, telling the user why it cannot be used.
func (c *cmdFlags) loadRules(path string) (compliance.Rules, bool) {
	r, err := compliance.LoadRules(path)
	if err != nil {
		fmt.Fprintf(c.e.stderr, "klimatrapport %s: --rules: %s\n", c.Name(), kr.MessageOf(err))
		return r, false
	}
	return r, true
}

// complianceFlags are what compliance evaluates and how it prints it.
type complianceFlags struct {
	year                              int
	format, out, rules, asOf, codes   string
	status, obligation, kind, binding string
	showRules                         bool
}

func (o *complianceFlags) define(fs *cmdFlags) {
	fs.IntVar(&o.year, "year", time.Now().Year(), "the report year")
	fs.StringVar(&o.format, "format", "table", "table (for people), json or xlsx (the board's workbook)")
	fs.StringVar(&o.out, "out", "", "write to this file instead of standard output (required for xlsx)")
	fs.rulesFlag(&o.rules)
	fs.StringVar(&o.asOf, "as-of", "", "evaluate as of this date, YYYY-MM-DD (default now)")
	fs.StringVar(&o.status, "status", "", "only these statuses, comma-separated (uppfyllt, delvis, försenat, saknas, ej förfallet)")
	fs.StringVar(&o.obligation, "obligation", "", "only these obligations, comma-separated (inventory, goals, plan, reporting)")
	fs.StringVar(&o.kind, "kind", "", "only municipality or region members")
	fs.StringVar(&o.binding, "binding", "", "true: only binding members; false: only observers and members that have left")
	fs.StringVar(&o.codes, "municipality", "", "only these members, comma-separated codes")
	fs.BoolVar(&o.showRules, "show-rules", false, "print the rules in effect (defaults, or --rules over them) as JSON and stop")
}

// query reads the flags that choose what to evaluate.
func (o *complianceFlags) query() (compliance.Query, compliance.Filter, error) {
	q := compliance.Query{Year: o.year, Codes: splitList(o.codes)}
	filter, err := complianceFilter(o.status, o.obligation, o.kind, o.binding)
	if err != nil {
		return q, filter, err
	}
	if o.asOf != "" {
		d, err := time.Parse(time.DateOnly, o.asOf)
		if err != nil {
			return q, filter, fmt.Errorf("--as-of must be a date, YYYY-MM-DD")
		}
		q.AsOf = compliance.EndOfDay(d)
	}
	switch o.format {
	case "table", "json":
	case "xlsx":
		if o.out == "" {
			return q, filter, fmt.Errorf("--format xlsx needs --out FILE.xlsx")
		}
	default:
		return q, filter, fmt.Errorf("--format must be table, json or xlsx, not %q", o.format)
	}
	return q, filter, nil
}

func cmdCompliance(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "compliance", "--year YEAR [--format table|json|xlsx] [--out FILE] [--rules FILE] [--as-of DATE] [--db DSN]")
	var o complianceFlags
	o.define(fs)
	db := fs.dbFlag()
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return fs.usageError("unexpected argument %q", fs.Arg(0))
	}
	rules, ok := fs.loadRules(o.rules)
	if !ok {
		return exitUsage
	}
	if o.showRules {
		printJSON(e.stdout, rules)
		return exitOK
	}
	q, filter, err := o.query()
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitUsage
	}
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		engine := a.Compliance
		engine.Rules = rules
		rep, err := engine.Evaluate(ctx, q)
		if err != nil {
			return fs.rejected(err)
		}
		return writeCompliance(fs, filter.Apply(rep), o.format, o.out)
	})
}

// writeCompliance prints rep in format, to out when it is set.
func writeCompliance(fs *cmdFlags, rep compliance.Report, format, out string) int {
	var buf bytes.Buffer
	var err error
	switch format {
	case "json":
		printJSON(&buf, rep)
	case "xlsx":
		err = compliance.WriteXLSX(&buf, rep)
	default:
		writeComplianceTable(&buf, rep)
	}
	if err != nil {
		return fs.failed(err)
	}
	if out == "" {
		fs.e.stdout.Write(buf.Bytes())
		return exitOK
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fs.failed(err)
	}
	fmt.Fprintf(fs.e.stdout, "Medlemskraven %d för %d medlemmar är sparade i %s.\n", rep.Year, len(rep.Members), out)
	return exitOK
}

// complianceFilter reads the filter flags.
func complianceFilter(status, obligation, kind, binding string) (compliance.Filter, error) {
	var f compliance.Filter
	for _, s := range splitList(status) {
		st, ok := compliance.ParseStatus(s)
		if !ok {
			return f, fmt.Errorf("--status: %q is not a status (uppfyllt, delvis, försenat, saknas, ej förfallet)", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, s := range splitList(obligation) {
		o, ok := compliance.ParseObligation(s)
		if !ok {
			return f, fmt.Errorf("--obligation: %q is not an obligation (inventory, goals, plan, reporting)", s)
		}
		f.Obligations = append(f.Obligations, o)
	}
	switch kind {
	case "", members.KindMunicipality, members.KindRegion:
		f.Kind = kind
	default:
		return f, fmt.Errorf("--kind must be municipality or region")
	}
	switch binding {
	case "":
	case "true", "false":
		b := binding == "true"
		f.Binding = &b
	default:
		return f, fmt.Errorf("--binding must be true or false")
	}
	return f, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeComplianceTable writes the result for people: one line per member,
// then what each member has to fix, then the counts.
func writeComplianceTable(w io.Writer, rep compliance.Report) {
	fmt.Fprintf(w, "Medlemskraven %d (utvärderat %s; sista dag att rapportera %s)\n\n", rep.Year,
		rep.AsOf.In(swedish.Zone).Format("2006-01-02 15:04"), rep.Deadline.Format(time.DateOnly))
	if len(rep.Members) == 0 {
		fmt.Fprintln(w, "Inga medlemmar att visa.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "Kod\tNamn\tBindande")
	for _, o := range compliance.Obligations() {
		fmt.Fprintf(tw, "\t%s", o.Title())
	}
	fmt.Fprintln(tw, "\tUppfyllda")
	overridden := false
	for _, m := range rep.Members {
		binding := "ja"
		if !m.Binding {
			binding = "nej"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s", m.Code, m.Name, binding)
		for _, o := range compliance.Obligations() {
			r, ok := m.Result(o)
			switch {
			case !ok:
				fmt.Fprint(tw, "\t")
			case r.Overridden:
				overridden = true
				fmt.Fprintf(tw, "\t%s*", r.Status)
			default:
				fmt.Fprintf(tw, "\t%s", r.Status)
			}
		}
		fmt.Fprintf(tw, "\t%d av %d\n", m.Fulfilled, len(compliance.Obligations()))
	}
	tw.Flush()
	if overridden {
		fmt.Fprintln(w, "* ändrad av en granskare")
	}

	fmt.Fprintln(w, "\nAtt åtgärda:")
	listed := false
	for _, m := range rep.Members {
		for _, r := range m.Obligations {
			if r.Status == compliance.Fulfilled {
				continue
			}
			listed = true
			fmt.Fprintf(w, "- %s %s, %s (%s): %s\n", m.Code, m.Name, strings.ToLower(r.Title), r.Status, r.Explanation)
		}
	}
	if !listed {
		fmt.Fprintln(w, "  Ingenting: alla visade krav är uppfyllda.")
	}

	fmt.Fprintf(w, "\n%d medlemmar, varav %d bindande; %d uppfyller alla fyra skyldigheterna.\n", rep.Summary.Members, rep.Summary.Binding, rep.Summary.AllMet)
	for _, o := range compliance.Obligations() {
		var parts []string
		for _, st := range compliance.Statuses() {
			if n := rep.Summary.BindingBy[o][st]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, st))
			}
		}
		if len(parts) == 0 {
			parts = []string{"inga bindande medlemmar"}
		}
		fmt.Fprintf(w, "  %s (bindande): %s\n", o.Title(), strings.Join(parts, ", "))
	}
}
