package submissions_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
)

// benchmarkSubmit times the whole upload path — parse, validate, insert
// into the database — against excelize's bare streaming read of the same
// file, in the same run, on each engine. A real report holds at most ~15 000
// distinct values (years × sectors × subsectors × gases), so files this
// large repeat keys and are rejected for duplicates after every value has
// been parsed, validated and written; the rejection then removes them.
func benchmarkSubmit(b *testing.B, file []byte, values int) {
	b.Run("bare-excelize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := workbooktest.BareRead(file); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(values*b.N)/b.Elapsed().Seconds(), "values/s")
	})
	for _, e := range storagetest.EngineNames() {
		b.Run("submit-"+e, func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storagetest.Migrated(b, e)
				s := &submissions.Service{DB: db, Limits: workbook.Limits{MaxBytes: 512 << 20, UnzipSizeLimit: 1 << 30, Timeout: 10 * time.Minute},
					Now: func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }}
				runtime.GC()
				b.StartTimer()
				_, live := workbooktest.PeakHeap(func() {
					res, err := s.Submit(ctx, admin, submissions.Upload{FileName: "bench.xlsx", Content: file})
					if err != nil {
						b.Fatal(err)
					}
					if res.Submission.Counts.Inventory != values {
						b.Fatalf("%d values read, want %d", res.Submission.Counts.Inventory, values)
					}
				})
				peak = max(peak, live)
			}
			b.ReportMetric(float64(values*b.N)/b.Elapsed().Seconds(), "values/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-MB")
		})
	}
}

// BenchmarkSubmitWide200k: the wide workbook with 200 000 values.
func BenchmarkSubmitWide200k(b *testing.B) {
	file, values := workbooktest.WideFile()
	benchmarkSubmit(b, file, values)
}

// BenchmarkSubmitLong1M: the long-layout workbook with 1 000 000 rows.
func BenchmarkSubmitLong1M(b *testing.B) {
	file, values := workbooktest.LongFile()
	benchmarkSubmit(b, file, values)
}
