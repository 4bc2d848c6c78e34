// Package pages serves the public pages: the overview (/), one
// municipality (/kommun/{code}), one county or region (/lan/{code}), a
// comparison (/jamfor), the ranking (/rangordning) and the members and
// observers (/medlemmar), the embeddable charts under /inbaddning/
// (embed.go), and the static files of every page (package site's).
// Pages are Swedish, rendered with html/template in site's frame from the
// cached read service of package publish (its snapshots and views, computed
// by package analytics); charts are built with go-echarts and drawn
// by ECharts served from /static/ by the service itself. Every chart is
// followed by a table with the same numbers, so the pages work without
// JavaScript.
//
// Rendered pages are kept per data generation (publish.Snapshot.Body):
// a page is rendered once after each commit and then served from memory,
// the same to everyone (no cached page carries who is signed in); a
// signed-in visitor gets it with their account put into the header, not
// stored (site.SendSignedIn).
package pages

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/opendata"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = site.MustParse(templateFS, map[string]any{"inc": func(i int) int { return i + 1 }},
	[]string{"templates/chart.html", "templates/area.html"}, "index", "kommun", "lan", "jamfor", "rangordning", "medlemmar", "inbaddning", "oppnadata")

// Pages serves the public pages.
type Pages struct {
	Published *publish.Service // the figures, in cached snapshots
	Log       *slog.Logger
	// Compliance's rules judge the members' standing on /medlemmar; nil
	// is compliance.DefaultRules.
	Compliance *compliance.Engine
	// PublicURL is the service's public address ("https://…") in the
	// <iframe> snippets; empty: the snippets' addresses are relative.
	PublicURL string
	// OpenData builds the files of /oppna-data; nil: no such page.
	OpenData *opendata.Builder
}

// Register adds the pages and the static files.
func (p *Pages) Register(r gin.IRouter) {
	if p.Log == nil {
		p.Log = slog.Default()
	}
	site.RegisterStatic(r)
	kommunParams := []publish.QueryParam{{Name: "as_of"}}
	jamforParams := []publish.QueryParam{{Name: "kod", Kind: publish.CodeList}, {Name: "bas"}, {Name: "kalla"}}
	rankingParams := []publish.QueryParam{{Name: "ar"}, {Name: "sortera"}, {Name: "ordning"}, {Name: "kalla"}}
	r.GET("/", p.page(p.index))
	r.GET("/kommun/:code", p.page(p.kommun, kommunParams...))
	r.GET("/lan/:code", p.page(p.lan, lanParams...))
	r.GET("/jamfor", p.page(p.jamfor, jamforParams...))
	r.GET("/rangordning", p.page(p.rangordning, rankingParams...))
	r.GET("/medlemmar", p.page(p.medlemmar))
	p.registerOpenData(r)
	r.GET(site.EmbedPrefix+"kommun/:code", p.page(p.embedKommun, kommunParams...))
	r.GET(site.EmbedPrefix+"jamfor", p.page(p.embedJamfor, jamforParams...))
	r.GET(site.EmbedPrefix+"rangordning", p.page(p.embedRangordning, rankingParams...))
	p.Published.AddWarmer(func(ctx context.Context, snap *publish.Snapshot) error {
		targets := []web.WarmTarget{p.warmTarget(snap, "/", nil, p.index, nil), p.warmTarget(snap, "/rangordning", nil, p.rangordning, nil),
			p.warmTarget(snap, site.EmbedPrefix+"rangordning", nil, p.embedRangordning, nil)}
		for _, m := range snap.Municipalities {
			code := gin.Params{{Key: "code", Value: m.Code}}
			targets = append(targets, p.warmTarget(snap, "/kommun/"+m.Code, code, p.kommun, kommunParams),
				p.warmTarget(snap, site.EmbedPrefix+"kommun/"+m.Code, code, p.embedKommun, kommunParams))
		}
		for _, cty := range snap.Counties {
			targets = append(targets, p.warmTarget(snap, "/lan/"+cty.Code, gin.Params{{Key: "code", Value: cty.Code}}, p.lan, lanParams))
		}
		return web.Warm(ctx, targets)
	})
}

// warmTarget is a page rendered into snap before it is published, with its
// default parameters, as a request for it would; a page shown with an
// error status is no failure of the warming.
func (p *Pages) warmTarget(snap *publish.Snapshot, path string, params gin.Params, h handler, query []publish.QueryParam) web.WarmTarget {
	return web.WarmTarget{Path: path, Params: params, Render: func(c *gin.Context) error {
		var pe pageError
		if _, err := p.body(c, snap, h, query); err != nil && !errors.As(err, &pe) {
			return err
		}
		return nil
	}}
}

// body is a page's rendered answer in snap, rendered once per data
// generation and query.
func (p *Pages) body(c *gin.Context, snap *publish.Snapshot, h handler, params []publish.QueryParam) (*publish.Body, error) {
	key := publish.KeyOf("page:"+c.Request.URL.Path, c.Request.URL.Query(), params).About(c.Param("code"))
	return snap.Body(c.Request.Context(), key, func() (*publish.Body, error) {
		name, data, err := h(c, snap)
		if err != nil {
			return nil, err
		}
		b, err := templates.Execute(name, data)
		if err != nil {
			return nil, err
		}
		return &publish.Body{ContentType: "text/html; charset=utf-8", Bytes: b}, nil
	})
}

// withCharts adds the scripts the charts need to a page's frame, ECharts
// first.
func withCharts(f *site.Frame, charts ...Chart) {
	seen := map[string]bool{}
	for _, c := range charts {
		for _, a := range c.Assets {
			name := a[len(site.AssetsPath):]
			if !seen[name] {
				seen[name] = true
				f.Scripts = append(f.Scripts, site.StaticURL(name))
			}
		}
	}
	if len(seen) > 0 {
		f.Scripts = append(f.Scripts, site.StaticURL("charts.js"))
	}
}

// pageError is a page shown with an error status: the page itself, with
// what was wrong with the request in it (the comparison's form).
type pageError struct {
	status int
	body   []byte
}

func (pageError) Error() string { return "page error" }

// handler builds a page's data: the template to render and its data.
type handler func(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error)

// page renders a page once per data generation and query, and serves it
// from memory after that. params are the query parameters h reads (the
// comparison's areas are a list: their order is the series' and the form's);
// the others do not make a page of their own (publish.Key).
func (p *Pages) page(h handler, params ...publish.QueryParam) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := access.Check(web.ActorOf(c), access.ReadPublic, ""); err != nil {
			site.Fail(c, p.Log, err)
			return
		}
		snap, err := p.Published.SnapshotFor(c.Request.Context(), web.OwnArea(c))
		if err != nil {
			site.Fail(c, p.Log, err)
			return
		}
		body, err := p.body(c, snap, h, params)
		site.SetHeaders(c)
		var pe pageError
		switch {
		case errors.As(err, &pe) && site.SignedIn(c):
			site.SendSignedIn(c, p.Log, pe.status, pe.body)
		case errors.As(err, &pe):
			c.Data(pe.status, "text/html; charset=utf-8", pe.body)
		case err != nil:
			site.Fail(c, p.Log, err)
		case site.SignedIn(c) && strings.HasPrefix(c.Request.URL.Path, site.EmbedPrefix):
			site.SendPersonal(c, http.StatusOK, body.Bytes) // no header to put the account into
		case site.SignedIn(c):
			site.SendSignedIn(c, p.Log, http.StatusOK, body.Bytes)
		default:
			body.Serve(c.Writer, c.Request, "public, max-age=0, must-revalidate")
		}
	}
}
