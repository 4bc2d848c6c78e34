// Package dashboards serves the public pages (CONTRACT.md, "Pages"): the
// overview (/), one municipality (/kommun/{code}), a comparison (/jamfor)
// and the ranking (/rangordning). Pages are Swedish, rendered with
// html/template from the figures of package analytics; charts are built
// with go-echarts and drawn by ECharts served from /static/ by the service
// itself. Every chart is followed by a table with the same numbers, so the
// pages work without JavaScript.
//
// Rendered pages are kept per data generation (analytics.Snapshot.Body):
// a page is rendered once after each commit and then served from memory.
package pages

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Pages serves the public pages.
type Pages struct {
	Metrics *analytics.Service
	Log     *slog.Logger

	pages map[string]*template.Template
}

// securityHeaders are sent with every page: no inline script is needed, so
// the policy forbids it.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "strict-origin-when-cross-origin",
}

var funcs = template.FuncMap{
	"static": StaticURL,
	"inc":    func(i int) int { return i + 1 },
	"substanceName": func(s string) string {
		switch s {
		case "GGT":
			return "alla växthusgaser, CO2e"
		case "CO2":
			return "koldioxid, CO2"
		}
		return s
	},
}

func (p *Pages) parse() error {
	p.pages = map[string]*template.Template{}
	for _, name := range []string{"index", "kommun", "jamfor", "rangordning", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return err
		}
		p.pages[name] = t
	}
	return nil
}

// Register adds the pages and the static files.
func (p *Pages) Register(r gin.IRouter) {
	if err := p.parse(); err != nil {
		panic(err) // the templates are embedded: a parse error is a programming error
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	registerStatic(r)
	r.GET("/", p.page(p.index))
	r.GET("/kommun/:code", p.page(p.kommun))
	r.GET("/jamfor", p.page(p.jamfor))
	r.GET("/rangordning", p.page(p.rangordning))
}

// layout is what every page's frame shows.
type layout struct {
	Title       string
	Description string
	Nav         string
	Release     string
	Substance   string
	Scripts     []string
}

func (l *layout) base() *layout { return l }

type framed interface{ base() *layout }

// withCharts adds the scripts the charts need, ECharts first.
func (l *layout) withCharts(charts ...Chart) {
	seen := map[string]bool{}
	for _, c := range charts {
		for _, a := range c.Assets {
			name := a[len(assetsHost):]
			if !seen[name] {
				seen[name] = true
				l.Scripts = append(l.Scripts, StaticURL(name))
			}
		}
	}
	if len(seen) > 0 {
		l.Scripts = append(l.Scripts, StaticURL("charts.js"))
	}
}

// pageError is a page that could not be shown, with its status.
type pageError struct {
	status int
	body   []byte
}

func (pageError) Error() string { return "page error" }

// handler builds a page's data: the template to render and its data.
type handler func(c *gin.Context, snap *analytics.Snapshot) (string, framed, error)

// page renders a page once per data generation and query, and serves it
// from memory after that.
func (p *Pages) page(h handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		for k, v := range securityHeaders {
			c.Header(k, v)
		}
		if err := access.Check(web.ActorOf(c), access.ReadPublic, ""); err != nil {
			p.sendError(c, err)
			return
		}
		snap, err := p.Metrics.Snapshot(c.Request.Context())
		if err != nil {
			p.sendError(c, err)
			return
		}
		key := "page:" + c.Request.URL.Path + "?" + canonicalQuery(c.Request.URL.Query())
		body, err := snap.Body(key, func() (*analytics.Body, error) {
			name, data, err := h(c, snap)
			if err != nil {
				return nil, err
			}
			b, err := p.render(name, data)
			if err != nil {
				return nil, err
			}
			return &analytics.Body{ContentType: "text/html; charset=utf-8", Bytes: b}, nil
		})
		var pe pageError
		if errors.As(err, &pe) {
			c.Data(pe.status, "text/html; charset=utf-8", pe.body)
			return
		}
		if err != nil {
			p.sendError(c, err)
			return
		}
		body.Serve(c.Writer, c.Request, "public, max-age=0, must-revalidate")
	}
}

// canonicalQuery keeps the parameters the pages read, in a stable order, so
// that junk parameters do not multiply cache entries.
func canonicalQuery(q url.Values) string {
	keep := url.Values{}
	for _, k := range []string{"kod", "bas", "kalla", "ar", "sortera", "ordning", "as_of"} {
		if vs, ok := q[k]; ok {
			keep[k] = vs
		}
	}
	return keep.Encode()
}

func (p *Pages) render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := p.pages[name].ExecuteTemplate(&b, "layout", data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type errorView struct {
	layout
	Heading, Message string
}

// errorPage renders an error page for err as a pageError.
func (p *Pages) errorPage(err error) pageError {
	kind := kr.KindOf(err)
	v := &errorView{layout: layout{Title: "Något gick fel"}, Heading: "Något gick fel", Message: kr.MessageOf(err)}
	status := http.StatusInternalServerError
	switch kind {
	case kr.NotFound:
		status, v.Title, v.Heading = http.StatusNotFound, "Sidan finns inte", "Sidan finns inte"
	case kr.Invalid:
		status, v.Title, v.Heading = http.StatusBadRequest, "Felaktig adress", "Adressen går inte att visa"
	case kr.Unauthorized, kr.Forbidden:
		status, v.Title, v.Heading = http.StatusForbidden, "Ingen behörighet", "Du får inte se den här sidan"
	case kr.Unavailable:
		status, v.Message = http.StatusServiceUnavailable, "Databasen svarar inte just nu. Försök igen om en stund."
	default:
		p.Log.Error("page failed", "err", err)
		v.Message = kr.MessageOf(nil)
	}
	b, rerr := p.render("error", v)
	if rerr != nil {
		b = []byte("<!DOCTYPE html><html lang=\"sv\"><title>Fel</title><p>Något gick fel.</p></html>")
	}
	return pageError{status: status, body: b}
}

func (p *Pages) sendError(c *gin.Context, err error) {
	pe := p.errorPage(err)
	c.Data(pe.status, "text/html; charset=utf-8", pe.body)
}
