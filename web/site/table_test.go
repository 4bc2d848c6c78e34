package site

import (
	"bytes"
	"html/template"
	"testing"
)

// reference is the table as an html/template (testdata/table.html): what
// Table.HTML must write, byte for byte.
var reference = template.Must(template.ParseFiles("testdata/table.html"))

// awkward are values that need escaping somewhere: markup, quotes, entities,
// '+', NUL, invalid UTF-8, non-characters, URLs with other schemes, spaces,
// escapes valid and not.
var awkward = []string{"", "Lund", "</script><script>alert(1)</script>", `"quoted" & 'single'`, "1 234,5\u00a0%", "a+b", "nul\x00byte",
	"bad\xffutf8", "non\ufdd0char\uffff", "&amp; already", "javascript:alert(1)", "JavaScript:x", "vbscript:x", "mailto:a@b.se",
	"HTTPS://example.com/a b?c=d&e=f#g", "/kommun/1281", "/rangordning?sortera=namn&ordning=desc", "?q=%zz%41%4", "//host/p:q", "data:text/html,<b>",
	"/x/y:z", "emoji 🌍 åäö", "tab\tnew\nline", "(paren) [br] {cur} `tick` \\ ^ | ~", "ascending", "descending"}

func TestTableHTMLIsTheTemplates(t *testing.T) {
	cells := func(k int) []Cell {
		var out []Cell
		for i, s := range awkward {
			j := (i + k) % len(awkward)
			out = append(out, Cell{Text: s, Num: i%2 == 0, Estimate: i%3 == 0, Href: awkward[j], Sort: awkward[(j+k)%len(awkward)], Class: awkward[(i*7+k)%len(awkward)]})
			out = append(out, Cell{Text: s}, Cell{Text: s, Href: s}, Cell{Text: s, Class: s}, Cell{Text: s, Sort: "ascending", Href: "/a"},
				Cell{Text: s, Sort: "descending", Href: "/b", Estimate: true}, Cell{Text: s, Sort: "descending"})
		}
		return out
	}
	tables := []Table{{}, {ID: "tom", Caption: "Inga rader"}}
	for k, s := range awkward {
		tb := Table{ID: s, Caption: s, Head: cells(k), Notes: []string{s, awkward[(k+1)%len(awkward)]}}
		for r := range 4 {
			tb.Rows = append(tb.Rows, cells(k+r))
		}
		tables = append(tables, tb)
	}
	for i, tb := range tables {
		var want bytes.Buffer
		if err := reference.ExecuteTemplate(&want, "table", tb); err != nil {
			t.Fatal(err)
		}
		if got := string(tb.HTML()); got != want.String() {
			t.Errorf("table %d:\n got %q\nwant %q", i, got, want.String())
		}
	}
}
