package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

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
	srv := web.New(web.Config{Version: "test", MetricsToken: metricsToken}, nil, log)
	srv.Router.Use(web.Deadline(time.Minute, time.Hour, "/upload"), web.LimitBody(maxUpload, "/upload"), web.CrossOrigin())
	srv.Router.POST("/form", func(c *gin.Context) {
		if c.PostForm("message") == "" {
			web.Fail(c, log, kr.E(kr.Invalid, "Formuläret kom inte fram helt."))
			return
		}
		c.Redirect(http.StatusSeeOther, "/")
	})
	srv.Router.POST("/upload", func(c *gin.Context) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		up, err := web.ReadUpload(c, maxUpload, "municipality")
		runtime.ReadMemStats(&after)
		if err != nil {
			web.Fail(c, log, err)
			return
		}
		defer up.Close()
		b, _ := io.ReadAll(io.NewSectionReader(up.File, 0, up.Size))
		c.JSON(http.StatusCreated, gin.H{"name": up.FileName, "bytes": len(b), "municipality": up.Field("municipality"),
			"allocated": after.TotalAlloc - before.TotalAlloc})
	})
	srv.Router.GET("/deadline", func(c *gin.Context) {
		d, ok := c.Request.Context().Deadline()
		c.JSON(http.StatusOK, gin.H{"deadline": ok, "in": time.Until(d).Seconds()})
	})
	ts := httptest.NewServer(srv.Router)
	t.Cleanup(ts.Close)
	return ts
}

const metricsToken = "metrics-token-0123456789"

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
	emptyInput := func() *http.Request {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.CreateFormFile("file", "")
		mw.Close()
		r, _ := http.NewRequest("POST", ts.URL+"/upload", &b)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		return r
	}()
	for name, req := range map[string]*http.Request{
		"another field":           multipartUpload(t, ts.URL+"/upload", "arbetsbok", []byte("x")),
		"a file input left empty": emptyInput,
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

// TestUploadWithoutRoom: when the service cannot keep the upload (no
// temporary directory), the answer says it is the service's trouble, 503,
// not that the sender's file was broken.
func TestUploadWithoutRoom(t *testing.T) {
	ts := shell(t, 1<<20)
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "finns-inte"))
	status, body := send(t, multipartUpload(t, ts.URL+"/upload", "file", []byte("x")))
	if status != http.StatusServiceUnavailable || !strings.Contains(body.Error.Message, "Försök igen") {
		t.Errorf("no temporary directory: %d %+v, want 503 with a Swedish message", status, body.Error)
	}
}

type uploaded struct {
	Name, Municipality string
	Bytes              int
	Allocated          uint64
}

func sendUpload(t *testing.T, req *http.Request) (int, uploaded) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var up uploaded
	json.NewDecoder(resp.Body).Decode(&up)
	return resp.StatusCode, up
}

// TestReadUploadStreams: an upload is read as it arrives, into a temporary
// file, which is gone when the request ends: reading a 16 MB upload
// allocates a small buffer, not the file (on main, gin's form parser held
// it and io.ReadAll copied it: 66 MB allocated). Text fields the route
// asks for come along, whichever their place.
func TestReadUploadStreams(t *testing.T) {
	const max = 20 << 20
	spool := t.TempDir()
	t.Setenv("TMPDIR", spool)
	ts := shell(t, max)
	content := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MB
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file", "rapport.xlsx")
	w.Write(content)
	mw.WriteField("municipality", "1281")
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/upload", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, up := sendUpload(t, req)
	if status != http.StatusCreated || up.Bytes != len(content) || up.Municipality != "1281" {
		t.Fatalf("16 MB upload: %d %+v", status, up)
	}
	if left, err := os.ReadDir(spool); err != nil || len(left) != 0 {
		t.Errorf("the upload left %d files behind (%v)", len(left), err)
	}
	t.Logf("reading a %d MB upload allocated %.1f MB", len(content)>>20, float64(up.Allocated)/(1<<20))
	if up.Allocated > 4<<20 {
		t.Errorf("reading a %d MB upload allocated %.1f MB: the file was held in memory", len(content)>>20, float64(up.Allocated)/(1<<20))
	}
}

// TestUploadFileNames: the name a file is sent with is stored and shown
// as its last path element, without control characters, at most 200
// characters, never a path.
func TestUploadFileNames(t *testing.T) {
	for sent, want := range map[string]string{
		"rapport 2025.xlsx":                 "rapport 2025.xlsx",
		"../../etc/passwd.xlsx":             "passwd.xlsx",
		`C:\Users\anna\Skrivbord\lund.xlsx`: "lund.xlsx",
		"a\x00b\x1b[31m.xlsx":               "ab[31m.xlsx",
		"\u202egpj.xlsx":                    "gpj.xlsx",
		"..":                                "arbetsbok.xlsx",
		"":                                  "arbetsbok.xlsx",
		"<script>alert(1)</script>.xlsx":    "script>.xlsx",
		strings.Repeat("å", 300) + ".xlsx":  strings.Repeat("å", 200),
		"Lunds kommun – utsläpp (slutlig).xlsx": "Lunds kommun – utsläpp (slutlig).xlsx",
	} {
		if got := web.SafeFileName(sent); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", sent, got, want)
		}
	}
}

// TestFormBodyLimit: routes that take no workbook take a small body: a
// form of 100 kB is refused at once with 413 and a Swedish message (on
// main every route took the workbook limit, 21 MB), one of 10 kB goes
// through.
func TestFormBodyLimit(t *testing.T) {
	ts := shell(t, 20<<20)
	for size, want := range map[int]int{10 << 10: http.StatusSeeOther, 100 << 10: http.StatusRequestEntityTooLarge} {
		req, _ := http.NewRequest("POST", ts.URL+"/form", strings.NewReader("message="+strings.Repeat("a", size)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, body := send(t, req)
		if status != want {
			t.Errorf("a form of %d kB: %d, want %d", size>>10, status, want)
		}
		if status == http.StatusRequestEntityTooLarge && !strings.Contains(body.Error.Message, "för stort") {
			t.Errorf("a form too large: %+v", body.Error)
		}
		// Without a declared length the cap cuts it off while it is read.
		req, _ = http.NewRequest("POST", ts.URL+"/form", io.NopCloser(strings.NewReader("message="+strings.Repeat("a", size))))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if status, _ := send(t, req); status == http.StatusSeeOther && size > web.FormLimit {
			t.Errorf("a streamed form of %d kB went through", size>>10)
		}
	}
}

// TestDeadline: every request's context has a deadline (on main none had
// one, so a stuck database call held its request for ever).
func TestDeadline(t *testing.T) {
	ts := shell(t, 1<<20)
	resp, err := http.Get(ts.URL + "/deadline")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Deadline bool
		In       float64
	}
	json.NewDecoder(resp.Body).Decode(&got)
	if !got.Deadline || got.In <= 0 || got.In > 60 {
		t.Fatalf("a read's context: %+v, want a deadline within a minute", got)
	}
}

// TestMetricsToken: with a token configured, /metrics answers only to it
// (on main anyone could read it).
func TestMetricsToken(t *testing.T) {
	ts := shell(t, 1<<20)
	// The right token last: the request counter appears in /metrics once
	// a request has been counted.
	for _, c := range []struct {
		token string
		want  int
	}{{"", 401}, {"fel-token", 401}, {metricsToken + "x", 401}, {metricsToken, 200}} {
		token, want := c.token, c.want
		req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics with %q: %d, want %d", token, resp.StatusCode, want)
		}
		if want == 200 && !strings.Contains(string(body), "klimatrapport_http_requests_total") {
			t.Errorf("/metrics with the token: %.200s", body)
		}
	}
}
