package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
)

func init() {
	register(command{"compliance", "evaluate the membership obligations of a year: table, json or the board's xlsx", cmdCompliance})
}

// rulesFlag defines --rules.
func rulesFlag(fs *flag.FlagSet, p *string) {
	stringFlag(fs, p, "rules", "", "a rules file (JSON) for the membership obligations; the built-in defaults otherwise (see compliance --show-rules)")
}

// loadRules reads the rules file, telling the user why it cannot be used.
func loadRules(e *env, cmd, path string) (compliance.Rules, bool) {
	r, err := compliance.LoadRules(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport %s: --rules: %s\n", cmd, kr.MessageOf(err))
		return r, false
	}
	return r, true
}

func cmdCompliance(ctx context.Context, e *env, args []string) int {
	fs := flags("compliance", "--year YEAR [--format table|json|xlsx] [--out FILE] [--rules FILE] [--as-of DATE] [--db DSN]", e)
	var dsn, format, out, rulesPath, asOf, status, obligation, kind, binding, codes string
	var showRules bool
	year := time.Now().Year()
	fs.IntVar(&year, "year", year, "the report year")
	stringFlag(fs, &format, "format", "table", "table (for people), json or xlsx (the board's workbook)")
	stringFlag(fs, &out, "out", "", "write to this file instead of standard output (required for xlsx)")
	rulesFlag(fs, &rulesPath)
	fs.StringVar(&asOf, "as-of", "", "evaluate as of this date, YYYY-MM-DD (default now)")
	fs.StringVar(&status, "status", "", "only these statuses, comma-separated (uppfyllt, delvis, försenat, saknas, ej förfallet)")
	fs.StringVar(&obligation, "obligation", "", "only these obligations, comma-separated (inventory, goals, plan, reporting)")
	fs.StringVar(&kind, "kind", "", "only municipality or region members")
	fs.StringVar(&binding, "binding", "", "true: only binding members; false: only observers and members that have left")
	fs.StringVar(&codes, "municipality", "", "only these members, comma-separated codes")
	fs.BoolVar(&showRules, "show-rules", false, "print the rules in effect (defaults, or --rules over them) as JSON and stop")
	dbFlag(fs, &dsn)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	rules, ok := loadRules(e, "compliance", rulesPath)
	if !ok {
		return exitUsage
	}
	if showRules {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rules)
		return exitOK
	}
	q := compliance.Query{Year: year}
	filter, err := complianceFilter(status, obligation, kind, binding)
	if err == nil && asOf != "" {
		var d time.Time
		if d, err = time.Parse(time.DateOnly, asOf); err != nil {
			err = fmt.Errorf("--as-of must be a date, YYYY-MM-DD")
		}
		q.AsOf = compliance.EndOfDay(d)
	}
	for _, c := range strings.Split(codes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			q.Codes = append(q.Codes, c)
		}
	}
	switch format {
	case "table", "json":
	case "xlsx":
		if out == "" && err == nil {
			err = fmt.Errorf("--format xlsx needs --out FILE.xlsx")
		}
	default:
		err = fmt.Errorf("--format must be table, json or xlsx, not %q", format)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitUsage
	}
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitRejected
	}
	defer db.Close()
	engine := newApp(db, 0).compliance
	engine.Rules = rules
	rep, err := engine.Evaluate(ctx, q)
	if err != nil {
		fmt.Fprintf(e.stdout, "%s\n", kr.MessageOf(err))
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitRejected
	}
	rep = filter.Apply(rep)
	var buf bytes.Buffer
	switch format {
	case "json":
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case "xlsx":
		err = compliance.WriteXLSX(&buf, rep)
	default:
		writeComplianceTable(&buf, rep)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitRejected
	}
	if out == "" {
		e.stdout.Write(buf.Bytes())
		return exitOK
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport compliance: %v\n", err)
		return exitRejected
	}
	fmt.Fprintf(e.stdout, "Medlemskraven %d för %d medlemmar är sparade i %s.\n", rep.Year, len(rep.Members), out)
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
		rep.AsOf.In(stockholm).Format("2006-01-02 15:04"), rep.Deadline.Format(time.DateOnly))
	if len(rep.Members) == 0 {
		fmt.Fprintln(w, "Inga medlemmar att visa.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "Kod\tNamn\tBindande")
	for _, o := range compliance.Obligations {
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
		for _, o := range compliance.Obligations {
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
		fmt.Fprintf(tw, "\t%d av %d\n", m.Fulfilled, len(compliance.Obligations))
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
	for _, o := range compliance.Obligations {
		var parts []string
		for _, st := range compliance.Statuses {
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

// stockholm is the time zone times are shown in.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()
