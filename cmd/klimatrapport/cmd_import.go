package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
)

func init() {
	register(command{"import", "load national data: smhi FILE|--url URL, municipalities FILE.csv, population FILE.xlsx", cmdImport})
}

// maxDownload caps an SMHI file fetched with --url.
const maxDownload = 200 << 20

func cmdImport(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "Usage: klimatrapport import smhi|municipalities|population FILE [flags]")
		return exitUsage
	}
	kind, args := args[0], args[1:]
	fs := flags("import "+kind, "FILE [flags]", e)
	var dsn, release, url string
	var year int
	var asJSON bool
	dbFlag(fs, &dsn)
	fs.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	switch kind {
	case "smhi":
		stringFlag(fs, &release, "release", "", "the release date YYYY-MM-DD (default: from the file's report name)")
		stringFlag(fs, &url, "url", "", "download the file from this address instead (e.g. SMHI's getexcelfile link)")
	case "population":
		fs.IntVar(&year, "year", 0, "the year the figures are for (default: from the file's title)")
	case "municipalities":
	default:
		fmt.Fprintf(e.stderr, "klimatrapport import: unknown kind %q (smhi, municipalities or population)\n", kind)
		return exitUsage
	}
	file, rest := splitFileArg(args)
	if code, ok := parse(fs, rest); !ok {
		return code
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if (file == "") == (url == "") {
		fmt.Fprintln(e.stderr, "klimatrapport import: name one file (or, for smhi, --url)")
		fs.Usage()
		return exitUsage
	}
	var content []byte
	var err error
	name := file
	if url != "" {
		name = url
		content, err = download(ctx, url)
	} else {
		content, err = os.ReadFile(file)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport import: %v\n", err)
		return exitUsage
	}
	db, err := openDB(ctx, e, dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport import: %v\n", err)
		return exitRejected
	}
	defer db.Close()
	store := newApp(db, 0).national
	start := time.Now()
	var summary any
	switch kind {
	case "municipalities":
		summary, err = store.ImportMunicipalities(ctx, bytes.NewReader(content))
	case "population":
		summary, err = store.ImportPopulation(ctx, bytes.NewReader(content), year)
	case "smhi":
		in := national.SMHIImport{FileName: name, Content: content, Actor: kr.System, Progress: progress(e)}
		if release != "" {
			if in.Release, err = time.Parse(time.DateOnly, release); err != nil {
				fmt.Fprintln(e.stderr, "klimatrapport import: --release must be YYYY-MM-DD")
				return exitUsage
			}
		}
		summary, err = store.ImportSMHI(ctx, in)
	}
	if err != nil {
		fmt.Fprintf(e.stdout, "%s\n", kr.MessageOf(err))
		fmt.Fprintf(e.stderr, "klimatrapport import %s: %v\n", kind, err)
		return exitRejected
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(summary)
		return exitOK
	}
	printImportSummary(e.stdout, summary, time.Since(start))
	return exitOK
}

func download(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDownload {
		return nil, fmt.Errorf("%s is larger than %d MB", url, maxDownload>>20)
	}
	return b, nil
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
