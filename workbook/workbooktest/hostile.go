package workbooktest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"

	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// Hostile is one attack file, each at most 20 MB on the wire.
type Hostile struct {
	Name    string // the shape, in English, e.g. "zip bomb: 1000 MiB extra part"
	File    string // the file name it is uploaded as (some hostile: "../../etc/passwd.xlsx", "a\x00b.xlsx", "<script>.xlsx", 300-char names)
	Content []byte
	Problem string // the workbook problem code Parse must give for it
}

// HostileFiles returns the attack files: zip bombs, XML bombs, parts that
// lie about their size, a truncated zip and valid workbooks under hostile
// names. They are built once and are the same on every run; callers must
// not modify them.
func HostileFiles() []Hostile { return hostileFiles() }

var hostileFiles = sync.OnceValue(func() []Hostile {
	const mib = 1 << 20
	valid := hostileBase()
	huge := strings.Repeat("x", 300) + ".xlsx"
	cellsRow := padded(lit(sheetOpen+`<row r="1">`), rep(`<c><v>1</v></c>`, 1<<20), lit(`</row>`+sheetClose))
	nested := padded(lit(sheetOpen+`<row r="1"><c r="A1" t="inlineStr"><is><t>`), rep(`<b>`, 1<<20), rep(`</b>`, 1<<20), lit(`</t></is></c></row>`+sheetClose))
	styles := padded(lit(`<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1048576">`),
		rep(`<numFmt numFmtId="164" formatCode="0.00"/>`, 1<<20), lit(`</numFmts></styleSheet>`))
	return []Hostile{
		{Name: "zip bomb: 1000 MiB extra part", File: "rapport.xlsx", Problem: workbook.ProblemUnzipLimit,
			Content: hostileWorkbook(nil, []part{{name: "xl/media/image1.bin", segs: zeros(1000 * mib)}})},
		{Name: "extra 1000 MiB part declared as 1 KiB (never needed, never read)", File: "rapport.xlsx", Problem: "",
			Content: hostileWorkbook(nil, []part{{name: "xl/media/image1.bin", segs: zeros(1000 * mib), declared: 1024}})},
		{Name: "sheet of 90 MiB zeros in one value (valid XML, huge)", File: "nollor.xlsx", Problem: workbook.ProblemXMLToken,
			Content: hostileWorkbook(padded(lit(sheetOpen+`<row r="1"><c r="A1"><v>`), rep("0", 90*mib), lit(`</v></c></row>`+sheetClose)), nil)},
		{Name: "many parts under the per-part cap summing over the total cap", File: "många-blad.xlsx", Problem: workbook.ProblemUnzipLimit,
			Content: manySheets(12, 10*mib)},
		{Name: "high-ratio nested zip part", File: "inbäddad.xlsx", Problem: workbook.ProblemRatio,
			Content: hostileWorkbook(nil, []part{{name: "xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", segs: []seg{lit(storedZipHead(60 * mib)), rep("\x00", 60*mib)}}})},
		{Name: "1 M cells in one row", File: "<script>alert(1)</script>.xlsx", Problem: workbook.ProblemTooManyCells,
			Content: hostileWorkbook(cellsRow, nil)},
		{Name: "1 M nested elements", File: "djup.xlsx", Problem: workbook.ProblemXMLNesting,
			Content: hostileWorkbook(nested, nil)},
		{Name: "billion laughs DOCTYPE in a sheet", File: "skratt.xlsx", Problem: workbook.ProblemXMLEntity,
			Content: hostileWorkbook([]seg{lit(`<?xml version="1.0"?>` + laughs + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>` + sheetClose)}, nil)},
		{Name: "billion laughs DOCTYPE in sharedStrings", File: "skratt-sst.xlsx", Problem: workbook.ProblemXMLEntity,
			Content: hostileWorkbook(nil, []part{{name: "xl/sharedStrings.xml", segs: []seg{lit(`<?xml version="1.0"?>` + laughs + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>`)}}})},
		{Name: "styles.xml with 1 M numFmt", File: "stilar.xlsx", Problem: workbook.ProblemXMLElements,
			Content: hostileWorkbook(nil, []part{{name: "xl/styles.xml", segs: styles}})},
		{Name: "sharedStrings with 786 432 strings, just under the streaming size", File: "texter.xlsx", Problem: workbook.ProblemTooManyStrings,
			Content: hostileWorkbook([]seg{lit(strings.Replace(hostileEmissions, `</row>`+sheetClose, `<c r="H2" t="s"><v>5</v></c></row>`+sheetClose, 1))},
				[]part{{name: "xl/sharedStrings.xml", segs: manyStrings(3 << 18)}})},
		{Name: "unclosed 40 MiB formula", File: "formel.xlsx", Problem: workbook.ProblemXMLToken,
			Content: hostileWorkbook(padded(lit(sheetOpen+`<row r="1"><c r="A1"><f>`), rep("1+", 20*mib)), nil)},
		{Name: "sheet whose declared size lies (declared 1 KiB, actually 200 MiB)", File: "ljuger.xlsx", Problem: workbook.ProblemCorrupt,
			Content: hostileWorkbook(nil, []part{{name: "xl/worksheets/sheet2.xml", declared: 1024,
				segs: []seg{lit(sheetOpen), rep(" ", 200*mib), lit(sheetClose)}}})},
		{Name: "190 000 empty zip entries", File: "delar.xlsx", Problem: workbook.ProblemTooManyParts, Content: manyEntries(19e6)},
		{Name: "20 000 sheets naming one part", File: "blad.xlsx", Problem: workbook.ProblemTooManySheets, Content: manySheetNames(20000)},
		{Name: "truncated zip", File: "avbruten.xlsx", Problem: workbook.ProblemTruncated, Content: valid[:len(valid)/2]},
		{Name: "valid workbook named with a path", File: "../../etc/passwd.xlsx", Problem: "", Content: valid},
		{Name: "valid workbook named with a NUL byte", File: "a\x00b.xlsx", Problem: "", Content: valid},
		{Name: "valid workbook named with HTML", File: `<script>alert("x")</script>.xlsx`, Problem: "", Content: valid},
		{Name: "valid workbook with a 300-character name", File: huge, Problem: "", Content: valid},
		{Name: "valid workbook named with CR LF and quotes", File: "rapport\r\nSet-Cookie: a=b\".xlsx", Problem: "", Content: valid},
	}
})

const (
	sheetOpen  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>`
	sheetClose = `</sheetData></worksheet>`

	// laughs is the billion laughs: ten entities each ten times the one
	// before, a gigabyte of text from a few hundred bytes.
	laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
		`<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">` +
		`<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">` +
		`<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>`

	hostileStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

	hostileDetails = sheetOpen +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Kod</t></is></c><c r="B1" t="inlineStr"><is><t>1281</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Namn</t></is></c><c r="B2" t="inlineStr"><is><t>Lund</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>Rapportår</t></is></c><c r="B3"><v>2024</v></c></row>` + sheetClose
	hostileEmissions = sheetOpen +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Sektor</t></is></c><c r="B1" t="inlineStr"><is><t>Undersektor</t></is></c>` +
		`<c r="C1" t="inlineStr"><is><t>Växthusgas</t></is></c><c r="D1" t="inlineStr"><is><t>Källa</t></is></c>` +
		`<c r="E1" t="inlineStr"><is><t>Kommentar</t></is></c><c r="F1"><v>2020</v></c><c r="G1"><v>2021</v></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Transporter</t></is></c><c r="F2"><v>104036.6</v></c><c r="G2"><v>99000</v></c></row>` + sheetClose
)

// manyStrings is a shared strings part of n strings: a cycle of 4 096
// different ones, longer than deflate's window, so that it compresses no
// better than text.
func manyStrings(n int) []seg {
	var cycle bytes.Buffer
	for i := range 4096 {
		fmt.Fprintf(&cycle, `<si><t>%x</t></si>`, i*2654435761%1000003)
	}
	return []seg{lit(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`),
		rep(cycle.String(), n/4096), lit(`</sst>`)}
}

// seg is a piece of a part's content: b repeated n times.
type seg struct {
	b []byte
	n int
}

// padded is the segments with XML comments of random letters after the
// first, enough to keep the part's compression ratio under 150: so the
// shape gets past the ratio cap and tests the guard meant for it.
func padded(first seg, rest ...seg) []seg {
	size := 0
	for _, s := range rest {
		size += len(s.b) * s.n
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	var pad []byte
	for len(pad) < size/90 {
		pad = append(pad, "<!--"...)
		for range 256 << 10 {
			pad = append(pad, byte('a'+rnd.IntN(26)))
		}
		pad = append(pad, "-->"...)
	}
	return append([]seg{first, {pad, 1}}, rest...)
}

func lit(s string) seg        { return seg{[]byte(s), 1} }
func rep(s string, n int) seg { return seg{[]byte(s), n} }
func zeros(n int) []seg       { return []seg{rep("\x00", n)} }

// part is one zip entry; declared, when set, is the uncompressed size
// written in its headers instead of the real one.
type part struct {
	name     string
	segs     []seg
	declared uint64
}

// hostileWorkbook is a valid report (Uppgifter, Utsläpp) whose Utsläpp
// sheet is emissions instead when set, with the extra parts added (an extra
// part replaces a base part of the same name).
func hostileWorkbook(emissions []seg, extra []part) []byte {
	if emissions == nil {
		emissions = []seg{lit(hostileEmissions)}
	}
	sheets := []part{{name: "xl/worksheets/sheet1.xml", segs: []seg{lit(hostileDetails)}}, {name: "xl/worksheets/sheet2.xml", segs: emissions}}
	return zipParts([]string{"Uppgifter", "Utsläpp"}, sheets, extra)
}

// manySheets is a workbook of n sheets of size bytes each (blank space
// between the tags).
func manySheets(n, size int) []byte {
	var names []string
	var sheets []part
	for i := range n {
		names = append(names, fmt.Sprintf("Blad%d", i+1))
		sheets = append(sheets, part{name: fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1),
			segs: []seg{lit(sheetOpen), rep(" ", size), lit(sheetClose)}})
	}
	return zipParts(names, sheets, nil)
}

// manyEntries is the valid report followed by empty entries up to size
// bytes on the wire.
func manyEntries(size int) []byte {
	base := hostileBase()
	zr, _ := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		zw.Copy(f)
	}
	for i := 0; buf.Len() < size/2; i++ { // the directory repeats each entry's header
		zw.CreateHeader(&zip.FileHeader{Name: strconv.FormatInt(int64(i), 36), Method: zip.Store})
	}
	zw.Close()
	return buf.Bytes()
}

// manySheetNames is the valid report listing n sheets, all of them the
// part of Utsläpp: small on the wire, and each sheet one more to open.
func manySheetNames(n int) []byte {
	var wb, rels strings.Builder
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := range n {
		fmt.Fprintf(&wb, `<sheet name="Blad%d" sheetId="%d" r:id="rId%d"/>`, i+1, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>`, i+1)
	}
	b, err := ReplacePart(hostileBase(), "xl/workbook.xml", []byte(wb.String()+`</sheets></workbook>`))
	if err == nil {
		b, err = ReplacePart(b, "xl/_rels/workbook.xml.rels", []byte(rels.String()+`</Relationships>`))
	}
	if err != nil {
		panic(err)
	}
	return b
}

// zipParts writes a workbook of the named sheets (sheets[i] is the part
// of names[i]) and the extra parts.
func zipParts(names []string, sheets, extra []part) []byte {
	var ct, wb, rels strings.Builder
	for i, name := range names {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	base := []part{
		{name: "[Content_Types].xml", segs: []seg{lit(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` + ct.String() + `</Types>`)}},
		{name: "_rels/.rels", segs: []seg{lit(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)}},
		{name: "xl/workbook.xml", segs: []seg{lit(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets>` + wb.String() + `</sheets></workbook>`)}},
		{name: "xl/_rels/workbook.xml.rels", segs: []seg{lit(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() +
			`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)}},
		{name: "xl/styles.xml", segs: []seg{lit(hostileStyles)}},
	}
	all := append(base, sheets...)
	for _, e := range extra {
		replaced := false
		for i := range all {
			if all[i].name == e.name {
				all[i], replaced = e, true
			}
		}
		if !replaced {
			all = append(all, e)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range all {
		data, crc, size := deflateSegs(p.segs)
		h := &zip.FileHeader{Name: p.name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: size}
		if p.declared > 0 {
			h.UncompressedSize64 = p.declared
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			panic(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// deflateSegs compresses the segments' content with its CRC-32 and length.
// A long repeat is compressed once as a chunk of whole units and that
// chunk's deflate block is repeated: after the first chunk each one is
// decoded against the same 32 KiB window (the chunk's own tail), so the
// copies are valid, and a gigabyte of zeros takes milliseconds.
func deflateSegs(segs []seg) ([]byte, uint32, uint64) {
	var out bytes.Buffer
	zw, _ := flate.NewWriter(&out, flate.BestCompression)
	crc := crc32.NewIEEE()
	var size uint64
	for _, s := range segs {
		size += uint64(len(s.b)) * uint64(s.n)
		per := max(1, (256<<10)/len(s.b)) // units per chunk: 256 KiB or more
		chunk := bytes.Repeat(s.b, per)
		if s.n < 3*per {
			for range s.n {
				zw.Write(s.b)
				crc.Write(s.b)
			}
			continue
		}
		rest := s.n % per
		head := bytes.Repeat(s.b, rest)
		zw.Write(head)
		crc.Write(head)
		zw.Write(chunk)
		zw.Flush()
		start := out.Len()
		zw.Write(chunk)
		zw.Flush()
		block := bytes.Clone(out.Bytes()[start:])
		for range s.n/per - 2 {
			out.Write(block)
		}
		for range s.n / per {
			crc.Write(chunk)
		}
	}
	zw.Close()
	return out.Bytes(), crc.Sum32(), size
}

// storedZipHead is the start of a zip holding one stored (uncompressed)
// entry of n bytes: the bytes that follow it are the entry's content, so a
// run of zeros after it is a nested archive that compresses to almost
// nothing in the outer one.
func storedZipHead(n int) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.CreateRaw(&zip.FileHeader{Name: "zeros.bin", Method: zip.Store, CompressedSize64: uint64(n), UncompressedSize64: uint64(n)})
	zw.Flush()
	return buf.String()
}

// HostileBase is the valid report the hostile files are built on
// (Uppgifter for Lund, 2024, and one row of Utsläpp), with its styles.
func HostileBase() []byte { return hostileBase() }

var hostileBase = sync.OnceValue(func() []byte { return hostileWorkbook(nil, nil) })

// ReplacePart is the zip file with its part name replaced by content, or
// removed when content is nil; the other parts are copied as they are.
func ReplacePart(file []byte, name string, content []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return nil, err
		}
	}
	if content != nil {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
