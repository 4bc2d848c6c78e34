// Package site is the frame every HTML page shares, public or signed in:
// the layout (header with the account, menu, footer with the sources), the
// account part of the header put into pages rendered for everyone, the
// table partial (Table.HTML: html/template's escaping without its
// per-cell reflection), the style sheet and scripts served from /static/, the
// security headers, and the one HTML error page. The public pages
// (web/pages) and the signed-in pages (web/portal) parse their templates on
// top of it, so the frame exists once.
package site

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

//go:embed templates/*.html
var templateFS embed.FS

// Frame is what the layout shows around a page's content. Every page's
// data embeds it.
type Frame struct {
	Title       string
	Description string
	Nav         string // the menu entry to mark as the current page
	Release     string // the SMHI release the figures come from, for the footer
	Substance   string
	Scripts     []string
	// ExampleNotice, when set, says that the page shows example data (the
	// demo's members, members.Member.Example); the layout shows it first.
	ExampleNotice string
	// Actor is the signed-in account shown in the header. Pages cached for
	// everyone leave it empty and show "Logga in"; SendSignedIn puts the
	// visitor's account in its place.
	Actor kr.Actor
	// Embedded pages (under EmbedPrefix, framed by other sites) are shown in
	// the minimal frame of templates/embed.html: no menu, no account, no
	// footer; their content says where the figures come from.
	Embedded bool
}

// Base returns the frame; a page's data is anything that embeds a Frame.
func (f *Frame) Base() *Frame { return f }

// Framed is a page's data.
type Framed interface{ Base() *Frame }

// SubstanceName is a substance code in words: "GGT" → "alla växthusgaser,
// CO2e".
func SubstanceName(s string) string {
	switch s {
	case "GGT":
		return "alla växthusgaser, CO2e"
	case "CO2":
		return "koldioxid, CO2"
	}
	return s
}

var baseFuncs = template.FuncMap{"static": StaticURL, "substanceName": SubstanceName}

// base is the layout and the partials, parsed once; every page is a clone.
var base = template.Must(template.New("layout").Funcs(baseFuncs).ParseFS(templateFS, "templates/layout.html", "templates/embed.html",
	"templates/account.html", "templates/table.html"))

// Templates are pages parsed on top of the layout, by name.
type Templates struct {
	pages map[string]*template.Template
	// sizes is each page's last rendered size: the next render's buffer
	// starts a little larger, rather than doubling its way up to it and
	// copying the page each time (a comparison is some 60 kB).
	sizes map[string]*atomic.Int64
}

// parse parses each page of fsys (templates/NAME.html, defining "content")
// with the shared files given, on top of the layout. funcs are available
// beside the layout's own.
func parse(fsys fs.FS, funcs template.FuncMap, shared []string, names ...string) (*Templates, error) {
	ts := &Templates{pages: map[string]*template.Template{}, sizes: map[string]*atomic.Int64{}}
	for _, name := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		files := append(slices.Clone(shared), "templates/"+name+".html")
		if t, err = t.Funcs(funcs).ParseFS(fsys, files...); err != nil {
			return nil, err
		}
		ts.pages[name], ts.sizes[name] = t, new(atomic.Int64)
	}
	return ts, nil
}

// MustParse is parse for embedded templates, where an error is a
// programming error; every page package parses its templates with it.
func MustParse(fsys fs.FS, funcs template.FuncMap, shared []string, names ...string) *Templates {
	ts, err := parse(fsys, funcs, shared, names...)
	if err != nil {
		panic(err)
	}
	return ts
}

// Execute renders a page with the layout, or with the embedded pages'
// minimal frame (Frame.Embedded).
func (ts *Templates) Execute(name string, data Framed) ([]byte, error) {
	size := ts.sizes[name]
	b := bytes.NewBuffer(make([]byte, 0, size.Load()+size.Load()/16))
	layout := "layout"
	if data.Base().Embedded {
		layout = "embed"
	}
	if err := ts.pages[name].ExecuteTemplate(b, layout, data); err != nil {
		return nil, err
	}
	size.Store(int64(b.Len()))
	return b.Bytes(), nil
}

// EmbedPrefix is where the embeddable charts are: the only pages any site
// may frame.
const EmbedPrefix = "/inbaddning/"

// securityHeaders are sent with every page: no page needs an inline script,
// so the policy forbids them, and no page may be framed but those under
// EmbedPrefix (framePolicy).
var securityHeaders = map[string]string{
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "strict-origin-when-cross-origin",
}

const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; "

// framePolicy is the Content-Security-Policy by path: the embeddable
// charts may be framed by any site, every other page by none.
var framePolicy = map[bool]string{
	false: contentPolicy + "frame-ancestors 'none'",
	true:  contentPolicy + "frame-ancestors *",
}

// SetHeaders sets the security headers of a page, the one place that
// decides which pages may be framed.
func SetHeaders(c *gin.Context) {
	for k, v := range securityHeaders {
		c.Header(k, v)
	}
	c.Header("Content-Security-Policy", framePolicy[strings.HasPrefix(c.Request.URL.Path, EmbedPrefix)])
}

// SendPersonal sends a page made for this visitor: never stored by caches.
func SendPersonal(c *gin.Context, status int, body []byte) {
	SetHeaders(c)
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", body)
}
