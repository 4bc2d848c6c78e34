package pages_test

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/klimatkommunerna/klimatrapport/internal/golden"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// goldenPages are the public pages whose tables are kept in
// testdata/NAME.golden. The dates are fixed so that the trend's year does
// not follow the clock.
var goldenPages = []struct{ name, path string }{
	{"index", "/"},
	{"kommun-1281", "/kommun/1281?as_of=2026"},
	{"kommun-0114", "/kommun/0114?as_of=2026"},
	{"lan-12", "/lan/12?as_of=2026"},
	{"lan-12-namn", "/lan/12?as_of=2026&sortera=namn&ordning=desc"},
	{"rangordning", "/rangordning?ar=2022"},
	{"rangordning-namn", "/rangordning?ar=2022&sortera=namn&ordning=desc&kalla=reported"},
	{"jamfor", "/jamfor?kod=1281&kod=Malm%C3%B6&kod=00&kod=12&bas=2005"},
	{"jamfor-exempel", "/jamfor"},
	{"inbaddning-kommun-1281", "/inbaddning/kommun/1281?as_of=2026"},
	{"inbaddning-rangordning", "/inbaddning/rangordning?ar=2022"},
}

// TestGoldenTables compares the text of every table on the public pages
// with testdata/*.golden (go test -run TestGoldenTables -update rewrites
// them), on both engines: a change to what the pages show is a diff.
func TestGoldenTables(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		for _, p := range goldenPages {
			r := get(t, f.url+p.path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", p.path, r.status)
			}
			golden.Check(t, filepath.Join("testdata", p.name+".golden"), tablesText(t, r.body))
		}
	})
}

// TestGoldenRegionPage: a region member's county page shows its own
// reported figures, goals, plan and measures beside SMHI's county figures
// (testdata/lan-12-region.golden), on both engines.
func TestGoldenRegionPage(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{region: true})
		r := get(t, f.url+"/lan/12?as_of=2026")
		if r.status != 200 {
			t.Fatalf("GET /lan/12: %d", r.status)
		}
		golden.Check(t, filepath.Join("testdata", "lan-12-region.golden"), tablesText(t, r.body))
	})
}

// Values that differ between runs: submission ids and upload times.
var (
	uuidRe   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	uploadRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}`)
)

// tablesText prints every table of a page: "# ID: caption", then one line
// per row with the cells separated by tabs; links as "text <href>", and
// estimate and member cells with their classes in braces.
func tablesText(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" {
			writeTable(&b, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	out := uuidRe.ReplaceAllString(b.String(), "<id>")
	return uploadRe.ReplaceAllString(out, "<uploaded>")
}

func writeTable(b *strings.Builder, table *html.Node) {
	b.WriteString("# " + attr(table, "id"))
	numeric := map[int]bool{} // the columns (from 1) the table's class aligns as figures
	for _, c := range strings.Fields(attr(table, "class")) {
		if k, err := strconv.Atoi(strings.TrimPrefix(c, "n")); err == nil && strings.HasPrefix(c, "n") {
			numeric[k] = true
		}
	}
	var rows func(n *html.Node)
	rows = func(n *html.Node) {
		switch {
		case n.Type == html.ElementNode && n.Data == "caption":
			b.WriteString(": " + cellText(n))
			return
		case n.Type == html.ElementNode && n.Data == "tr":
			b.WriteString("\n")
			column := 0
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode || (c.Data != "td" && c.Data != "th") {
					continue
				}
				if column++; column > 1 {
					b.WriteString("\t")
				}
				b.WriteString(cellText(c))
				if cls := attr(c, "class"); strings.Contains(cls, "estimate") || strings.Contains(cls, "member") {
					classes := strings.Fields(cls)
					if numeric[column] && !slices.Contains(classes, "num") {
						classes = append([]string{"num"}, classes...) // as a cell of its own would say
					}
					b.WriteString(" {" + strings.Join(classes, " ") + "}")
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rows(c)
		}
	}
	rows(table)
	b.WriteString("\n\n")
}

// cellText is a cell's text with its links' targets and with runs of white
// space as one space.
func cellText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "span" && attr(n, "aria-hidden") == "true":
		case n.Type == html.ElementNode && n.Data == "a":
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			b.WriteString(" <" + attr(n, "href") + ">")
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\u00a0", " ")), " ")
}
