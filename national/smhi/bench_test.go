package smhi

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

type benchInput struct {
	name  string
	data  func(testing.TB) []byte
	names func(testing.TB) Places
}

var (
	synth10Once sync.Once
	synth10     []byte
	synth10Err  error
)

// synthetic10x is a synthetic file ten times the size of SMHI's real one
// (all seven substances), made once per test binary.
func synthetic10x(tb testing.TB) []byte {
	tb.Helper()
	synth10Once.Do(func() {
		var buf bytes.Buffer
		synth10Err = WriteSynthetic(&buf, nil, 10)
		synth10 = buf.Bytes()
	})
	if synth10Err != nil {
		tb.Fatal(synth10Err)
	}
	return synth10
}

// benchInputs are SMHI's real file and the synthetic one ten times its
// size, each loaded only when its benchmark runs.
var benchInputs = []benchInput{
	{"real", func(tb testing.TB) []byte { return samples.Read(tb, samples.SMHI) }, func(tb testing.TB) Places { return testNames(tb) }},
	{"synthetic10x", synthetic10x, func(testing.TB) Places { return scb.NewNames(SyntheticPlaces()) }},
}

// BenchmarkParseSMHI parses the whole file, emitting every row.
func BenchmarkParseSMHI(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			data, names := in.data(b), in.names(b)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var rows, cells int
			for b.Loop() {
				rows, cells = 0, 0
				_, err := Parse(bytes.NewReader(data), names, func(r Row) error {
					rows++
					cells += len(r.Values)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows/op")
			b.ReportMetric(float64(cells), "values/op")
		})
	}
}

// BenchmarkBareExcelizeRead is the floor: open the workbook and walk every
// row and cell of every sheet with the same row iterator and options as
// Parse, doing nothing with them.
func BenchmarkBareExcelizeRead(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			data := in.data(b)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var rows int
			for b.Loop() {
				var err error
				if rows, err = bareRead(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows), "rows/op")
		})
	}
}

// BenchmarkParseOverBare runs the bare read and the parse alternately in
// each iteration and reports their ratio, which is steadier than comparing
// two benchmarks on a busy machine.
func BenchmarkParseOverBare(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			data, names := in.data(b), in.names(b)
			var bare, parse time.Duration
			i := 0
			for b.Loop() {
				// Alternate the order so that neither pays more of the
				// other's garbage collection.
				for j := range 2 {
					start := time.Now()
					if (i+j)%2 == 0 {
						if _, err := bareRead(data); err != nil {
							b.Fatal(err)
						}
						bare += time.Since(start)
					} else {
						if _, err := Parse(bytes.NewReader(data), names, func(Row) error { return nil }); err != nil {
							b.Fatal(err)
						}
						parse += time.Since(start)
					}
				}
				i++
			}
			b.ReportMetric(float64(parse)/float64(bare), "parse/bare")
			b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N), "bare-ns/op")
			b.ReportMetric(float64(parse.Nanoseconds())/float64(b.N), "parse-ns/op")
		})
	}
}

func bareRead(data []byte) (int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	opts := excelize.Options{RawCellValue: true}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			if _, err := rows.Columns(opts); err != nil {
				rows.Close()
				return n, err
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// BenchmarkCheckSMHI is the incremental checker over the real file's rows.
func BenchmarkCheckSMHI(b *testing.B) {
	var rows []Row
	if _, err := Parse(bytes.NewReader(samples.Read(b, samples.SMHI)), testNames(b), func(r Row) error {
		rows = append(rows, r)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		CheckTotals(rows)
	}
}
