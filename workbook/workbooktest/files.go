// Package workbooktest makes large workbooks for benchmarks and measures
// them: a fast writer in Excel's own layout, the benchmark files (a wide
// workbook with 200 000 values, a long one with 1 000 000 rows),
// excelize's bare streaming read as the baseline, and a heap sampler. It
// also makes the hostile files (hostile.go) every reader of uploads is
// tested with.
package workbooktest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime/metrics"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// XLSXWriter writes a workbook the way Excel does (shared strings, r
// attributes, numbers as raw values), streaming each sheet into the zip, so
// that a million-row benchmark file is quick to make.
type XLSXWriter struct {
	zw     *zip.Writer
	sst    []string
	sstIdx map[string]int
	sheets []string
}

// NewXLSXWriter starts a workbook written to w.
func NewXLSXWriter(w io.Writer) *XLSXWriter {
	return &XLSXWriter{zw: zip.NewWriter(w), sstIdx: map[string]int{}}
}

// Sheet writes one sheet; row is called for 1-based row numbers until it
// returns nil. A cell value is a string (shared), a float64 or an int.
func (x *XLSXWriter) Sheet(name string, row func(n int) []any) error {
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
			ref := cellRef(i+1, n)
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

// Close writes the workbook parts and finishes the zip.
func (x *XLSXWriter) Close() error {
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

// Keys are every (sector, subsector, gas) row a report can have.
func Keys() [][3]string {
	var keys [][3]string
	for _, s := range kr.MainSectors() {
		for _, sub := range append([]string{""}, kr.Subsectors(s)...) {
			for _, g := range append([]string{""}, kr.Gases()...) {
				keys = append(keys, [3]string{s, sub, g})
			}
		}
	}
	return keys
}

// DetailsRows is an Uppgifter sheet for Lund, 2024.
func DetailsRows(n int) []any {
	rows := [][]any{{"Fält", "Värde"}, {"Kod", "1281"}, {"Namn", "Lund"}, {"Rapportår", 2024}}
	if n > len(rows) {
		return nil
	}
	return rows[n-1]
}

// WideFile has 200 000 inventory values: 35 year columns (1990–2024)
// on 5 715 rows (and 5 more values), cycling through every valid row key.
func WideFile() ([]byte, int) {
	keys := Keys()
	const values = 200000
	years := 35
	rows := (values + years - 1) / years
	var buf bytes.Buffer
	x := NewXLSXWriter(&buf)
	x.Sheet("Uppgifter", DetailsRows)
	x.Sheet("Utsläpp", func(n int) []any {
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
	x.Close()
	return buf.Bytes(), values
}

// LongFile has 1 000 000 data rows in the long layout.
func LongFile() ([]byte, int) {
	keys := Keys()
	const rows = 1000000
	var buf bytes.Buffer
	x := NewXLSXWriter(&buf)
	x.Sheet("Uppgifter", DetailsRows)
	x.Sheet("Utsläpp", func(n int) []any {
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
	x.Close()
	return buf.Bytes(), rows
}

// PeakHeap samples the heap every few milliseconds while fn runs and
// returns the high-water marks of the heap's objects (live and not yet
// collected garbage) and of the live heap as the last GC found it.
func PeakHeap(fn func()) (objects, live uint64) {
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

// BareRead is excelize's own streaming read of every sheet: the floor any
// ingest can reach. It opens only the files made here, so its unzip limit
// is excelize's own, past the 200 MiB of the long file.
func BareRead(b []byte) (int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true,
		UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: workbook.DefaultLimits().UnzipXMLSizeLimit})
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

// cellRef returns the A1 reference of a 1-based column and row.
func cellRef(col, row int) string {
	name := ""
	for col > 0 {
		col--
		name = string(rune('A'+col%26)) + name
		col /= 26
	}
	return name + strconv.Itoa(row)
}
