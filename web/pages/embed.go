package pages

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The embeddable charts, /inbaddning/…: the main chart of /kommun/{code},
// /jamfor and /rangordning, built by the same functions as on those pages,
// with its table and a source line linking back to the full page, in the
// minimal frame (site.Frame.Embedded) that any site may frame
// (site.SetHeaders). The full pages show the <iframe> snippet to copy.

// embedHeight is the snippet's height in pixels: the chart and the first
// rows of its table (the table scrolls).
const embedHeight = 760

type embedView struct {
	site.Frame
	Chart              Chart
	SourceText         string
	PageHref, PageLink string
}

// embedSnippet is what a full page offers to copy: the embed's address and
// the <iframe> element for it, as text (the page's template escapes it
// once more, so it shows as written).
type embedSnippet struct {
	Href, Code string
}

// embedPage is the frame and data of an embedded chart taken from a full page's
// frame: only the scripts that chart needs.
func embedPage(full site.Frame, chart Chart, source, pageHref string) (string, site.Framed, error) {
	if chart.ID == "" {
		return "", nil, kr.E(kr.NotFound, "Det finns inget diagram att visa för %s.", full.Title)
	}
	f := site.Frame{Title: full.Title, Description: chart.Caption, Release: full.Release, Substance: full.Substance,
		ExampleNotice: full.ExampleNotice, Embedded: true}
	withCharts(&f, chart)
	return "inbaddning", &embedView{Frame: f, Chart: chart, SourceText: source, PageHref: pageHref,
		PageLink: "Se hela sidan hos Klimatkommunerna"}, nil
}

// snippet is the <iframe> snippet for the embed at path (with its query)
// titled title: absolute when the service knows its public address.
func (p *Pages) snippet(path string, q url.Values, title string) embedSnippet {
	href := path
	if enc := q.Encode(); enc != "" {
		href += "?" + enc
	}
	src := strings.TrimRight(p.PublicURL, "/") + href
	return embedSnippet{Href: href, Code: `<iframe src="` + html.EscapeString(src) + `" title="` + html.EscapeString(title) +
		`" width="100%" height="` + strconv.Itoa(embedHeight) + `" loading="lazy"></iframe>`}
}

// embedKommun is the trend chart of /kommun/{code} (kommunFrame,
// trendChart), without the rest of the page.
func (p *Pages) embedKommun(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	r, f, err := kommunFrame(c, snap)
	if err != nil {
		return "", nil, err
	}
	var trend Chart
	if r.SMHI != nil && r.SMHI.Metrics.Trend != nil {
		if trend, err = trendChart(r.Municipality.Name, r); err != nil {
			return "", nil, err
		}
	}
	return embedPage(f, trend, kommunSourceText(snap, r), "/kommun/"+url.PathEscape(r.Municipality.Code)+queryOf(c, "as_of"))
}

func (p *Pages) embedJamfor(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	v, err := p.compareView(c, snap)
	if err != nil {
		return "", nil, err
	}
	if len(v.Errors) > 0 {
		return "", nil, kr.E(kr.Invalid, "%s", strings.Join(v.Errors, " "))
	}
	return embedPage(v.Frame, v.Absolute, v.SourceText, "/jamfor"+queryOf(c, "kod", "bas", "kalla"))
}

func (p *Pages) embedRangordning(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	_, data, err := p.rangordning(c, snap)
	if err != nil {
		return "", nil, err
	}
	v := data.(*rangordningView)
	return embedPage(v.Frame, v.CountyChart, strings.TrimPrefix(v.SourceText, "enligt "), "/rangordning"+queryOf(c, "ar", "sortera", "ordning", "kalla"))
}

// queryOf is the request's query with only the parameters named, "" or
// "?…".
func queryOf(c *gin.Context, names ...string) string {
	q := url.Values{}
	for _, n := range names {
		if vs, ok := c.GetQueryArray(n); ok {
			q[n] = vs
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
