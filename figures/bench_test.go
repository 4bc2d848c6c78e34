package figures_test

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// Generated inventories: every submission holds 35 years (1990–2024) × 9
// sectors × 10 rows (the sector total and nine subsectors), 3 150 rows, the
// size of a detailed report. Submissions go round the 290 municipalities,
// so 1 M rows is about one version per municipality and 10 M about eleven.
const (
	benchYears        = 35
	benchRowsPerYear  = 90
	benchRowsPerSub   = benchYears * benchRowsPerYear
	benchMunicipality = 290
)

type benchSubmission struct {
	ID         string    `ch:"id"`
	Code       string    `ch:"municipality_code"`
	ReportYear uint16    `ch:"report_year"`
	FileName   string    `ch:"file_name"`
	UploadedBy string    `ch:"uploaded_by"`
	UploadedAt time.Time `ch:"uploaded_at"`
	Seq        uint64    `ch:"seq"`
	Status     string    `ch:"status"`
}

// generateInventory writes rows inventory rows (rounded to whole
// submissions) and their accepted submissions, in the database itself
// (INSERT … SELECT FROM numbers), and returns the municipality codes.
func generateInventory(b *testing.B, db storage.DB, rows int) []string {
	b.Helper()
	codes := make([]string, benchMunicipality)
	for i := range codes {
		codes[i] = fmt.Sprintf("%04d", 1000+i)
	}
	subs := (rows + benchRowsPerSub - 1) / benchRowsPerSub
	ids := make([]string, subs)
	srows := make([]benchSubmission, subs)
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7()).String()
		srows[i] = benchSubmission{ID: ids[i], Code: codes[i%benchMunicipality], ReportYear: 2024, FileName: "bench.xlsx",
			UploadedBy: "bench", UploadedAt: at, Seq: uint64(i + 1), Status: kr.SubmissionAccepted}
	}
	ctx := b.Context()
	// The inventory first, the submissions last: as a real commit does.
	const chunk = 2_000_000
	for start := 0; start < subs*benchRowsPerSub; start += chunk {
		n := min(chunk, subs*benchRowsPerSub-start)
		err := db.Exec(ctx, `INSERT INTO inventory_values (submission_id, municipality_code, year, sector, subsector, gas, tonnes,
				notation_key, source, comment, sheet, cell, row)
			SELECT toUUID(arrayElement(?, toUInt64(intDiv(number, ?) + 1))),
				arrayElement(?, toUInt64(intDiv(number, ?) % ? + 1)),
				toUInt16(1990 + intDiv(number % ?, ?)),
				arrayElement(?, toUInt64(intDiv(number % ?, 10) + 1)),
				if(number % 10 = 0, '', concat('Undersektor ', toString(number % 10))),
				'', toNullable(toFloat64(number % 997)), '', '', '', 'Utsläpp', '', toUInt32(number % 1000)
			FROM (SELECT number + ? AS number FROM numbers(?))`,
			ids, benchRowsPerSub, codes, benchRowsPerSub, benchMunicipality, benchRowsPerSub, benchRowsPerYear,
			kr.MainSectors(), benchRowsPerYear, start, n)
		if err != nil {
			b.Fatalf("generating inventory rows: %v", err)
		}
	}
	for start := 0; start < len(srows); start += 10_000 {
		if err := db.Insert(ctx, "submissions", srows[start:min(start+10_000, len(srows))]); err != nil {
			b.Fatal(err)
		}
	}
	// Measure the steady state, not the background merges of a table that
	// was filled a second ago.
	if err := db.Exec(ctx, "OPTIMIZE TABLE inventory_values FINAL"); err != nil {
		b.Fatal(err)
	}
	return codes
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkComparisonQuery times the comparison query (the reported
// figures of the municipalities on /jamfor, Data.ReportedSeries) over 1 M
// and 10 M generated inventory rows on both engines: p50 and p95 of 20
// runs, for 4 municipalities, and once for all of them (what the reported
// ranking loads). The whole run takes about 80 s on two cores (generating
// 10 M rows: ~25 s on chDB, ~35 s on the server); -short or
// KLIMATRAPPORT_BENCH_10M=0 leaves the 10 M case out.
func BenchmarkComparisonQuery(b *testing.B) {
	sizes := []int{1_000_000}
	if testing.Short() || os.Getenv("KLIMATRAPPORT_BENCH_10M") == "0" {
		b.Log("10 M rows left out (-short or KLIMATRAPPORT_BENCH_10M=0)")
	} else {
		sizes = append(sizes, 10_000_000)
	}
	for _, engine := range storagetest.EngineNames() {
		for _, rows := range sizes {
			b.Run(fmt.Sprintf("%s/rows=%dM", engine, rows/1_000_000), func(b *testing.B) {
				db := storagetest.Migrated(b, engine)
				start := time.Now()
				codes := generateInventory(b, db, rows)
				b.Logf("%s: generated %d rows in %v", engine, rows, time.Since(start).Round(time.Millisecond))
				data := figures.Data{National: &national.Store{DB: db}, Reports: &submissions.Service{DB: db}}
				pick := []string{codes[0], codes[7], codes[100], codes[289]}
				ctx := b.Context()
				got, err := data.ReportedSeries(ctx, pick, 0, 0) // warm up, and check
				if err != nil {
					b.Fatal(err)
				}
				for _, c := range pick {
					if r := got[c]; r == nil || len(r.Total) != benchYears || len(r.Sectors) != 9 {
						b.Fatalf("%s: %+v", c, r)
					}
				}
				const runs = 20
				var times []time.Duration
				b.ResetTimer()
				for range runs {
					t0 := time.Now()
					if _, err := data.ReportedSeries(ctx, pick, 0, 0); err != nil {
						b.Fatal(err)
					}
					times = append(times, time.Since(t0))
				}
				b.StopTimer()
				t0 := time.Now()
				all, err := data.ReportedSeries(ctx, nil, 0, 0)
				if err != nil || len(all) != min(benchMunicipality, (rows+benchRowsPerSub-1)/benchRowsPerSub) {
					b.Fatalf("all: %d municipalities, %v", len(all), err)
				}
				allTime := time.Since(t0)
				p50, p95 := percentile(times, 0.5), percentile(times, 0.95)
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms")
				b.ReportMetric(float64(allTime.Microseconds())/1000, "all_ms")
				b.Logf("%s, %d rows: 4 municipalities p50 %v p95 %v; all municipalities %v", engine, rows,
					p50.Round(time.Microsecond), p95.Round(time.Microsecond), allTime.Round(time.Millisecond))
			})
		}
	}
}
