package publish

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

// Body is a rendered answer (a page, JSON, an export) kept for the
// snapshot's data generation, served as it is or gzip-compressed.
type Body struct {
	ContentType string
	Header      map[string]string // further headers, e.g. Content-Disposition
	ETag        string            // strong, quoted; set by Snapshot.Body
	Bytes       []byte

	gzipOnce sync.Once
	gzipped  []byte      // nil when compression does not pay
	gzipDone atomic.Bool // gzipped is made
	asked    atomic.Int32
}

// A QueryParam is a query parameter an answer reads, and how its values
// take part in the answer's key (KeyOf).
type QueryParam struct {
	Name string
	Kind ParamKind
}

// ParamKind is how a parameter's values make up a key.
type ParamKind int

// The kinds of parameter.
const (
	// One is read by its first value (as gin's Query reads it); further
	// values change nothing. Given empty differs from not given.
	One ParamKind = iota
	// List is read value by value, in order: the order shows in the answer.
	List
	// CodeSet is a set of area codes: their order and repetition do not
	// change the answer, so the key has them sorted and de-duplicated. Values
	// that are not all codes are kept as given (the answer is an error,
	// which is not kept, and names the values as written).
	CodeSet
	// CodeList is a list of area codes read in order (a comparison's areas:
	// the order shows in the answer).
	CodeList
)

var areaCodeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

// Key is the canonical key of a public answer (Snapshot.Body), with the
// areas whose reports the answer reads: an answer about named areas is
// kept into the next snapshot when a commit changes only other areas'
// reports; one about none (an aggregate: the overview, a ranking) is
// computed again.
type Key struct {
	text  string
	codes []string // nil: the answer may read any area's reports
}

// String is the key's text.
func (k Key) String() string { return k.text }

// About returns the key with the areas named in the answer's path (the
// municipality of /kommun/{code}) among those it reads; values that are
// not area codes are ignored.
func (k Key) About(codes ...string) Key {
	for _, c := range codes {
		if areaCodeRe.MatchString(c) {
			k.codes = append(slices.Clip(k.codes), c)
		}
	}
	return k
}

// KeyOf returns the canonical key of the answer to path with query q: the
// parameters the answer reads (params), each normalised by its kind, in a
// fixed order; every other parameter is left out. So requests that differ
// only in junk parameters, in repeated one-valued parameters or in the
// order of a set share one kept answer, and a crawler cannot fill the
// cache by varying them. The areas of its CodeSet and CodeList parameters
// are those the answer reads.
func KeyOf(path string, q url.Values, params []QueryParam) Key {
	keep := url.Values{}
	var codes []string
	for _, p := range params {
		vs, ok := q[p.Name]
		if !ok {
			continue
		}
		allCodes := !slices.ContainsFunc(vs, func(v string) bool { return !areaCodeRe.MatchString(v) })
		switch {
		case p.Kind == One && len(vs) > 0:
			vs = vs[:1]
		case p.Kind == CodeSet && allCodes:
			vs = slices.Compact(slices.Sorted(slices.Values(vs)))
		}
		if (p.Kind == CodeSet || p.Kind == CodeList) && allCodes {
			codes = append(codes, vs...)
		}
		keep[p.Name] = vs
	}
	return Key{text: path + "?" + keep.Encode(), codes: codes}
}

// minGzip is the smallest body worth compressing.
const minGzip = 1024

// memory is what the body may hold in memory, for the memo's byte budget:
// its bytes and its gzip form, counted at the most compression may keep
// (nine tenths of them) until it is made.
func (b *Body) memory() int64 {
	n := int64(cap(b.Bytes))
	if len(b.Bytes) >= minGzip {
		n += int64(len(b.Bytes)) * 9 / 10
	}
	return n
}

// Gzipped returns the body gzip-compressed (computed once), or nil when it
// is too small or does not shrink.
func (b *Body) Gzipped() []byte {
	b.gzipOnce.Do(func() {
		if len(b.Bytes) < minGzip {
			return
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // klauspost's: the ratio of the standard level at a fraction of its time, paid by the first request of a page not rendered ahead
		w.Write(b.Bytes)
		w.Close()
		if buf.Len() < len(b.Bytes)*9/10 {
			b.gzipped = buf.Bytes()
		}
		b.gzipDone.Store(true)
	})
	return b.gzipped
}

// gzippedWhenAskedAgain is Gzipped from the second client that accepts
// gzip on (at once when the body is compressed already, as the answers
// rendered ahead are): compressing costs about as much CPU as rendering,
// and most answers a crawler asks for are asked once, so the first asker
// of an answer not rendered ahead gets it as it is.
func (b *Body) gzippedWhenAskedAgain() []byte {
	if b.asked.Add(1) == 1 && !b.gzipDone.Load() {
		return nil
	}
	return b.Gzipped()
}

// Serve writes the body with its ETag and cacheControl, compressed when the
// client accepts gzip and the body is asked for again (see
// gzippedWhenAskedAgain), or 304 Not Modified when the client has it in
// either form.
func (b *Body) Serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	ServeBytes(w, r, b.ContentType, b.ETag, cacheControl, b.Bytes, b.gzippedWhenAskedAgain, b.Header)
}

// ServeBytes writes content (or its gzip form, from gz, when the client
// accepts it and gz gives one) with an ETag; an If-None-Match matching
// either form gets 304: they are the same content.
func ServeBytes(w http.ResponseWriter, r *http.Request, contentType, etag, cacheControl string, content []byte, gz func() []byte, header map[string]string) {
	h := w.Header()
	for k, v := range header {
		h.Set(k, v)
	}
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	body := content
	identity, gzipped := etag, strings.TrimSuffix(etag, `"`)+`-gzip"`
	if gz != nil && acceptsGzip(r) {
		if z := gz(); z != nil {
			body, etag = z, gzipped
			h.Set("Content-Encoding", "gzip")
		}
	}
	for _, tag := range []string{etag, identity, gzipped} {
		if etagMatches(r.Header.Get("If-None-Match"), tag) {
			h.Set("ETag", tag)
			h.Del("Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("ETag", etag)
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
