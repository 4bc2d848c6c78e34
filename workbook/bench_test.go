package workbook_test

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

var (
	benchOnce  sync.Once
	benchWide  []byte
	benchLong  []byte
	wideValues int
	longRows   int
)

func benchFiles() {
	benchOnce.Do(func() {
		benchWide, wideValues = workbooktest.WideFile()
		benchLong, longRows = workbooktest.LongFile()
	})
}

// benchLimits admit the benchmark files: the long one is 23 MB and unpacks
// to 200 MiB, over the defaults for an upload.
var benchLimits = workbook.Limits{MaxBytes: 512 << 20, UnzipSizeLimit: 1 << 30, Timeout: 10 * time.Minute}

// countSink stands in for the database: it counts and drops each batch.
type countSink struct{ n int }

func (c *countSink) Report(*kr.Report) error { return nil }
func (c *countSink) Inventory(b []kr.InventoryValue) error {
	c.n += len(b)
	return nil
}

func runBench(b *testing.B, file []byte, rows int, fn func() error) {
	b.SetBytes(int64(len(file)))
	runtime.GC()
	var objects, live uint64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		o, l := workbooktest.PeakHeap(func() {
			if err := fn(); err != nil {
				b.Fatal(err)
			}
		})
		objects, live = max(objects, o), max(live, l)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(rows)*float64(b.N)/el.Seconds(), "rows/s")
	b.ReportMetric(float64(objects)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
	b.ReportMetric(float64(len(file))/(1<<20), "file-MB")
}

func benchmarkFile(b *testing.B, file []byte, rows int, collect bool) {
	b.Run("bare-excelize", func(b *testing.B) {
		runBench(b, file, rows, func() error { _, err := workbooktest.BareRead(file); return err })
	})
	b.Run("ingest", func(b *testing.B) {
		runBench(b, file, rows, func() error {
			s := &countSink{}
			items, err := workbook.Ingest(bytes.NewReader(file), int64(len(file)), benchLimits,
				workbook.ValidationContext{UploaderCode: "1281", Today: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, s)
			if err == nil && s.n == 0 {
				err = fmt.Errorf("nothing read: %v", items)
			}
			return err
		})
	})
	if collect {
		b.Run("parse-collect+validate", func(b *testing.B) {
			runBench(b, file, rows, func() error {
				_, _, err := workbook.Check(bytes.NewReader(file), int64(len(file)), benchLimits, workbook.ValidationContext{Today: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
				return err
			})
		})
	}
}

// BenchmarkWide200k: a wide workbook with 200 000 inventory values. Run
// with -benchtime=3x; rows/s counts inventory values.
func BenchmarkWide200k(b *testing.B) {
	benchFiles()
	benchmarkFile(b, benchWide, wideValues, true)
}

// BenchmarkLong1M: a long-layout workbook with 1 000 000 rows.
func BenchmarkLong1M(b *testing.B) {
	benchFiles()
	benchmarkFile(b, benchLong, longRows, false)
}

// TestBenchFilesParse keeps the benchmark generators honest on a small
// scale: the files they write are read as intended.
func TestBenchFilesParse(t *testing.T) {
	keys := workbooktest.Keys()
	var buf bytes.Buffer
	x := workbooktest.NewXLSXWriter(&buf)
	x.Sheet("Uppgifter", workbooktest.DetailsRows)
	x.Sheet("Utsläpp", func(n int) []any {
		if n == 1 {
			return []any{"År", "Sektor", "Undersektor", "Växthusgas", "Utsläpp (ton CO2e)", "Källa", "Kommentar"}
		}
		if n > len(keys)+1 {
			return nil
		}
		k := keys[n-2]
		return []any{2020, k[0], k[1], k[2], 1.5, "SMHI", ""}
	})
	x.Close()
	s := &countSink{}
	items, err := workbook.Ingest(bytes.NewReader(buf.Bytes()), int64(buf.Len()), workbook.Limits{}, workbook.ValidationContext{Today: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}, s)
	if err != nil {
		t.Fatal(err)
	}
	if s.n != len(keys) {
		t.Errorf("read %d of %d", s.n, len(keys))
	}
	for _, it := range items {
		if it.Severity == kr.SeverityError {
			t.Errorf("%+v", it)
		}
	}
}
