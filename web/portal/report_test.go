package portal_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// largeUpload is a multipart upload of size bytes, as the upload form
// sends it.
func largeUpload(size int) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("kod", "1281")
	w, _ := mw.CreateFormFile("file", "stor.xlsx")
	w.Write(bytes.Repeat([]byte("x"), size))
	mw.Close()
	return &b, mw.FormDataContentType()
}

// TestWritesRefusedBeforeTheBody: an upload or a reply from someone who may
// not write is refused before a byte of its body is read: the public is
// sent to sign in, a reviewer refused (on main the form was parsed first:
// the whole 19 MB were read, and held, before anyone was asked who sent
// them). A reply's form may be small only.
func TestWritesRefusedBeforeTheBody(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		const reviewerToken, officerToken = "reviewer-token-0123456789", "officer-token-01234567890"
		tokens, err := web.ParseStaticTokens(reviewerToken + ":reviewer," + officerToken + ":officer:1281")
		if err != nil {
			t.Fatal(err)
		}
		router := w.Server(web.Config{Version: "test"}, tokens, slog.New(slog.NewTextHandler(io.Discard, nil))).Router
		for _, c := range []struct {
			name, path, token string
			status            int
			location          string
		}{
			{"anonymous upload", "/rapportera", "", http.StatusSeeOther, "/logga-in?nasta=%2Frapportera"},
			{"anonymous reply", "/rapportera/svar", "", http.StatusSeeOther, "/logga-in?nasta=%2Frapportera%2Fsvar"},
			{"reviewer's upload", "/rapportera", reviewerToken, http.StatusForbidden, ""},
			{"anonymous API upload", "/api/v1/submissions", "", http.StatusUnauthorized, ""},
			{"reviewer's API upload", "/api/v1/submissions", reviewerToken, http.StatusForbidden, ""},
		} {
			body, ctype := largeUpload(19 << 20)
			counted := &countingReader{r: body}
			req := httptest.NewRequest("POST", c.path, counted)
			req.Header.Set("Content-Type", ctype)
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			if rec.Code != c.status || rec.Header().Get("Location") != c.location {
				t.Errorf("%s: %d %q, want %d %q", c.name, rec.Code, rec.Header().Get("Location"), c.status, c.location)
			}
			if n := counted.n.Load(); n > 0 {
				t.Errorf("%s: %d bytes of the body read before the refusal", c.name, n)
			}
		}

		// A reply of 100 kB is refused as too large; its form is small.
		req := httptest.NewRequest("POST", "/rapportera/svar",
			strings.NewReader("year=2025&obligation=goals&message="+strings.Repeat("a", 100<<10)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+officerToken)
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "för stort") {
			t.Errorf("a reply of 100 kB: %d\n%s", rec.Code, rec.Body)
		}
	})
}
