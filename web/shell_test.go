package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// shell is the HTTP shell with the body limit and the cross-origin check,
// and two routes: a form that answers 303 and an upload that answers with
// the file's size or the error.
func shell(t *testing.T, maxUpload int64) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := web.New(web.Config{Version: "test"}, nil, log)
	srv.Router.Use(web.LimitBody(maxUpload), web.CrossOrigin())
	srv.Router.POST("/form", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/") })
	srv.Router.POST("/upload", func(c *gin.Context) {
		up, err := web.ReadUpload(c, maxUpload)
		if err != nil {
			web.Fail(c, log, err)
			return
		}
		c.JSON(http.StatusCreated, gin.H{"name": up.FileName, "bytes": len(up.Content)})
	})
	ts := httptest.NewServer(srv.Router)
	t.Cleanup(ts.Close)
	return ts
}

func send(t *testing.T, req *http.Request) (int, web.ErrorBody) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body web.ErrorBody
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// TestCrossOrigin: a form sent from the page's own origin goes through; one
// that another site makes the visitor's browser send is refused with a
// Swedish 403, whether the browser says so with Sec-Fetch-Site or only with
// Origin; a program without those headers (an API client) goes through.
func TestCrossOrigin(t *testing.T) {
	ts := shell(t, 1<<20)
	for _, c := range []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": ts.URL}, http.StatusSeeOther},
		{"typed address", map[string]string{"Sec-Fetch-Site": "none"}, http.StatusSeeOther},
		{"same origin, Origin only", map[string]string{"Origin": ts.URL}, http.StatusSeeOther},
		{"no browser", nil, http.StatusSeeOther},
		{"cross site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://elak.example"}, http.StatusForbidden},
		{"same site, other origin", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://annan.example"}, http.StatusForbidden},
		{"other origin, Origin only", map[string]string{"Origin": "https://elak.example"}, http.StatusForbidden},
	} {
		req, _ := http.NewRequest("POST", ts.URL+"/form", strings.NewReader("message=hej"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		status, body := send(t, req)
		if status != c.status {
			t.Errorf("%s: %d, want %d", c.name, status, c.status)
		}
		if status == http.StatusForbidden && (body.Error.Code != "csrf" || !strings.Contains(body.Error.Message, "annan webbplats")) {
			t.Errorf("%s: refused with %+v, want a Swedish explanation", c.name, body.Error)
		}
	}
	// Reading is never refused: links from other sites work.
	req, _ := http.NewRequest("GET", ts.URL+"/healthz", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if status, _ := send(t, req); status != http.StatusOK {
		t.Errorf("GET from another site: %d", status)
	}
}

func multipartUpload(t *testing.T, url, field string, content []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile(field, "rapport.xlsx")
	w.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// TestReadUpload: one reader, one limit, one message for a file that is
// too large (declared, or found while reading) and one for a missing file.
func TestReadUpload(t *testing.T) {
	const max = 1 << 20
	ts := shell(t, max)
	if status, _ := send(t, multipartUpload(t, ts.URL+"/upload", "file", bytes.Repeat([]byte("x"), max))); status != http.StatusCreated {
		t.Errorf("a file of exactly the limit: %d", status)
	}
	tooLarge := kr.MessageOf(kr.E(kr.TooLarge, "Filen är för stor. Den får vara högst 1 MB."))
	for name, req := range map[string]*http.Request{
		"over the limit":              multipartUpload(t, ts.URL+"/upload", "file", bytes.Repeat([]byte("x"), max+1)),
		"over the limit and the form": multipartUpload(t, ts.URL+"/upload", "file", bytes.Repeat([]byte("x"), 3*max)),
	} {
		status, body := send(t, req)
		if status != http.StatusRequestEntityTooLarge || body.Error.Message != tooLarge {
			t.Errorf("%s: %d %+v", name, status, body.Error)
		}
	}
	// A body without a declared length is cut off while it is read.
	req := multipartUpload(t, ts.URL+"/upload", "file", bytes.Repeat([]byte("x"), 3*max))
	req.ContentLength = -1
	req.Body = io.NopCloser(req.Body)
	if status, body := send(t, req); status != http.StatusRequestEntityTooLarge || body.Error.Message != tooLarge {
		t.Errorf("streamed over the limit: %d %+v", status, body.Error)
	}
	for name, req := range map[string]*http.Request{
		"another field": multipartUpload(t, ts.URL+"/upload", "arbetsbok", []byte("x")),
		"not a form": func() *http.Request {
			r, _ := http.NewRequest("POST", ts.URL+"/upload", strings.NewReader("x=1"))
			return r
		}(),
	} {
		status, body := send(t, req)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body.Error.Message, "Ingen fil kom med") {
			t.Errorf("%s: %d %+v", name, status, body.Error)
		}
	}
}
