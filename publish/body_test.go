package publish_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/publish"
)

// TestBodyCompressedWhenAskedAgain: an answer not rendered ahead goes out
// as it is to its first asker and compressed from the second on; one
// rendered ahead is compressed from the first; a client holding either
// form gets 304.
func TestBodyCompressedWhenAskedAgain(t *testing.T) {
	content := bytes.Repeat([]byte("<tr><td>Lund</td><td>1 234,5</td></tr>\n"), 200)
	serve := func(b *publish.Body, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/jamfor", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		b.Serve(w, r, "public, max-age=60")
		return w
	}
	b := &publish.Body{ContentType: "text/html", ETag: `"abc"`, Bytes: content}
	first := serve(b, "")
	if first.Header().Get("Content-Encoding") != "" || !bytes.Equal(first.Body.Bytes(), content) || first.Header().Get("ETag") != `"abc"` {
		t.Fatalf("first ask: encoding %q, etag %q, %d bytes; want the body as it is", first.Header().Get("Content-Encoding"), first.Header().Get("ETag"), first.Body.Len())
	}
	second := serve(b, "")
	if second.Header().Get("Content-Encoding") != "gzip" || second.Body.Len() >= len(content)/2 || second.Header().Get("ETag") != `"abc-gzip"` {
		t.Fatalf("second ask: encoding %q, etag %q, %d bytes; want it compressed", second.Header().Get("Content-Encoding"), second.Header().Get("ETag"), second.Body.Len())
	}
	for _, held := range []string{`"abc"`, `"abc-gzip"`, `W/"abc"`} {
		if w := serve(b, held); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304", held, w.Code, w.Body.Len())
		}
	}
	ahead := &publish.Body{ContentType: "text/html", ETag: `"def"`, Bytes: content}
	ahead.Gzipped() // as Snapshot.Body does for a warmer
	if w := serve(ahead, ""); w.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("an answer rendered ahead went out with encoding %q on its first ask", w.Header().Get("Content-Encoding"))
	}
}
