package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// fuzzBoundary is the boundary of the fuzzed multipart bodies.
const fuzzBoundary = "klimatrapport-fuzz"

// fuzzMax is the upload limit while fuzzing: small, so that the fuzzer
// reaches the too-large paths of the body limit and of ReadUpload.
const fuzzMax = 64 << 10

// fuzzForm is a multipart body with fuzzBoundary holding parts.
func fuzzForm(parts func(w *multipart.Writer)) []byte {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.SetBoundary(fuzzBoundary)
	parts(w)
	w.Close()
	return b.Bytes()
}

// uploadSeeds are forms a browser sends and forms it never would.
func uploadSeeds() [][]byte {
	file := func(w *multipart.Writer, name string, content []byte) {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
	}
	xlsx := []byte("PK\x03\x04 a workbook")
	return [][]byte{
		fuzzForm(func(w *multipart.Writer) { file(w, "rapport.xlsx", xlsx) }),
		fuzzForm(func(w *multipart.Writer) { w.WriteField("municipality", "1281"); file(w, "rapport.xlsx", xlsx) }),
		fuzzForm(func(w *multipart.Writer) { file(w, "a.xlsx", xlsx); file(w, "b.xlsx", xlsx) }),
		fuzzForm(func(w *multipart.Writer) { file(w, "../../etc/passwd\x00<script>\u202e.xlsx", xlsx) }),
		fuzzForm(func(w *multipart.Writer) { file(w, "stor.xlsx", bytes.Repeat([]byte{0}, fuzzMax+1)) }),
		fuzzForm(func(w *multipart.Writer) {
			for i := range 20 {
				w.WriteField(fmt.Sprintf("f%d", i), "x")
			}
			file(w, "rapport.xlsx", xlsx)
		}),
		fuzzForm(func(w *multipart.Writer) { w.WriteField("municipality", strings.Repeat("9", 2000)) }),
		fuzzForm(func(*multipart.Writer) {}),
		[]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n\r\nPK"),
	}
}

// FuzzReadUpload sends arbitrary multipart bodies through the body limit
// and web.ReadUpload, as the upload routes do. Whatever comes in, the
// answer is a refusal of kind Invalid or TooLarge with a message, or an
// upload within the limit whose spooled file holds exactly its size, whose
// name is safe to store and show, whose fields are bounded, and whose file
// is gone once closed.
func FuzzReadUpload(f *testing.F) {
	for _, seed := range uploadSeeds() {
		f.Add(seed)
	}
	gin.SetMode(gin.TestMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		r := gin.New()
		r.Use(web.LimitBody(fuzzMax, "/u"))
		r.POST("/u", func(c *gin.Context) {
			up, err := web.ReadUpload(c, fuzzMax, "municipality")
			if err != nil {
				var e *kr.Error
				if !errors.As(err, &e) || (e.Kind != kr.Invalid && e.Kind != kr.TooLarge) || strings.TrimSpace(e.Message) == "" {
					t.Fatalf("not a refusal of the upload: %#v", err)
				}
				return
			}
			checkUpload(t, up)
		})
		req := httptest.NewRequest(http.MethodPost, "/u", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		r.ServeHTTP(httptest.NewRecorder(), req)
	})
}

// checkUpload fails unless up is within the limit, holds its size, has a
// safe name and bounded fields, and leaves no file once closed.
func checkUpload(t *testing.T, up *web.Upload) {
	t.Helper()
	st, err := up.File.Stat()
	if err != nil || up.Size > fuzzMax || st.Size() != up.Size {
		t.Fatalf("upload of %d bytes (limit %d), spooled file %v %v", up.Size, fuzzMax, st, err)
	}
	name := up.FileName
	if name == "" || web.SafeFileName(name) != name || utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, `/\`) ||
		strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
		t.Fatalf("file name %q is not safe to store and show", name)
	}
	if len(up.Field("municipality")) > 1<<10 {
		t.Fatalf("a field of %d bytes", len(up.Field("municipality")))
	}
	path := up.File.Name()
	up.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the spooled file %s is left after Close: %v", path, err)
	}
}
