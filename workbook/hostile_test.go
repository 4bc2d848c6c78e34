package workbook_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// maxHostileHeap is the most heap one hostile file may cost while it is
// read, whatever it claims to unpack to.
const maxHostileHeap = 150 << 20

// heapGrowth is the peak heap while fn runs, above the live heap before.
func heapGrowth(fn func()) int64 {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak, _ := workbooktest.PeakHeap(fn)
	return int64(peak) - int64(base.HeapAlloc)
}

// TestHostileFilesParse reads every attack file: each gives its problem
// code (a *kr.Error with a Swedish message, of kind Invalid or TooLarge),
// or none for a valid workbook under a hostile name, and the heap stays
// small while it is read.
func TestHostileFilesParse(t *testing.T) {
	for _, h := range workbooktest.HostileFiles() {
		t.Run(h.Name, func(t *testing.T) {
			var err error
			grown := heapGrowth(func() {
				_, err = workbook.Parse(bytes.NewReader(h.Content), int64(len(h.Content)), workbook.Limits{})
			})
			t.Logf("%s: problem %q, peak heap %.1f MiB above the start", h.Name, workbook.FileProblem(err), float64(grown)/(1<<20))
			if got := workbook.FileProblem(err); got != h.Problem {
				t.Errorf("problem %q, want %q (%v)", got, h.Problem, err)
			}
			if h.Problem != "" {
				var e *kr.Error
				if !errors.As(err, &e) || (e.Kind != kr.Invalid && e.Kind != kr.TooLarge) || e.Message == "" {
					t.Errorf("error %#v", err)
				}
				if !workbook.IsFileProblem(h.Problem) {
					t.Errorf("IsFileProblem(%q) is false", h.Problem)
				}
			}
			if grown > maxHostileHeap {
				t.Errorf("peak heap %d MiB above the start, want at most %d MiB", grown>>20, maxHostileHeap>>20)
			}
		})
	}
}

// TestHostileFilesAnnotate: the annotated copy opens the file as Parse
// does, with the parts a rewrite keeps, and refuses the same files with the
// same codes within the same heap.
func TestHostileFilesAnnotate(t *testing.T) {
	for _, h := range workbooktest.HostileFiles() {
		t.Run(h.Name, func(t *testing.T) {
			var err error
			var out bytes.Buffer
			grown := heapGrowth(func() {
				err = workbook.Annotate(bytes.NewReader(h.Content), int64(len(h.Content)), nil, &out)
			})
			t.Logf("%s: problem %q, peak heap %.1f MiB above the start", h.Name, workbook.FileProblem(err), float64(grown)/(1<<20))
			if got := workbook.FileProblem(err); got != h.Problem || h.Problem == "" && (err != nil || out.Len() == 0) {
				t.Errorf("problem %q (%v), want %q", got, err, h.Problem)
			}
			if grown > maxHostileHeap {
				t.Errorf("peak heap %d MiB above the start, want at most %d MiB", grown>>20, maxHostileHeap>>20)
			}
		})
	}
}

// TestAnnotateSurvivesExcelizePanic: excelize panics adding a style to a
// workbook without styles.xml (Excel always writes one; a hand-made or
// hostile file need not). The annotated copy is then refused as
// unreadable instead of taking the caller down.
func TestAnnotateSurvivesExcelizePanic(t *testing.T) {
	b, err := workbooktest.ReplacePart(workbooktest.HostileBase(), "xl/styles.xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workbook.Parse(bytes.NewReader(b), int64(len(b)), workbook.Limits{}); err != nil {
		t.Fatalf("Parse: %v", err)
	}
	err = workbook.Annotate(bytes.NewReader(b), int64(len(b)), nil, io.Discard)
	if got := workbook.FileProblem(err); got != workbook.ProblemInternal {
		t.Errorf("Annotate: %q (%v), want %q", got, err, workbook.ProblemInternal)
	}
}

// TestIsFileProblem: every file-level code is one, an item's code is not.
func TestIsFileProblem(t *testing.T) {
	for _, code := range []string{workbook.ProblemCorrupt, workbook.ProblemTimeout, workbook.ProblemNotWorkbook, workbook.ProblemXMLEntity, workbook.ProblemUnzipLimit} {
		if !workbook.IsFileProblem(code) {
			t.Errorf("IsFileProblem(%q) is false", code)
		}
	}
	for _, code := range []string{"", workbook.CodeMissingSheet, workbook.CodeFormula, workbook.CodeNoData} {
		if workbook.IsFileProblem(code) {
			t.Errorf("IsFileProblem(%q) is true", code)
		}
	}
}
