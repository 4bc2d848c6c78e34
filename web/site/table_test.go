package site

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

// reference is the table as an html/template (testdata/table.html): what
// Table.HTML must write, byte for byte.
var reference = template.Must(template.New("table.html").Funcs(template.FuncMap{
	"classes": func(c Cell, numericColumn bool) any {
		return struct {
			Cell          Cell
			NumericColumn bool
		}{c, numericColumn}
	},
}).ParseFiles("testdata/table.html"))

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
	tables = append(tables, figureTable())
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

// figureTable has a column of figures throughout (the second), one with a
// text among its figures (the third), one of texts with an estimate and a
// class (the fourth) and a short row.
func figureTable() Table {
	return Table{ID: "siffror", Caption: "Siffror", Head: []Cell{{Text: "År"}, {Text: "Ton", Num: true}, {Text: "Andel", Num: true}, {Text: "Not"}},
		Rows: [][]Cell{
			{{Text: "2023"}, {Text: "1 234", Num: true, Estimate: true}, {Text: "1,0 %", Num: true}, {Text: "a", Class: "member"}},
			{{Text: "2024"}, {Text: "2 345", Num: true, Class: "member"}, {Text: "–"}, {Text: "b", Estimate: true, Class: "x"}},
			{{Text: "2025"}, {Text: "", Num: true}},
		}}
}

func TestNumericColumns(t *testing.T) {
	tb := figureTable()
	if got := tb.ColumnsClass(); got != "n2" {
		t.Errorf("ColumnsClass = %q, want n2", got)
	}
	html := string(tb.HTML())
	for _, want := range []string{`<table id="siffror" class="n2">`, `<th scope="col">Ton</th>`, `<th scope="col" class="num">Andel</th>`,
		`<td class="estimate">1 234</td>`, `<td class="member">2 345</td>`, `<td class="num">1,0 %</td>`, `<td>–</td>`,
		`<td class="estimate x">b</td>`, `<td></td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("no %s in\n%s", want, html)
		}
	}
	wide := Table{ID: "bred", Rows: [][]Cell{make([]Cell, NumericColumnsMax+2)}}
	for i := range wide.Rows[0] {
		wide.Rows[0][i] = Cell{Text: "1", Num: true}
	}
	if got := wide.ColumnsClass(); strings.Contains(got, "n1 ") || !strings.HasSuffix(got, "n16") {
		t.Errorf("ColumnsClass of %d figure columns = %q, want n2 … n16", NumericColumnsMax+2, got)
	}
	if !strings.Contains(string(wide.HTML()), `<td class="num">`) {
		t.Errorf("the figures beyond column %d lost their class", NumericColumnsMax)
	}
}
