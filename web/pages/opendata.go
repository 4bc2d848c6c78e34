package pages

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/opendata"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The open data downloads (/oppna-data): the page lists the files built by
// package opendata, with their columns; each file is served from disk by
// http.ServeContent, which answers Range, HEAD, If-Modified-Since and
// (with the strong ETag set first) If-None-Match with 304.

type openFileView struct {
	Name, Format, Size, Rows, Modified string
}

type openSetView struct {
	ID, Title, About, Source, Licence string
	Columns                           []opendata.Column
	Files                             []openFileView
}

type openDataView struct {
	site.Frame
	Sets []openSetView
}

// registerOpenData adds /oppna-data and its files when p.OpenData is set.
func (p *Pages) registerOpenData(r gin.IRouter) {
	if p.OpenData == nil {
		return
	}
	r.GET("/oppna-data", p.openDataPage)
	r.GET("/oppna-data/:file", p.openDataFile)
	r.HEAD("/oppna-data/:file", p.openDataFile)
}

func (p *Pages) openDataPage(c *gin.Context) {
	ctx := c.Request.Context()
	v := &openDataView{Frame: site.Frame{Title: "Öppna data", Description: "SMHI:s utsläppsdata och medlemmarnas rapporter som filer att ladda ned.", Nav: "oppna-data"}}
	if err := p.freshOpenData(ctx); err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	sets := map[string]int{}
	for _, f := range p.OpenData.Files() {
		i, ok := sets[f.Dataset]
		if !ok {
			d, known := p.OpenData.Dataset(ctx, f)
			if !known {
				continue
			}
			i = len(v.Sets)
			sets[f.Dataset] = i
			v.Sets = append(v.Sets, openSetView{ID: f.Dataset, Title: d.Title, About: d.About, Source: d.Source, Licence: d.Licence, Columns: d.Columns})
		}
		v.Sets[i].Files = append(v.Sets[i].Files, openFileView{Name: f.Name, Format: string(f.Format),
			Size: swedish.Number(float64(f.Size)/1024, 0) + " kB", Rows: swedish.Number(float64(f.Rows), 0), Modified: f.Modified.Format(time.DateOnly)})
	}
	body, err := templates.Execute("oppnadata", v)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	site.SetHeaders(c)
	c.Header("Cache-Control", "public, max-age=60")
	c.Data(http.StatusOK, "text/html; charset=utf-8", body)
}

func (p *Pages) openDataFile(c *gin.Context) {
	name := c.Param("file")
	if strings.ContainsAny(name, `/\`) || !opendata.ValidName(name) {
		site.Fail(c, p.Log, kr.E(kr.NotFound, "Filen finns inte bland de öppna data. Se listan på /oppna-data."))
		return
	}
	if err := p.freshOpenData(c.Request.Context()); err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	fh, f, err := p.OpenData.Open(c.Request.Context(), name)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	defer fh.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", f.Format.ContentType())
	h.Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	h.Set("ETag", f.ETag)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(c.Writer, c.Request, f.Name, f.Modified, fh)
}

// freshOpenData brings the files up to the published generation: built
// here, once for all callers, when none exist yet, else rebuilt in the
// background while the current files are served.
func (p *Pages) freshOpenData(ctx context.Context) error {
	gen := p.Published.Generation()
	if len(p.OpenData.Files()) == 0 {
		return p.OpenData.Refresh(ctx, gen)
	}
	p.OpenData.RefreshLater(gen, func(err error) { p.Log.Warn("open data files not rebuilt", "err", err) })
	return nil
}
