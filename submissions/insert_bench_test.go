package submissions

// The engines' insert and aggregate speed on the largest table,
// inventory_values, with the rows as submissions writes them.

import (
	"context"
	"fmt"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

const benchRows = 1_000_000
const benchBatch = 100_000

func batch(start, n int) []inventoryRow {
	sectors := kr.MainSectors()
	rows := make([]inventoryRow, n)
	for i := range rows {
		k := start + i
		v := float64(k%9973) * 1.5
		rows[i] = inventoryRow{
			SubmissionID: fmt.Sprintf("00000000-0000-4000-8000-%012d", k%5000),
			Code:         fmt.Sprintf("%04d", 100+k%290), Year: uint16(1990 + k%33),
			Sector: sectors[k%9], Subsector: fmt.Sprintf("Undersektor %d", k%7), Gas: "CO2",
			Tonnes: &v, Source: "SMHI", Sheet: "Utsläpp", Cell: fmt.Sprintf("F%d", k%100000+2), Row: uint32(k%100000 + 2),
		}
	}
	return rows
}

func insertMillion(b *testing.B, db storage.DB) {
	for start := 0; start < benchRows; start += benchBatch {
		if err := db.Insert(context.Background(), "inventory_values", batch(start, benchBatch)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInsert1M inserts 1 000 000 inventory rows in batches of 100 000.
func BenchmarkInsert1M(b *testing.B) {
	for _, e := range storagetest.EngineNames() {
		b.Run(e, func(b *testing.B) {
			db := storagetest.Migrated(b, e)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				insertMillion(b, db)
			}
			b.ReportMetric(float64(benchRows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkAggregate1M times a grouped aggregate over 1 000 000 rows.
func BenchmarkAggregate1M(b *testing.B) {
	for _, e := range storagetest.EngineNames() {
		b.Run(e, func(b *testing.B) {
			db := storagetest.Migrated(b, e)
			insertMillion(b, db)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var out []struct {
					Code   string  `ch:"municipality_code"`
					Sector string  `ch:"sector"`
					Tonnes float64 `ch:"tonnes"`
				}
				if err := db.Select(context.Background(), &out, `SELECT municipality_code, sector, sum(tonnes) AS tonnes
					FROM inventory_values WHERE year >= ? GROUP BY municipality_code, sector`, 2005); err != nil {
					b.Fatal(err)
				}
				if len(out) != 290*9 {
					b.Fatalf("%d groups, want %d", len(out), 290*9)
				}
			}
		})
	}
}
