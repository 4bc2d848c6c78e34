package workbook_test

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// maxHostileHeap is the most heap one hostile file may cost while it is
// read, whatever it claims to unpack to.
const maxHostileHeap = 150 << 20

// TestHostileFilesParse reads every attack file: each gives its problem
// code (a *kr.Error with a Swedish message, of kind Invalid or TooLarge),
// or none for a valid workbook under a hostile name, and the heap stays
// small while it is read.
func TestHostileFilesParse(t *testing.T) {
	for _, h := range workbooktest.HostileFiles() {
		t.Run(h.Name, func(t *testing.T) {
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			var err error
			peak, _ := workbooktest.PeakHeap(func() {
				_, err = workbook.Parse(bytes.NewReader(h.Content), int64(len(h.Content)), workbook.Limits{})
			})
			grown := int64(peak) - int64(base.HeapAlloc)
			t.Logf("%s: problem %q, peak heap %.1f MiB above the %.1f MiB before", h.Name, workbook.FileProblem(err), float64(grown)/(1<<20), float64(base.HeapAlloc)/(1<<20))
			if got := workbook.FileProblem(err); got != h.Problem {
				t.Errorf("problem %q, want %q (%v)", got, h.Problem, err)
			}
			if h.Problem != "" {
				var e *kr.Error
				if !errors.As(err, &e) || (e.Kind != kr.Invalid && e.Kind != kr.TooLarge) || e.Message == "" {
					t.Errorf("error %#v", err)
				}
			}
			if grown > maxHostileHeap {
				t.Errorf("peak heap %d MiB above the start, want at most %d MiB", grown>>20, maxHostileHeap>>20)
			}
		})
	}
}
