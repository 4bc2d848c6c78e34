package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

func cmdTemplate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "template", "--out FILE.xlsx [--municipality CODE] [--year YEAR] [--db DSN]")
	out := fs.String("out", "", "where to write the workbook (required)")
	code := fs.String("municipality", "", "pre-fill with this municipality's (or region's) current data")
	year := fs.Int("year", time.Now().Year(), "the report year")
	db := fs.dbFlag()
	if c, ok := fs.parse(args); !ok {
		return c
	}
	if c, ok := fs.required(*out, "--out FILE.xlsx"); !ok {
		return c
	}
	opts := workbook.TemplateOptions{Code: *code, Year: *year}
	if *code == "" {
		return writeTemplate(fs, *out, opts)
	}
	return fs.withApp(ctx, db, app.Options{}, func(a *app.App) int {
		cur, err := a.Submissions.Current(ctx, *code)
		if err != nil {
			return fs.failed(err)
		}
		cur.Details.ReportYear = *year
		opts.Prefill = cur
		return writeTemplate(fs, *out, opts)
	})
}

func writeTemplate(fs *cmdFlags, out string, opts workbook.TemplateOptions) int {
	var buf bytes.Buffer
	if err := workbook.WriteTemplate(&buf, opts); err != nil {
		return fs.failed(err)
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fs.failed(err)
	}
	fmt.Fprintf(fs.e.stdout, "Mallen är sparad i %s.\n", out)
	return exitOK
}

func cmdIngest(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "ingest", "FILE.xlsx [--municipality CODE] [--json] [--db DSN]")
	code := fs.String("municipality", "", "the municipality (or region) the file must be for")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	db := fs.dbFlag()
	uploadOptions := fs.uploadFlags()
	file, c, ok := fs.parseWithArg(args)
	if !ok {
		return c
	}
	if file == "" {
		return fs.usageError("name the workbook to read")
	}
	content, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport ingest: %v\n", err)
		return exitUsage
	}
	return fs.withApp(ctx, db, uploadOptions(), func(a *app.App) int {
		res, err := a.Submissions.Submit(ctx, kr.System(), submissions.Upload{
			FileName: filepath.Base(file), Content: content, Municipality: *code,
		})
		if err != nil {
			if *asJSON {
				json.NewEncoder(e.stdout).Encode(map[string]any{"error": map[string]string{"code": kr.KindOf(err).String(), "message": kr.MessageOf(err)}})
				return fs.failed(err)
			}
			return fs.rejected(err)
		}
		if *asJSON {
			printJSON(e.stdout, res)
		} else {
			printResult(e.stdout, res)
		}
		if !res.Accepted() {
			return exitRejected
		}
		return exitOK
	})
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
