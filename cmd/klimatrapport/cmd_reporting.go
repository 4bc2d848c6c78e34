package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

func init() {
	register(command{"template", "write the Excel template, optionally pre-filled with a municipality's data", cmdTemplate})
	register(command{"ingest", "validate and store a filled-in workbook; prints the report", cmdIngest})
}

func lookupEnvInt(name string) (int, bool) {
	v, ok := os.LookupEnv(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

func cmdTemplate(ctx context.Context, e *env, args []string) int {
	fs := flags("template", "--out FILE.xlsx [--municipality CODE] [--year YEAR] [--db DSN]", e)
	var out, code, dsn string
	year := time.Now().Year()
	stringFlag(fs, &out, "out", "", "where to write the workbook (required)")
	stringFlag(fs, &code, "municipality", "", "pre-fill with this municipality's (or region's) current data")
	fs.IntVar(&year, "year", year, "the report year")
	dbFlag(fs, &dsn)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if out == "" {
		fmt.Fprintln(e.stderr, "klimatrapport template: --out FILE.xlsx is required")
		fs.Usage()
		return exitUsage
	}
	opts := workbook.TemplateOptions{Code: code, Year: year}
	if code != "" {
		db, err := openDB(ctx, e, dsn)
		if err != nil {
			fmt.Fprintf(e.stderr, "klimatrapport template: %v\n", err)
			return exitRejected
		}
		defer db.Close()
		cur, err := newApp(db, 0).submissions.Current(ctx, code)
		if err != nil {
			fmt.Fprintf(e.stderr, "klimatrapport template: %v\n", err)
			return exitRejected
		}
		cur.Details.ReportYear = year
		opts.Prefill = cur
	}
	var buf bytes.Buffer
	if err := workbook.WriteTemplate(&buf, opts); err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport template: %v\n", err)
		return exitRejected
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport template: %v\n", err)
		return exitRejected
	}
	fmt.Fprintf(e.stdout, "Mallen är sparad i %s.\n", out)
	return exitOK
}

func cmdIngest(ctx context.Context, e *env, args []string) int {
	fs := flags("ingest", "FILE.xlsx [--municipality CODE] [--json] [--db DSN]", e)
	var code, dsn string
	var asJSON bool
	var maxMB int
	stringFlag(fs, &code, "municipality", "", "the municipality (or region) the file must be for")
	fs.BoolVar(&asJSON, "json", false, "print the result as JSON")
	dbFlag(fs, &dsn)
	maxUploadFlag(fs, &maxMB)
	file, rest := splitFileArg(args)
	if code, ok := parse(fs, rest); !ok {
		return code
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" {
		fmt.Fprintln(e.stderr, "klimatrapport ingest: name the workbook to read")
		fs.Usage()
		return exitUsage
	}
	content, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport ingest: %v\n", err)
		return exitUsage
	}
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport ingest: %v\n", err)
		return exitRejected
	}
	defer db.Close()
	res, err := newApp(db, maxMB).submissions.Submit(ctx, kr.System, submissions.Upload{
		FileName: filepath.Base(file), Content: content, Municipality: code,
	})
	if err != nil {
		if asJSON {
			json.NewEncoder(e.stdout).Encode(map[string]any{"error": map[string]string{"code": kr.KindOf(err).String(), "message": kr.MessageOf(err)}})
		} else {
			fmt.Fprintf(e.stdout, "%s\n", kr.MessageOf(err))
		}
		fmt.Fprintf(e.stderr, "klimatrapport ingest: %v\n", err)
		return exitRejected
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(res)
	} else {
		printResult(e.stdout, res)
	}
	if !res.Accepted() {
		return exitRejected
	}
	return exitOK
}

// splitFileArg lets the file come before the flags (`ingest FILE --json`),
// which the flag package alone does not allow.
func splitFileArg(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}

func printResult(w io.Writer, res submissions.Result) {
	sub := res.Submission
	switch {
	case res.Existing:
		fmt.Fprintf(w, "Filen är redan inlämnad (inlämning %s, %s). Ingenting nytt har sparats.\n", sub.ID, sub.UploadedAt.Format("2006-01-02 15:04"))
	case res.Accepted():
		fmt.Fprintf(w, "Filen är mottagen: inlämning %s för %s, rapportår %d.\n", sub.ID, sub.MunicipalityCode, sub.ReportYear)
		fmt.Fprintf(w, "%d utsläppsvärden, %d mål, %d handlingsplaner, %d åtgärder.\n", sub.Counts.Inventory, sub.Counts.Goals, sub.Counts.Plans, sub.Counts.Measures)
	default:
		fmt.Fprintf(w, "Filen har inte tagits emot: den innehåller fel. Ingenting av den har sparats som uppgifter.\n")
	}
	if len(sub.Items) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Typ\tBlad\tCell\tKod\tMeddelande")
	for _, it := range sub.Items {
		kind := "Fel"
		if it.Severity == kr.SeverityWarning {
			kind = "Varning"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", kind, it.Sheet, it.Cell, it.Code, it.Message)
	}
	tw.Flush()
}

// writeFileAtomic writes via a temporary file in the same directory.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".klimatrapport-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
