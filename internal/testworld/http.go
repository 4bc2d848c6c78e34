package testworld

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// Response is a finished request: status, header and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req with client (http.DefaultClient when nil) and reads the
// whole answer; a request that cannot be sent fails the test.
func Do(t testing.TB, client *http.Client, req *http.Request) Response {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{resp.StatusCode, resp.Header, b}
}

// Get is Do for a GET of url.
func Get(t testing.TB, url string) Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return Do(t, nil, req)
}

// UploadForm is a multipart form with fields and the workbook content as
// the field "file" named name, as the upload form and the API take it; it
// returns the body and its content type.
func UploadForm(fields map[string]string, name string, content []byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(content)
	w.Close()
	return &b, w.FormDataContentType()
}
