package xlsx

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// scan runs the guard over doc written in pieces of n bytes, so that each
// construct is also cut at every boundary.
func scan(doc string, n, maxElements int) string {
	g := &guard{maxElements: maxElements}
	for i := 0; i < len(doc); i += n {
		if _, err := g.Write([]byte(doc[i:min(len(doc), i+n)])); err != nil {
			return CodeOf(err)
		}
	}
	return ""
}

func TestGuard(t *testing.T) {
	row := func(cells int) string {
		return `<worksheet><sheetData><row r="1">` + strings.Repeat(`<c r="A1"><v>1</v></c>`, cells) + `</row></sheetData></worksheet>`
	}
	nest := func(depth int) string { return strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) }
	for _, c := range []struct {
		name, doc string
		elements  int
		want      string
	}{
		{"plain sheet", row(3), 0, ""},
		{"declaration, comment, instruction and CDATA", `<?xml version="1.0"?><!-- a > b --><?mso-app x?><w><![CDATA[<not a tag>]]></w>`, 0, ""},
		{"quoted > and / in attributes", `<w><c r="A1" t='x>/y'/><c a="/>"></c></w>`, 0, ""},
		{"prefixed cells", `<x:worksheet><x:sheetData><x:row r="1">` + strings.Repeat(`<x:c r="A1"/>`, maxCellsPerRow) + `</x:row></x:sheetData></x:worksheet>`, 0, ""},
		{"16 384 cells", row(maxCellsPerRow), 0, ""},
		{"16 385 cells", row(maxCellsPerRow + 1), 0, CodeCells},
		{"16 385 prefixed cells", `<x:row>` + strings.Repeat(`<x:c/>`, maxCellsPerRow+1) + `</x:row>`, 0, CodeCells},
		{"cells over many rows", strings.Repeat(`<row>`+strings.Repeat(`<c/>`, 10000)+`</row>`, 3), 0, ""},
		{"cells outside rows", `<comments>` + strings.Repeat(`<c/>`, maxCellsPerRow+1) + `</comments>`, 0, ""},
		{"128 levels", nest(maxDepth), 0, ""},
		{"129 levels", nest(maxDepth + 1), 0, CodeNesting},
		{"self-closing elements do not nest", "<a>" + strings.Repeat("<b/>", 1000) + "</a>", 0, ""},
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`, 0, CodeEntity},
		{"ENTITY", `<!ENTITY a "b"><x/>`, 0, CodeEntity},
		{"lower-case doctype", `<!doctype x><x/>`, 0, CodeEntity},
		{"long text", "<v>" + strings.Repeat("0", maxToken+1) + "</v>", 0, CodeToken},
		{"long CDATA", "<v><![CDATA[" + strings.Repeat("0", maxToken+1) + "]]></v>", 0, CodeToken},
		{"long comment", "<!--" + strings.Repeat("-", maxToken+1) + "-->", 0, CodeToken},
		{"long tag", `<c ` + strings.Repeat(`a="1" `, maxToken/6+1) + `/>`, 0, CodeToken},
		{"text just under the cap", "<v>" + strings.Repeat("0", maxToken-1) + "</v>", 0, ""},
		{"elements at the cap", "<a>" + strings.Repeat("<b/>", 99) + "</a>", 100, ""},
		{"elements over the cap", "<a>" + strings.Repeat("<b/>", 100) + "</a>", 100, CodeElements},
	} {
		for _, n := range []int{1, 7, 4096, len(c.doc)} {
			if got := scan(c.doc, n, c.elements); got != c.want {
				t.Errorf("%s (pieces of %d): %q, want %q", c.name, n, got, c.want)
			}
		}
	}
}

// FuzzGuard holds the guard to encoding/xml on any input: whatever the
// guard lets through and the decoder reads has no directive (DOCTYPE,
// ENTITY) and nests no deeper than the guard allows.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{`<?xml version="1.0"?><a b="c>d"><!-- x --><![CDATA[<y>]]><c/></a>`,
		`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`, strings.Repeat("<a>", 130) + strings.Repeat("</a>", 130),
		`<row>` + strings.Repeat(`<c r="A1"/>`, 20) + `</row>`, `<a x='"'/><b y="'"></b>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, n := range []int{1, 5, len(doc) + 1} {
			g := &guard{maxElements: 1000}
			var err error
			for i := 0; i < len(doc) && err == nil; i += n {
				_, err = g.Write(doc[i:min(len(doc), i+n)])
			}
			if err != nil {
				if CodeOf(err) == "" {
					t.Fatalf("a refusal without a code: %v", err)
				}
				continue
			}
			d := xml.NewDecoder(bytes.NewReader(doc))
			depth, deepest := 0, 0
			for {
				tok, err := d.RawToken()
				if err != nil {
					break
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					depth++
					deepest = max(deepest, depth)
				case xml.EndElement:
					depth--
				case xml.Directive:
					t.Fatalf("pieces of %d: the guard let a directive through: %q", n, tok)
				}
			}
			if deepest > maxDepth+1 { // the guard does not count a self-closing element as a level
				t.Fatalf("pieces of %d: the guard let %d levels through", n, deepest)
			}
		}
	})
}

// TestGuardStrings: shared strings are counted, prefixed or not, against
// their own cap.
func TestGuardStrings(t *testing.T) {
	for doc, want := range map[string]string{
		`<sst><si><t>a</t></si><si><t>b</t></si></sst>`:          "",
		`<sst><si><t>a</t></si><si><t>b</t></si><si/></sst>`:     CodeStrings,
		`<x:sst><x:si/><x:si/><x:si><x:t>c</x:t></x:si></x:sst>`: CodeStrings,
	} {
		g := &guard{counted: []byte("si"), maxCounted: 2, overCount: tooManyStrings}
		if _, err := g.Write([]byte(doc)); CodeOf(err) != want {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}
