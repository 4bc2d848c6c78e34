package workbook_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// countingSink is what the upload path hands the parser: it takes the
// report and the inventory batches, keeping only their count.
type countingSink struct{ values int }

func (s *countingSink) Report(*kr.Report) error { return nil }

func (s *countingSink) Inventory(batch []kr.InventoryValue) error {
	s.values += len(batch)
	return nil
}

// FuzzIngest drives the upload path's parser entry, workbook.IngestContext,
// with the service's own limits (smaller caps, see below), seeded with the hostile
// files, the real SCB and SMHI workbooks and a filled-in template. Whatever
// comes in, the answer is a file-level refusal (Invalid or TooLarge, a
// problem code other than "unreadable", a Swedish message) or a report of
// well-formed items; never a panic, a hang or an internal error.
func FuzzIngest(f *testing.F) {
	for _, seed := range uploadSeeds(f) {
		f.Add(seed)
	}
	// The service's limits, but a zip may unpack to 16 MiB and a parse
	// may take 5 s: the same guards trip sooner, so that the fuzzer runs
	// more than one input a second and stays under its own 10 s per input.
	lim := workbook.DefaultLimits()
	lim.Timeout = 5 * time.Second
	lim.UnzipSizeLimit = 16 << 20
	vctx := workbook.ValidationContext{
		UploaderCode: "1281",
		Today:        time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		KnownCode:    func(code string) bool { return code == "1281" || code == "1280" || code == "12" },
		SMHI:         func(string, int, string) (float64, bool) { return 100, true },
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		sink := &countingSink{}
		start := time.Now()
		items, err := workbook.IngestContext(ctx, bytes.NewReader(b), int64(len(b)), lim, vctx, sink)
		if d := time.Since(start); d > lim.Timeout+2*time.Second {
			t.Fatalf("the parse took %v, past its timeout of %v: %v", d, lim.Timeout, err)
		}
		if err != nil {
			checkRefusal(t, err)
			return
		}
		for _, it := range items {
			if it.Code == "" || strings.TrimSpace(it.Message) == "" || (it.Severity != kr.SeverityError && it.Severity != kr.SeverityWarning) {
				t.Fatalf("bad item %+v", it)
			}
		}
	})
}

// checkRefusal fails unless err is a file-level refusal the officer can
// act on.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var e *kr.Error
	if !errors.As(err, &e) || (e.Kind != kr.Invalid && e.Kind != kr.TooLarge) || strings.TrimSpace(e.Message) == "" {
		t.Fatalf("not a refusal of the file: %#v", err)
	}
	if p := workbook.FileProblem(err); p == "" || p == workbook.ProblemInternal {
		t.Fatalf("the parser failed inside (problem %q): %v", p, err)
	}
}

// uploadSeeds are the fuzzer's starting files: the hostile files, the real
// national workbooks (an officer may upload SMHI's export), the
// LibreOffice files of the package's test data and a filled-in template.
func uploadSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, h := range workbooktest.HostileFiles() {
		seeds = append(seeds, h.Content)
	}
	// SMHI's CO2 export (2 MB) takes longer than the fuzzer allows one
	// input (10 s) once instrumented for coverage; its all-gases export
	// has the same layout at an eighth of the size.
	for _, rel := range []string{samples.GGT, samples.Population} {
		seeds = append(seeds, samples.Read(f, rel))
	}
	for _, name := range []string{"libreoffice-wide.xlsx", "libreoffice-long.xlsx", "inline-strings-text-numbers.xlsx"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	var tmpl bytes.Buffer
	v := 1234.5
	rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2025},
		Inventory: []kr.InventoryValue{{Year: 2023, Sector: kr.MainSectors()[0], Tonnes: &v}}}
	if err := workbook.WriteTemplate(&tmpl, workbook.TemplateOptions{Code: "1281", Year: 2025, Prefill: rep}); err != nil {
		f.Fatal(err)
	}
	return append(seeds, tmpl.Bytes())
}
