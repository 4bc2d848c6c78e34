package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// Table is a table of figures or text, written by HTML (the pages include
// it with {{template "table" .}}) with its caption and the notes under it.
type Table struct {
	ID      string
	Caption string
	Head    []Cell
	Rows    [][]Cell // the first cell of each row is its header
	Notes   []string
}

// Cell is one table cell.
type Cell struct {
	Text     string
	Num      bool   // right-aligned, tabular figures
	Estimate bool   // an estimate: shown differently and labelled
	Href     string // a link
	Sort     string // header: "ascending" or "descending" when the table is sorted by it
	Class    string
}

// HTML is the table's markup. The markup is this file's constants; every
// value goes through the escaper html/template would give it in its place
// (text and quoted attributes: htmlEscaper; links: safeURL, then
// htmlEscaper), so the bytes are those testdata/table.html's template
// writes, without evaluating thousands of cells by reflection.
func (t Table) HTML() template.HTML {
	var w htmlWriter
	w.Grow(256 + 64*len(t.Head) + 96*len(t.Rows)*len(t.Head))
	w.markup("\n<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"")
	w.text(t.ID)
	w.markup("-caption\" tabindex=\"0\">\n<table id=\"")
	w.text(t.ID)
	w.markup("\"")
	numeric := t.numericColumns()
	if c := columnsClass(numeric); c != "" {
		w.markup(` class="`)
		w.text(c)
		w.markup(`"`)
	}
	w.markup(">\n  <caption id=\"")
	w.text(t.ID)
	w.markup("-caption\">")
	w.text(t.Caption)
	w.markup("</caption>\n  <thead><tr>")
	for i, c := range t.Head {
		w.headCell(c, numericAt(numeric, i))
	}
	w.markup("</tr></thead>\n  <tbody>\n  ")
	for _, row := range t.Rows {
		w.markup("<tr>")
		for i, c := range row {
			if i == 0 {
				w.rowHeader(c)
			} else {
				w.cell(c, numericAt(numeric, i))
			}
		}
		w.markup("</tr>\n  ")
	}
	w.markup("\n  </tbody>\n</table>\n</div>\n")
	for _, n := range t.Notes {
		w.markup(`<p class="note">`)
		w.text(n)
		w.markup("</p>")
	}
	w.markup("\n")
	return template.HTML(w.String()) // every value escaped for its context above
}

// NumericColumnsMax is the last column (counted from 1) whose alignment
// the style sheet can give a whole column (table.n2 … table.n16); the
// cells of a numeric column beyond it carry class "num" each.
const NumericColumnsMax = 16

// numericColumns reports, per column, whether every body cell in it is a
// figure (and there is one): such a column is aligned by the table's class
// (ColumnsClass), so its cells need no class of their own, which on a page
// of long tables is a tenth of its bytes. The first column holds the rows'
// headers and is never numeric.
func (t Table) numericColumns() []bool {
	var numeric []bool
	for _, row := range t.Rows {
		for len(numeric) < len(row) {
			numeric = append(numeric, len(numeric) > 0 && len(numeric) < NumericColumnsMax)
		}
		for i, c := range row {
			numeric[i] = numeric[i] && c.Num
		}
	}
	return numeric
}

// NumericColumn reports whether column i (from 0) is aligned as figures by
// the table's class.
func (t Table) NumericColumn(i int) bool { return numericAt(t.numericColumns(), i) }

// numericAt is numeric[i], false beyond the columns a body row has.
func numericAt(numeric []bool, i int) bool { return i < len(numeric) && numeric[i] }

// ColumnsClass is the table's class naming its numeric columns: "n2 n4"
// for the second and fourth (counted from 1, as CSS's :nth-child counts).
func (t Table) ColumnsClass() string { return columnsClass(t.numericColumns()) }

func columnsClass(numeric []bool) string {
	var b strings.Builder
	for i, num := range numeric {
		if num {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString("n" + strconv.Itoa(i+1))
		}
	}
	return b.String()
}

// headCell writes a column's header; numericColumn: the table's class
// aligns it.
func (w *htmlWriter) headCell(c Cell, numericColumn bool) {
	w.markup(`<th scope="col"`)
	if c.Sort != "" {
		w.markup(` aria-sort="`)
		w.text(c.Sort)
		w.markup(`"`)
	}
	w.classes(c, numericColumn)
	w.markup(">")
	if c.Href != "" {
		w.link(c.Href)
		w.text(c.Text)
		switch {
		case c.Sort == "ascending":
			w.markup(`<span class="sort-mark" aria-hidden="true"> ▲</span>`)
		case c.Sort != "":
			w.markup(`<span class="sort-mark" aria-hidden="true"> ▼</span>`)
		}
		w.markup("</a>")
	} else {
		w.text(c.Text)
	}
	if c.Estimate {
		w.markup(` <span class="tag">uppskattning</span>`)
	}
	w.markup("</th>")
}

func (w *htmlWriter) rowHeader(c Cell) {
	w.markup(`<th scope="row"`)
	if c.Class != "" {
		w.markup(` class="`)
		w.text(c.Class)
		w.markup(`"`)
	}
	w.markup(">")
	w.content(c)
	w.markup("</th>")
}

// cell writes a body cell; numericColumn: the table's class aligns it.
func (w *htmlWriter) cell(c Cell, numericColumn bool) {
	w.markup("<td")
	w.classes(c, numericColumn)
	w.markup(">")
	w.content(c)
	w.markup("</td>")
}

// classes writes a cell's class attribute, if it has any class: "num"
// for a figure outside a numeric column, "estimate", and its own.
func (w *htmlWriter) classes(c Cell, numericColumn bool) {
	num := c.Num && !numericColumn
	if !num && c.Class == "" && !c.Estimate {
		return
	}
	w.markup(` class="`)
	sep := markup("")
	if num {
		w.markup("num")
		sep = " "
	}
	if c.Estimate {
		w.markup(sep + "estimate")
		sep = " "
	}
	if c.Class != "" {
		w.markup(sep)
		w.text(c.Class)
	}
	w.markup(`"`)
}

// content writes a body cell's text, as a link when it has one.
func (w *htmlWriter) content(c Cell) {
	if c.Href == "" {
		w.text(c.Text)
		return
	}
	w.link(c.Href)
	w.text(c.Text)
	w.markup("</a>")
}

func (w *htmlWriter) link(href string) {
	w.markup(`<a href="`)
	w.text(safeURL(href))
	w.markup(`">`)
}

// markup is markup written by this package: only constants convert to it
// implicitly, so no value is written unescaped by mistake.
type markup string

// htmlWriter builds markup from this package's constants and escaped values.
type htmlWriter struct{ strings.Builder }

func (w *htmlWriter) markup(s markup) { w.WriteString(string(s)) }

// text writes s as element content or a quoted attribute value.
func (w *htmlWriter) text(s string) { htmlEscaper.WriteString(&w.Builder, s) }

// htmlEscaper is html/template's escaper of text and quoted attribute
// values (its htmlReplacementTable): NUL, quotes, &, + and angle brackets.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// safeURL is what html/template makes of a string in a URL attribute
// before escaping it as an attribute: "#ZgotmplZ" for a scheme other than
// http, https or mailto, else the URL with every byte outside RFC 3986's
// unreserved and reserved characters percent-encoded (valid escapes kept).
func safeURL(s string) string {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") &&
		!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
		return "#ZgotmplZ"
	}
	for i := 0; i < len(s); i++ {
		if !urlKeeps(s, i) {
			return escapeURL(s, i)
		}
	}
	return s
}

// escapeURL percent-encodes the bytes of s from i on that the normaliser
// does not keep.
func escapeURL(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		if urlKeeps(s, i) {
			b.WriteByte(s[i])
		} else {
			fmt.Fprintf(&b, "%%%02x", s[i])
		}
	}
	return b.String()
}

// urlKeeps reports whether html/template's URL normaliser keeps s[i] as it
// is: an unreserved or reserved character, or the '%' of a valid escape.
func urlKeeps(s string, i int) bool {
	c := s[i]
	return urlKept(c) || c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
}

// urlKept reports whether html/template's URL normaliser keeps c as it is.
func urlKept(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
