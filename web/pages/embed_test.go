package pages_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// embedPages are the embeddable charts, each with the chart it shows and
// the full page it links back to.
var embedPages = []struct{ path, chart, full string }{
	{"/inbaddning/kommun/1281", "trend", "/kommun/1281"},
	{"/inbaddning/kommun/1281?as_of=2030", "trend", "/kommun/1281?as_of=2030"},
	{"/inbaddning/jamfor?kod=1281&kod=1280", "totalt", "/jamfor?kod=1281&kod=1280"},
	{"/inbaddning/jamfor", "totalt", "/jamfor"},
	{"/inbaddning/rangordning", "lan-diagram", "/rangordning"},
	{"/inbaddning/rangordning?ar=2015&kalla=reported", "lan-diagram", "/rangordning?ar=2015&kalla=reported"},
}

// TestFrameAncestors: the embeddable charts, and only they, may be framed
// by any site; every other page, error pages included, by none.
func TestFrameAncestors(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		check := func(path, want string) {
			t.Helper()
			r := get(t, f.url+path)
			csp := r.header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors "+want) || strings.Count(csp, "frame-ancestors") != 1 {
				t.Errorf("GET %s (%d): Content-Security-Policy %q, want frame-ancestors %s", path, r.status, csp, want)
			}
			if !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("GET %s: no strict script policy: %q", path, csp)
			}
			if xfo := r.header.Get("X-Frame-Options"); want == "*" && xfo != "" {
				t.Errorf("GET %s: X-Frame-Options %q on a page meant to be framed", path, xfo)
			}
		}
		for _, e := range embedPages {
			check(e.path, "*")
		}
		check("/inbaddning/kommun/9999", "*")
		for _, path := range []string{"/", "/kommun/1281", "/jamfor", "/rangordning", "/medlemmar", "/oppna-data", "/kommun/9999", "/kommun/9999?x=/inbaddning/"} {
			check(path, "'none'")
		}
	})
}

// TestEmbedPages: each embed is one chart with its numbers in its table and
// a source line linking to the full page out of the frame, in the minimal
// frame (no menu), answering errors as the full pages do.
func TestEmbedPages(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		for _, e := range embedPages {
			r := get(t, f.url+e.path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", e.path, r.status)
			}
			figs := pageFigures(t, r.body)
			if len(figs) != 1 || figs[0].id != e.chart {
				t.Fatalf("GET %s: %d charts, want only #%s", e.path, len(figs), e.chart)
			}
			if figs[0].values() < 10 {
				t.Errorf("GET %s: the chart draws %d values", e.path, figs[0].values())
			}
			for _, problem := range figs[0].missing() {
				t.Errorf("GET %s: %s", e.path, problem)
			}
			page := string(r.body)
			if strings.Contains(page, `aria-label="Huvudmeny"`) || strings.Contains(page, `class="site-footer"`) {
				t.Errorf("GET %s: the site's menu or footer in an embed", e.path)
			}
			src := findElement(t, r.body, "p", "embed-source")
			if src == nil || !strings.Contains(text(src), "Källa: ") || !strings.Contains(text(src), "SMHI") && !strings.Contains(text(src), "medlemmarna") {
				t.Fatalf("GET %s: no source line", e.path)
			}
			a := findElement(t, r.body, "a", "")
			for n := src.FirstChild; n != nil; n = n.NextSibling {
				if n.Type == html.ElementNode && n.DataAtom == atom.A {
					a = n
				}
			}
			if a == nil || attr(a, "href") != e.full || attr(a, "target") != "_blank" || attr(a, "rel") != "noopener" {
				t.Errorf("GET %s: the link back is %v, want %s out of the frame", e.path, a, e.full)
			}
		}
		for path, status := range map[string]int{"/inbaddning/kommun/9999": 404, "/inbaddning/jamfor?kod=Ingenstans": 400,
			"/inbaddning/rangordning?sortera=bogus": 400, "/inbaddning/kommun/1281?as_of=1800": 400} {
			if r := get(t, f.url+path); r.status != status {
				t.Errorf("GET %s: %d, want %d", path, r.status, status)
			}
		}
	})
}

// TestEmbedSnippet: the full pages offer the <iframe> of their embed as text
// to copy, with a title; a name with markup stays text in the snippet and
// is the iframe's title, escaped, when the snippet is pasted.
func TestEmbedSnippet(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{hostileNames: true})
		for path, want := range map[string]string{
			"/kommun/1281":                      "/inbaddning/kommun/1281",
			"/jamfor?kod=1281&kod=1280":         "/inbaddning/jamfor?bas=1990&kalla=smhi&kod=1281&kod=1280",
			"/rangordning?ar=2022&sortera=namn": "/inbaddning/rangordning?ar=2022&kalla=smhi&ordning=asc&sortera=namn",
		} {
			r := get(t, f.url+path)
			if r.status != 200 {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			area := findElement(t, r.body, "textarea", "")
			if area == nil || attr(area, "readonly") == "" && !hasAttr(area, "readonly") {
				t.Fatalf("GET %s: no read-only snippet", path)
			}
			if attr(area, "id") == "" || !bytes.Contains(r.body, []byte(`<label for="`+attr(area, "id")+`"`)) {
				t.Errorf("GET %s: the snippet has no label", path)
			}
			code := text(area)
			nodes, err := html.ParseFragment(strings.NewReader(code), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
			if err != nil || len(nodes) != 1 || nodes[0].DataAtom != atom.Iframe {
				t.Fatalf("GET %s: the snippet %q is not one <iframe>", path, code)
			}
			iframe := nodes[0]
			if attr(iframe, "src") != want {
				t.Errorf("GET %s: the snippet frames %q, want %q", path, attr(iframe, "src"), want)
			}
			if attr(iframe, "title") == "" {
				t.Errorf("GET %s: the snippet's iframe has no title", path)
			}
			if strings.HasPrefix(path, "/kommun/") && !strings.Contains(attr(iframe, "title"), hostile) {
				t.Errorf("GET %s: the title %q lost the name as written", path, attr(iframe, "title"))
			}
			if strings.Contains(code, "<script") {
				t.Errorf("GET %s: markup in the snippet: %q", path, code)
			}
			if e := get(t, f.url+attr(iframe, "src")); e.status != 200 {
				t.Errorf("GET %s (the snippet's): %d", attr(iframe, "src"), e.status)
			}
		}
	})
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// findElement is the first element named tag (with class, when given) on
// the page.
func findElement(t *testing.T, page []byte, tag, class string) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag && (class == "" || attr(n, "class") == class) {
			found = n
			return
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}
