package publish

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// Body is a rendered answer (a page, JSON, an export) kept for the
// snapshot's data generation, served as it is or gzip-compressed.
type Body struct {
	ContentType string
	Header      map[string]string // further headers, e.g. Content-Disposition
	ETag        string            // strong, quoted; set by Snapshot.Body
	Bytes       []byte

	gzipOnce sync.Once
	gzipped  []byte // nil when compression does not pay
}

// minGzip is the smallest body worth compressing.
const minGzip = 1024

// Gzipped returns the body gzip-compressed (computed once), or nil when it
// is too small or does not shrink.
func (b *Body) Gzipped() []byte {
	b.gzipOnce.Do(func() {
		if len(b.Bytes) < minGzip {
			return
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(b.Bytes)
		w.Close()
		if buf.Len() < len(b.Bytes)*9/10 {
			b.gzipped = buf.Bytes()
		}
	})
	return b.gzipped
}

// Serve writes the body with its ETag and cacheControl, compressed when the
// client accepts gzip, or 304 Not Modified when the client has it.
func (b *Body) Serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	ServeBytes(w, r, b.ContentType, b.ETag, cacheControl, b.Bytes, b.Gzipped, b.Header)
}

// ServeBytes writes content (or its gzip form, from gz, when the client
// accepts it) with an ETag; a matching If-None-Match gets 304.
func ServeBytes(w http.ResponseWriter, r *http.Request, contentType, etag, cacheControl string, content []byte, gz func() []byte, header map[string]string) {
	h := w.Header()
	for k, v := range header {
		h.Set(k, v)
	}
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	body := content
	if gz != nil && acceptsGzip(r) {
		if z := gz(); z != nil {
			body = z
			etag = strings.TrimSuffix(etag, `"`) + `-gzip"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
