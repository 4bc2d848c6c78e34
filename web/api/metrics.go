package api

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// RegisterMetrics adds the routes of the metrics layer (CONTRACT.md):
// municipality metrics, the ranking, and CSV and XLSX exports of every
// table-shaped answer. Answers are cached per data generation (see
// analytics.Service); GET /emissions is cached by Register through
// cachedResponse as well.
func (a *API) RegisterMetrics(v1 gin.IRouter) {
	if a.Metrics == nil {
		// Not wired to commit hooks: check the data fingerprint on every
		// request, so answers are never stale.
		a.Metrics = &analytics.Service{Data: a.Data, Members: a.Members, ProbeInterval: 0}
	}
	v1.GET("/municipalities/:code/metrics", a.cachedResponse(a.getMetrics))
	v1.GET("/municipalities/:code/metrics.csv", a.cachedResponse(a.exportMetrics(csvFormat)))
	v1.GET("/municipalities/:code/metrics.xlsx", a.cachedResponse(a.exportMetrics(xlsxFormat)))
	v1.GET("/ranking", a.cachedResponse(a.getRanking))
	v1.GET("/ranking.csv", a.cachedResponse(a.exportRanking(csvFormat)))
	v1.GET("/ranking.xlsx", a.cachedResponse(a.exportRanking(xlsxFormat)))
	v1.GET("/emissions.csv", a.cachedResponse(a.exportEmissions(csvFormat)))
	v1.GET("/emissions.xlsx", a.cachedResponse(a.exportEmissions(xlsxFormat)))
	v1.GET("/municipalities.csv", a.cachedResponse(a.exportMunicipalities(csvFormat)))
	v1.GET("/municipalities.xlsx", a.cachedResponse(a.exportMunicipalities(xlsxFormat)))
}

// snapshot returns the current data snapshot or writes the error.
func (a *API) snapshot(c *gin.Context) (*analytics.Snapshot, bool) {
	snap, err := a.Metrics.Snapshot(c.Request.Context())
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	return snap, true
}

func (a *API) getMetrics(c *gin.Context) {
	snap, ok := a.snapshot(c)
	if !ok {
		return
	}
	asOf, err := analytics.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		a.fail(c, err)
		return
	}
	rep, err := snap.MunicipalityReport(c.Request.Context(), c.Param("code"), asOf)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// rankingQuery reads GET /api/v1/ranking's query string.
func rankingQuery(c *gin.Context) (analytics.RankingQuery, error) {
	q := analytics.RankingQuery{Metric: c.Query("metric"), Source: c.Query("source")}
	var err error
	if q.Year, err = analytics.ParseYear("year", c.Query("year")); err != nil {
		return q, err
	}
	if q.AsOf, err = analytics.ParseYear("as_of", c.Query("as_of")); err != nil {
		return q, err
	}
	switch c.Query("order") {
	case "", "asc":
	case "desc":
		q.Descending = true
	default:
		return q, kr.E(kr.Invalid, "order kan vara asc (lägst först) eller desc (högst först).")
	}
	return q, nil
}

func (a *API) getRanking(c *gin.Context) {
	snap, ok := a.snapshot(c)
	if !ok {
		return
	}
	q, err := rankingQuery(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	r, err := snap.Ranking(c.Request.Context(), q)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// uncacheable carries an answer that is not kept (an error).
type uncacheable struct {
	status int
	header http.Header
	body   []byte
}

func (uncacheable) Error() string { return "uncacheable response" }

// cachedResponse serves h's answer from the snapshot: h runs once per data
// generation and query string; its 200 answers are kept (with an ETag for
// conditional requests), other answers are passed on and not kept. Only
// public data is cached: every actor may read it.
func (a *API) cachedResponse(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !a.allowed(c, access.ReadPublic, "") {
			return
		}
		snap, ok := a.snapshot(c)
		if !ok {
			return
		}
		key := "api:" + c.Request.URL.Path + "?" + c.Request.URL.RawQuery
		body, err := snap.Body(key, func() (*analytics.Body, error) {
			rec := &recorder{ResponseWriter: c.Writer, header: http.Header{}, status: http.StatusOK}
			orig := c.Writer
			c.Writer = rec
			defer func() { c.Writer = orig }()
			h(c)
			if rec.status != http.StatusOK {
				return nil, uncacheable{rec.status, rec.header, rec.buf.Bytes()}
			}
			b := &analytics.Body{ContentType: rec.header.Get("Content-Type"), Bytes: rec.buf.Bytes()}
			if d := rec.header.Get("Content-Disposition"); d != "" {
				b.Header = map[string]string{"Content-Disposition": d}
			}
			return b, nil
		})
		var unc uncacheable
		if errors.As(err, &unc) {
			for k, vs := range unc.header {
				c.Writer.Header()[k] = vs
			}
			c.Data(unc.status, unc.header.Get("Content-Type"), unc.body)
			c.Abort()
			return
		}
		if err != nil {
			a.fail(c, err)
			return
		}
		ServeBody(c, body, snap.Generation)
	}
}

// ServeBody writes a kept answer with its ETag (gzip-compressed when the
// client accepts it), or 304 Not Modified when the client has it.
func ServeBody(c *gin.Context, b *analytics.Body, generation uint64) {
	c.Header("X-Data-Generation", strconv.FormatUint(generation, 10))
	b.Serve(c.Writer, c.Request, "public, max-age=0, must-revalidate")
}

// recorder captures a handler's answer instead of sending it.
type recorder struct {
	gin.ResponseWriter
	header http.Header
	status int
	buf    bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote && code > 0 {
		r.status = code
	}
}
func (r *recorder) WriteHeaderNow()     { r.wrote = true }
func (r *recorder) Status() int         { return r.status }
func (r *recorder) Size() int           { return r.buf.Len() }
func (r *recorder) Written() bool       { return r.wrote || r.buf.Len() > 0 }
func (r *recorder) Flush()              {}
func (r *recorder) Pusher() http.Pusher { return nil }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.buf.Write(b)
}
func (r *recorder) WriteString(s string) (int, error) {
	r.wrote = true
	return r.buf.WriteString(s)
}
