package workbook

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

type recordSink struct {
	reported bool
	batches  []int
	values   []klimatrapport.InventoryValue
	failAt   int
	panicAt  int
}

func (r *recordSink) Report(rep *klimatrapport.Report) error {
	if r.reported {
		return errors.New("Report twice")
	}
	r.reported = true
	return nil
}

func (r *recordSink) Inventory(b []klimatrapport.InventoryValue) error {
	if !r.reported {
		return errors.New("Inventory before Report")
	}
	r.batches = append(r.batches, len(b))
	if r.panicAt > 0 && len(r.batches) == r.panicAt {
		panic("boom")
	}
	if r.failAt > 0 && len(r.batches) == r.failAt {
		return errSinkFull
	}
	r.values = append(r.values, b...) // copies
	return nil
}

var errSinkFull = errors.New("sink full")

func TestParseStreamBatches(t *testing.T) {
	// 250 distinct (sector, subsector, gas) keys.
	var rows [][]any
	for _, s := range klimatrapport.MainSectors() {
		for _, sub := range append([]string{""}, klimatrapport.Subsectors(s)...) {
			for _, g := range append([]string{""}, klimatrapport.Gases()...) {
				if len(rows) < 250 {
					rows = append(rows, []any{2020, s, sub, g, float64(len(rows)), "", ""})
				}
			}
		}
	}
	b := longWorkbook(t, rows)
	s := &recordSink{}
	streamed, err := ParseStream(bytes.NewReader(b), int64(len(b)), Limits{BatchSize: 100}, s)
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, s.batches) != "[\n  100,\n  100,\n  50\n]" {
		t.Errorf("batches %v", s.batches)
	}
	whole, err := Parse(bytes.NewReader(b), int64(len(b)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, whole.Report.Inventory) != mustJSON(t, s.values) || mustJSON(t, streamed.Items) != mustJSON(t, whole.Items) {
		t.Error("Parse and ParseStream differ")
	}
	for i, v := range s.values {
		if *v.Tonnes != float64(i) {
			t.Fatalf("value %d is %v: batch memory was reused under a kept pointer", i, *v.Tonnes)
		}
	}
	// A sink's error comes back as is; its panic is not blamed on the file.
	if _, err := ParseStream(bytes.NewReader(b), int64(len(b)), Limits{BatchSize: 100}, &recordSink{failAt: 2}); err != errSinkFull {
		t.Errorf("sink error: %v", err)
	}
	_, err = ParseStream(bytes.NewReader(b), int64(len(b)), Limits{BatchSize: 100}, &recordSink{panicAt: 1})
	if _, ok := err.(sinkPanic); !ok {
		t.Errorf("sink panic: %v", err)
	}
	// A cancelled context stops parsing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ParseStreamContext(ctx, bytes.NewReader(b), int64(len(b)), Limits{}, &recordSink{}); FileProblem(err) != ProblemTimeout {
		t.Errorf("cancelled: %v", err)
	}
}

// TestCellValues: a number read from a cell is written back for messages as
// it was typed, and dates are read in Excel's serials and as typed. The
// number rule itself is the domain package's (TestParseNumber there).
func TestCellValues(t *testing.T) {
	for in, want := range map[string]string{"1234567.891": "1 234 567,89", "-0.5": "-0,5", "100": "100", "0": "0"} {
		v, _ := parseNumber(in)
		if got := swedish.Plain(v); got != want {
			t.Errorf("format %s: %q", in, got)
		}
	}
	for in, want := range map[string]string{"45366": "2024-03-15", "2024-03-15": "2024-03-15", "15/3/2024": "2024-03-15",
		"15 mars 2024": "2024-03-15", "2024-03-15T10:00:00": "2024-03-15", "15.3.2024": "2024-03-15"} {
		d, ok := parseDate(in, false)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("date %q: %v %v", in, d, ok)
		}
	}
}

// TestScanFormulasBoundedBuffer: a formula cell that never ends is not
// held whole while the sheet is scanned for formulas; the scan stops with
// the token problem once the cell is longer than any Excel writes.
func TestScanFormulasBoundedBuffer(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<worksheet><sheetData><row r="1"><c r="A1"><f>`)
	chunk := bytes.Repeat([]byte("1+"), 1<<19)
	for range 40 {
		w.Write(chunk)
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = scanFormulas(zr.File[0], func() error { return nil }, func(string) {})
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("40 MiB unclosed formula: %.1f MiB allocated, %v", float64(allocated)/(1<<20), err)
	if allocated > 16<<20 {
		t.Errorf("the scan allocated %d MiB", allocated>>20)
	}
	if FileProblem(err) != ProblemXMLToken {
		t.Errorf("problem %q, want %q", FileProblem(err), ProblemXMLToken)
	}
}
