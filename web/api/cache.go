package api

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// Answers from public data are kept per data generation: a handler runs
// once per generation and canonical query (apiParams) and its answer is served from
// memory, with an ETag, after that.

// apiParams are the query parameters the cached answers read: the rest do
// not make an answer of their own (publish.KeyOf). The municipalities of
// /emissions are a set (the series come sorted by code whatever the order
// asked for).
var apiParams = []publish.QueryParam{{Name: "municipality", Kind: publish.CodeSet}, {Name: "metric"}, {Name: "source"},
	{Name: "year"}, {Name: "as_of"}, {Name: "order"}, {Name: "from"}, {Name: "to"}, {Name: "by"},
	{Name: "per_capita"}, {Name: "release"}, {Name: "substance"}}

// uncacheable carries an answer that is not kept (an error).
type uncacheable struct {
	status int
	header http.Header
	body   []byte
}

func (uncacheable) Error() string { return "uncacheable response" }

// cached is a handler of public data, answered from a snapshot.
type cached func(c *gin.Context, snap *publish.Snapshot) error

// cachedResponse serves h's answer from the snapshot: h runs once per data
// generation and canonical query (apiParams); its 200 answers are kept (with an ETag for
// conditional requests), other answers are passed on and not kept. Only
// public data is cached: every actor may read it.
func (a *API) cachedResponse(h cached) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		if err := allow(c, access.ReadPublic, ""); err != nil {
			return err
		}
		snap, err := a.Published.SnapshotFor(c.Request.Context(), web.OwnArea(c))
		if err != nil {
			return err
		}
		body, err := a.body(c, snap, h)
		var unc uncacheable
		if errors.As(err, &unc) {
			for k, vs := range unc.header {
				c.Writer.Header()[k] = vs
			}
			c.Data(unc.status, unc.header.Get("Content-Type"), unc.body)
			c.Abort()
			return nil
		}
		if err == nil {
			serveBody(c, body, snap.Generation)
		}
		return err
	})
}

// body is h's answer to c's request in snap: rendered once per data
// generation and canonical query, by a request or by the warmer.
func (a *API) body(c *gin.Context, snap *publish.Snapshot, h cached) (*publish.Body, error) {
	key := publish.KeyOf("api:"+c.Request.URL.Path, c.Request.URL.Query(), apiParams).About(c.Param("code"))
	return snap.Body(c.Request.Context(), key, func() (*publish.Body, error) { return a.record(c, snap, h) })
}

// record runs h with its answer captured: a 200 answer becomes a body to
// keep, any other an uncacheable error.
func (a *API) record(c *gin.Context, snap *publish.Snapshot, h cached) (*publish.Body, error) {
	rec := &recorder{ResponseWriter: c.Writer, header: http.Header{}, status: http.StatusOK}
	orig := c.Writer
	c.Writer = rec
	defer func() { c.Writer = orig }()
	if err := h(c, snap); err != nil {
		web.Fail(c, a.Log, err)
	}
	if rec.status != http.StatusOK {
		return nil, uncacheable{rec.status, rec.header, rec.buf.Bytes()}
	}
	b := &publish.Body{ContentType: rec.header.Get("Content-Type"), Bytes: rec.buf.Bytes()}
	if d := rec.header.Get("Content-Disposition"); d != "" {
		b.Header = map[string]string{"Content-Disposition": d}
	}
	return b, nil
}

// serveBody writes a kept answer with its ETag (gzip-compressed when the
// client accepts it), or 304 Not Modified when the client has it.
func serveBody(c *gin.Context, b *publish.Body, generation uint64) {
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
