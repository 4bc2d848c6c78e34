package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	sv "github.com/klimatkommunerna/klimatrapport/swedish" // the tests have a func swedish
)

var importCommands = subcommands{name: "import", usage: `Usage:
  klimatrapport import smhi FILE.xlsx [--release YYYY-MM-DD] [--json] [--db DSN]
  klimatrapport import smhi --url URL [--release YYYY-MM-DD] [--json] [--db DSN]
  klimatrapport import smhi --from-smhi [--substances GGT,CO2,…] [--smhi-url BASE] [--json] [--db DSN]
  klimatrapport import municipalities FILE.csv [--json] [--db DSN]
  klimatrapport import population FILE.xlsx [--year YEAR] [--json] [--db DSN]
  klimatrapport import population --from-scb [--scb-url BASE] [--scb-table ID] [--json] [--db DSN]

Run "klimatrapport import KIND --help" for the flags.
`, run: map[string]func(context.Context, *env, []string) int{
	"smhi":           importSMHI,
	"municipalities": importMunicipalities,
	"population":     importPopulation,
}}

// importer is what every import shares: --db, --json and the file.
type importer struct {
	fs     *cmdFlags
	db     *database
	asJSON *bool
	remote *bool // --from-smhi, --from-scb: no file
}

func newImporter(e *env, kind string) importer {
	fs := newFlags(e, "import "+kind, "FILE [flags]")
	return importer{fs: fs, db: fs.dbFlag(), asJSON: fs.Bool("json", false, "print the summary as JSON")}
}

// parse reads the flags and the file; url, when given, replaces the file.
func (im importer) parse(ctx context.Context, args []string, url *string) (name string, content []byte, code int, ok bool) {
	file, code, ok := im.fs.parseWithArg(args)
	if !ok {
		return "", nil, code, false
	}
	if im.remote != nil && *im.remote {
		if file != "" || (url != nil && *url != "") {
			return "", nil, im.fs.usageError("a file or --url, or fetch from the source, not both"), false
		}
		return "", nil, exitOK, true
	}
	if (file == "") == (url == nil || *url == "") {
		return "", nil, im.fs.usageError("name one file (or, for smhi, --url or --from-smhi; for population, --from-scb)"), false
	}
	if file == "" {
		content, err := downloader(im.fs.e).Get(ctx, *url)
		if err != nil {
			return "", nil, im.fs.rejected(err), false
		}
		return *url, content, exitOK, true
	}
	content, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(im.fs.e.stderr, "klimatrapport %s: %v\n", im.fs.Name(), err)
		return "", nil, exitUsage, false
	}
	return file, content, exitOK, true
}

// run imports with store and prints the summary; an error after a
// summary (some of SMHI's substances failed) prints both.
func (im importer) run(ctx context.Context, f func(store *national.Store) (any, error)) int {
	return im.fs.withApp(ctx, im.db, app.Options{}, func(a *app.App) int {
		start := time.Now()
		summary, err := f(a.National)
		if err != nil && (summary == nil || *im.asJSON) {
			if *im.asJSON && summary != nil {
				printJSON(im.fs.e.stdout, summary)
			}
			return im.fs.rejected(err)
		}
		if *im.asJSON {
			printJSON(im.fs.e.stdout, summary)
		} else {
			printImportSummary(im.fs.e.stdout, summary, time.Since(start))
		}
		if err != nil {
			return im.fs.rejected(err)
		}
		return exitOK
	})
}

func importMunicipalities(ctx context.Context, e *env, args []string) int {
	im := newImporter(e, "municipalities")
	_, content, code, ok := im.parse(ctx, args, nil)
	if !ok {
		return code
	}
	return im.run(ctx, func(store *national.Store) (any, error) {
		return store.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(content))
	})
}

func importPopulation(ctx context.Context, e *env, args []string) int {
	im := newImporter(e, "population")
	year := im.fs.Int("year", 0, "the year the figures are for (default: from the file's title)")
	im.remote = im.fs.Bool("from-scb", false, "fetch every year's population of Sweden, the counties and the municipalities from SCB's statistical database (PxWebApi 2.0, JSON-stat2) instead of a file")
	scbBase := im.fs.String("scb-url", national.DefaultSCBBase, "SCB's PxWebApi 2.0; the table is asked at …/tables/ID/data")
	scbTable := im.fs.String("scb-table", national.DefaultSCBTable, "SCB's table of the population by region and year")
	_, content, code, ok := im.parse(ctx, args, nil)
	if !ok {
		return code
	}
	if *im.remote {
		return im.run(ctx, func(store *national.Store) (any, error) {
			sum, err := store.FetchPopulation(ctx, kr.System(), national.SCBFetch{Base: *scbBase, Table: *scbTable, Client: downloader(e)})
			if err != nil {
				return nil, err
			}
			return sum, nil
		})
	}
	return im.run(ctx, func(store *national.Store) (any, error) {
		return store.ImportPopulation(ctx, kr.System(), bytes.NewReader(content), *year)
	})
}

func importSMHI(ctx context.Context, e *env, args []string) int {
	im := newImporter(e, "smhi")
	release := im.fs.String("release", "", "the release date YYYY-MM-DD (default: from the file's report name)")
	url := im.fs.String("url", "", "download the file from this address instead (e.g. SMHI's getexcelfile link)")
	im.remote = im.fs.Bool("from-smhi", false, "download each substance's national export from SMHI and import each as a release (one already imported changes nothing)")
	source := im.fs.smhiFlags()
	name, content, code, ok := im.parse(ctx, args, url)
	if !ok {
		return code
	}
	if *im.remote {
		return im.fetchSMHI(ctx, source, *release)
	}
	in := national.SMHIImport{FileName: name, Content: content, Progress: progress(e)}
	if *url != "" { // a download: compared by what it holds, not its bytes
		var err error
		if in.Identity, err = national.ContentIdentity(content); err != nil {
			return im.fs.rejected(err)
		}
	}
	if *release != "" {
		var err error
		if in.Release, err = time.Parse(time.DateOnly, *release); err != nil {
			return im.fs.usageError("--release must be YYYY-MM-DD")
		}
	}
	return im.run(ctx, func(store *national.Store) (any, error) {
		return store.ImportSMHI(ctx, kr.System(), in)
	})
}

// fetchSMHI is import smhi --from-smhi.
func (im importer) fetchSMHI(ctx context.Context, source *smhiSource, release string) int {
	if release != "" {
		return im.fs.usageError("--release names one file's date; SMHI's downloads carry their own")
	}
	f, err := source.fetch(im.fs.e)
	if err != nil {
		return im.fs.usageError("--substances: %s", kr.MessageOf(err))
	}
	f.Progress = progress(im.fs.e)
	return im.run(ctx, func(store *national.Store) (any, error) {
		got, err := store.FetchSMHI(ctx, kr.System(), f)
		if got == nil {
			return nil, err
		}
		return got, err
	})
}

// progress returns a progress printer when stderr is a terminal.
func progress(e *env) func(int) {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(rows int) { fmt.Fprintf(f, "\r  %d rader lästa …", rows) }
}

func printImportSummary(w io.Writer, summary any, took time.Duration) {
	switch s := summary.(type) {
	case []national.SMHIFetched:
		for _, r := range s {
			if r.Error == "" {
				printImportSummary(w, r.Summary, took)
			}
		}
	case national.SCBPopulationSummary:
		fmt.Fprintf(w, "Inläst från SCB: folkmängd %d–%d för %d kommuner, %d län och riket (%s värden, %s av dem nya eller ändrade; riket %s invånare %d).\n",
			s.FirstYear, s.LastYear, s.Municipalities, s.Counties, sv.Number(float64(s.Rows), 0), sv.Number(float64(s.Changed), 0), sv.Number(float64(s.Sweden), 0), s.LastYear)
	case national.PlacesSummary:
		fmt.Fprintf(w, "Inläst: %d kommuner i %d län.\n", s.Municipalities, s.Counties)
	case national.PopulationSummary:
		fmt.Fprintf(w, "Inläst: folkmängd %d för %d kommuner, %d län och riket (%d invånare).\n", s.Year, s.Municipalities, s.Counties, s.Sweden)
	case national.SMHISummary:
		fmt.Fprintln(w)
		if s.AlreadyPresent {
			fmt.Fprintf(w, "Filen är redan inläst som publiceringen %s (%s). Ingenting har ändrats.\n",
				s.Release.ReleaseDate.Format(time.DateOnly), s.Release.Substance)
			return
		}
		fmt.Fprintf(w, "Inläst: SMHI:s publicering %s av %s på %.1f s.\n", s.Release.ReleaseDate.Format(time.DateOnly), s.Release.Substance, took.Seconds())
		fmt.Fprintf(w, "  %d rader, %d värden, %d kommuner, %d län, år %s.\n", s.Rows, s.Release.Values, s.Municipalities, s.Counties, yearList(s.Years))
		if len(s.Normalised) > 0 {
			fmt.Fprintf(w, "  %d stavningar rättade (SMHI:s egna stavfel).\n", len(s.Normalised))
		}
		if len(s.Mismatches) == 0 {
			fmt.Fprintln(w, "  Kontroll: alla summor stämmer med sina delar.")
			return
		}
		byCheck := map[string]int{}
		for _, m := range s.Mismatches {
			byCheck[m.Check]++
		}
		fmt.Fprintf(w, "  Kontroll: %d summor skiljer sig från summan av sina delar:\n", len(s.Mismatches))
		labels := map[string]string{
			smhi.CheckCounties:       "riket ≠ summan av länen",
			smhi.CheckMunicipalities: "län ≠ summan av kommunerna",
			smhi.CheckMainSectors:    "total ≠ summan av huvudsektorerna",
			smhi.CheckSubsectors:     "huvudsektor ≠ summan av undersektorerna",
		}
		for _, c := range []string{smhi.CheckCounties, smhi.CheckMunicipalities, smhi.CheckMainSectors, smhi.CheckSubsectors} {
			if byCheck[c] > 0 {
				fmt.Fprintf(w, "    %-45s %d\n", labels[c], byCheck[c])
			}
		}
		fmt.Fprintln(w, "  (--json visar varje avvikelse.)")
	}
}

func yearList(years []int) string {
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}
