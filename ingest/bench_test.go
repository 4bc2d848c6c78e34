package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/xuri/excelize/v2"
)

// xlsxWriter writes a workbook the way Excel does (shared strings, r
// attributes, numbers as raw values), streaming each sheet into the zip, so
// that a million-row benchmark file is quick to make.
type xlsxWriter struct {
	zw     *zip.Writer
	sst    []string
	sstIdx map[string]int
	sheets []string
}

func newXLSXWriter(w io.Writer) *xlsxWriter {
	return &xlsxWriter{zw: zip.NewWriter(w), sstIdx: map[string]int{}}
}

// sheet writes one sheet; row is called for 1-based row numbers until it
// returns nil. A cell value is a string (shared), a float64 or an int.
func (x *xlsxWriter) sheet(name string, row func(n int) []any) error {
	x.sheets = append(x.sheets, name)
	fw, err := x.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(x.sheets)))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(fw, 1<<16)
	w.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	var buf []byte
	for n := 1; ; n++ {
		cells := row(n)
		if cells == nil {
			break
		}
		buf = append(buf[:0], `<row r="`...)
		buf = strconv.AppendInt(buf, int64(n), 10)
		buf = append(buf, `">`...)
		for i, c := range cells {
			if c == nil {
				continue
			}
			ref := ref(i+1, n)
			switch v := c.(type) {
			case string:
				if v == "" {
					continue
				}
				idx, ok := x.sstIdx[v]
				if !ok {
					idx = len(x.sst)
					x.sst = append(x.sst, v)
					x.sstIdx[v] = idx
				}
				buf = append(buf, `<c r="`+ref+`" t="s"><v>`...)
				buf = strconv.AppendInt(buf, int64(idx), 10)
			case float64:
				buf = append(buf, `<c r="`+ref+`"><v>`...)
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			case int:
				buf = append(buf, `<c r="`+ref+`"><v>`...)
				buf = strconv.AppendInt(buf, int64(v), 10)
			}
			buf = append(buf, `</v></c>`...)
		}
		buf = append(buf, `</row>`...)
		w.Write(buf)
	}
	w.WriteString(`</sheetData></worksheet>`)
	return w.Flush()
}

func (x *xlsxWriter) close() error {
	put := func(name, content string) {
		fw, _ := x.zw.Create(name)
		io.WriteString(fw, content)
	}
	var ct, sheets, rels bytes.Buffer
	for i, s := range x.sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		var esc bytes.Buffer
		xml.EscapeText(&esc, []byte(s))
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, esc.String(), i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(x.sheets)+1)
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`+ct.String()+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+sheets.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	var sst bytes.Buffer
	fmt.Fprintf(&sst, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(x.sst), len(x.sst))
	for _, s := range x.sst {
		sst.WriteString(`<si><t>`)
		xml.EscapeText(&sst, []byte(s))
		sst.WriteString(`</t></si>`)
	}
	sst.WriteString(`</sst>`)
	put("xl/sharedStrings.xml", sst.String())
	return x.zw.Close()
}

// benchKeys are every (sector, subsector, gas) row a report can have.
func benchKeys() [][3]string {
	var keys [][3]string
	for _, s := range klimatrapport.MainSectors {
		for _, sub := range append([]string{""}, Subsectors[s]...) {
			for _, g := range append([]string{""}, klimatrapport.Gases...) {
				keys = append(keys, [3]string{s, sub, g})
			}
		}
	}
	return keys
}

func detailsRows(n int) []any {
	rows := [][]any{{"Fält", "Värde"}, {"Kod", "1281"}, {"Namn", "Lund"}, {"Rapportår", 2024}}
	if n > len(rows) {
		return nil
	}
	return rows[n-1]
}

// wideBenchFile has 200 000 inventory values: 35 year columns (1990–2024)
// on 5 715 rows (and 5 more values), cycling through every valid row key.
func wideBenchFile() ([]byte, int) {
	keys := benchKeys()
	const values = 200000
	years := 35
	rows := (values + years - 1) / years
	var buf bytes.Buffer
	x := newXLSXWriter(&buf)
	x.sheet("Uppgifter", detailsRows)
	x.sheet("Utsläpp", func(n int) []any {
		if n == 1 {
			h := []any{"Sektor", "Undersektor", "Växthusgas", "Källa", "Kommentar"}
			for y := 1990; y < 1990+years; y++ {
				h = append(h, y)
			}
			return h
		}
		i := n - 2
		if i >= rows {
			return nil
		}
		k := keys[i%len(keys)]
		r := []any{k[0], k[1], k[2], "SMHI", ""}
		for y := 0; y < years && i*years+y < values; y++ {
			r = append(r, float64(1000+(i*37+y*11)%5000)+0.25)
		}
		return r
	})
	x.close()
	return buf.Bytes(), values
}

// longBenchFile has 1 000 000 data rows in the long layout.
func longBenchFile() ([]byte, int) {
	keys := benchKeys()
	const rows = 1000000
	var buf bytes.Buffer
	x := newXLSXWriter(&buf)
	x.sheet("Uppgifter", detailsRows)
	x.sheet("Utsläpp", func(n int) []any {
		if n == 1 {
			return []any{"År", "Sektor", "Undersektor", "Växthusgas", "Utsläpp (ton CO2e)", "Källa", "Kommentar"}
		}
		i := n - 2
		if i >= rows {
			return nil
		}
		k := keys[(i/35)%len(keys)]
		return []any{1990 + i%35, k[0], k[1], k[2], float64(1000+(i*37)%5000) + 0.5, "SMHI", ""}
	})
	x.close()
	return buf.Bytes(), rows
}

var (
	benchOnce  sync.Once
	benchWide  []byte
	benchLong  []byte
	wideValues int
	longRows   int
)

func benchFiles() {
	benchOnce.Do(func() {
		benchWide, wideValues = wideBenchFile()
		benchLong, longRows = longBenchFile()
	})
}

var benchLimits = Limits{MaxBytes: 512 << 20, Timeout: 10 * time.Minute}

// peakHeap samples the heap every few milliseconds while fn runs and
// returns the high-water marks of the heap's objects (live and not yet
// collected garbage) and of the live heap as the last GC found it.
func peakHeap(fn func()) (objects, live uint64) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	read := func() {
		metrics.Read(samples)
		objects = max(objects, samples[0].Value.Uint64())
		live = max(live, samples[1].Value.Uint64())
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	fn()
	close(stop)
	<-done
	return objects, live
}

// countSink stands in for the database: it counts and drops each batch.
type countSink struct{ n int }

func (c *countSink) Report(*klimatrapport.Report) error { return nil }
func (c *countSink) Inventory(b []klimatrapport.InventoryValue) error {
	c.n += len(b)
	return nil
}

// bareRead is excelize's own streaming read of every sheet: the floor any
// ingest can reach.
func bareRead(b []byte) (int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: benchLimits.withDefaults().UnzipSizeLimit, UnzipXMLSizeLimit: benchLimits.withDefaults().UnzipXMLSizeLimit})
	if err != nil {
		return 0, err
	}
	defer f.Close()
	cells := 0
	for _, s := range f.GetSheetList() {
		rows, err := f.Rows(s)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			c, err := rows.Columns()
			if err != nil {
				return 0, err
			}
			cells += len(c)
		}
		rows.Close()
	}
	return cells, nil
}

func runBench(b *testing.B, file []byte, rows int, fn func() error) {
	b.SetBytes(int64(len(file)))
	runtime.GC()
	var objects, live uint64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		o, l := peakHeap(func() {
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
		runBench(b, file, rows, func() error { _, err := bareRead(file); return err })
	})
	b.Run("ingest", func(b *testing.B) {
		runBench(b, file, rows, func() error {
			s := &countSink{}
			items, err := Ingest(bytes.NewReader(file), int64(len(file)), benchLimits,
				ValidationContext{UploaderCode: "1281", Today: date(2025, 1, 1)}, s)
			if err == nil && s.n == 0 {
				err = fmt.Errorf("nothing read: %v", items)
			}
			return err
		})
	})
	if collect {
		b.Run("parse-collect+validate", func(b *testing.B) {
			runBench(b, file, rows, func() error {
				_, _, err := Check(bytes.NewReader(file), int64(len(file)), benchLimits, ValidationContext{Today: date(2025, 1, 1)})
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
	keys := benchKeys()
	var buf bytes.Buffer
	x := newXLSXWriter(&buf)
	x.sheet("Uppgifter", detailsRows)
	x.sheet("Utsläpp", func(n int) []any {
		if n == 1 {
			return []any{"År", "Sektor", "Undersektor", "Växthusgas", "Utsläpp (ton CO2e)", "Källa", "Kommentar"}
		}
		if n > len(keys)+1 {
			return nil
		}
		k := keys[n-2]
		return []any{2020, k[0], k[1], k[2], 1.5, "SMHI", ""}
	})
	x.close()
	s := &countSink{}
	items, err := Ingest(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Limits{}, ValidationContext{Today: date(2025, 1, 1)}, s)
	if err != nil {
		t.Fatal(err)
	}
	if s.n != len(keys) {
		t.Errorf("read %d of %d", s.n, len(keys))
	}
	for _, it := range items {
		if it.Severity == klimatrapport.SeverityError {
			t.Errorf("%+v", it)
		}
	}
}
