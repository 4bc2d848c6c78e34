package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestAnnotatedCopyAnswers: the annotated copy is built once, however often
// it is fetched (on main every request opened and annotated the stored file
// again); a file that could not be read has none (409, in Swedish, on main
// it was opened again and answered 422), and its original still downloads.
func TestAnnotatedCopyAnswers(t *testing.T) {
	testworld.Engines(t, testworld.Options{MaxUploadMB: 2}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, staticTokens)
		var rejected result
		upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, report("1281", true))).json(t, &rejected)
		var first []byte
		for range 3 {
			r := get(t, ts.URL+"/api/v1/submissions/"+rejected.Submission.ID+"/annotated.xlsx", lundToken)
			if r.status != 200 || (first != nil && !bytes.Equal(r.body, first)) {
				t.Fatalf("annotated: %d, %d bytes", r.status, len(r.body))
			}
			first = r.body
		}
		if n := w.Submissions.AnnotatedBuilds(); n != 1 {
			t.Errorf("3 requests built %d annotated copies, want 1", n)
		}

		pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n")
		var unreadable result
		upload(t, ts.URL, lundToken, "rapport.xlsx", pdf).json(t, &unreadable)
		r := get(t, ts.URL+"/api/v1/submissions/"+unreadable.Submission.ID+"/annotated.xlsx", lundToken)
		var e result
		r.json(t, &e)
		if r.status != 409 || !strings.Contains(e.Error.Message, "ingen uppmärkt kopia") {
			t.Errorf("annotated copy of a PDF: %d %s", r.status, r.body)
		}
		if r := get(t, ts.URL+"/api/v1/submissions/"+unreadable.Submission.ID+"/file", lundToken); r.status != 200 || !bytes.Equal(r.body, pdf) {
			t.Errorf("the original of a PDF: %d, %d bytes", r.status, len(r.body))
		}
		if n := w.Submissions.AnnotatedBuilds(); n != 1 {
			t.Errorf("the PDF was opened to annotate it: %d builds", n)
		}
	})
}

// TestBlankTemplateCached: the template without a municipality's data is
// the same for everyone: built once per year and sent cacheable (on main
// it was built for every request, with no Cache-Control).
func TestBlankTemplateCached(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, "")
		a := get(t, ts.URL+"/api/v1/template.xlsx?year=2025", "")
		b := get(t, ts.URL+"/api/v1/template.xlsx?year=2025", "")
		if a.status != 200 || !bytes.Equal(a.body, b.body) || !strings.Contains(a.header.Get("Cache-Control"), "public, max-age=") ||
			!strings.Contains(a.header.Get("Content-Disposition"), "klimatrapport-2025.xlsx") {
			t.Fatalf("blank template: %d %v, same bytes twice: %v", a.status, a.header, bytes.Equal(a.body, b.body))
		}
		if c := get(t, ts.URL+"/api/v1/template.xlsx?year=2024", ""); c.status != 200 || bytes.Equal(c.body, a.body) {
			t.Errorf("another year's template: %d, the same bytes: %v", c.status, bytes.Equal(c.body, a.body))
		}
	})
}

// TestBusyUpload: with room for one parse and one under way, an upload
// that waited its queue time is answered 503 with Retry-After and a
// Swedish message, and nothing of it is stored.
func TestBusyUpload(t *testing.T) {
	testworld.Engines(t, testworld.Options{MaxUploadMB: 2}, func(t *testing.T, w *testworld.World) {
		w.Submissions.Parallel, w.Submissions.QueueTimeout = 1, 100*time.Millisecond
		l := w.StallFirstUpload()
		ts := w.Serve(t, staticTokens)
		done := make(chan response, 1)
		go func() { done <- upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, report("1281", false))) }()
		<-l.Stalled
		r := upload(t, ts.URL, malmoToken, "malmo.xlsx", templateFile(t, report("1280", false)))
		var e result
		r.json(t, &e)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || e.Error.Code != "busy" ||
			!strings.Contains(e.Error.Message, "Försök igen") {
			t.Errorf("an upload while the parser is taken: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		l.Resume()
		if r := <-done; r.status != http.StatusCreated {
			t.Errorf("the upload that held the parser: %d %s", r.status, r.body)
		}
		if versions, err := w.Submissions.List(t.Context(), "1280"); err != nil || len(versions) != 0 {
			t.Errorf("the busy upload left %d versions (%v)", len(versions), err)
		}
	})
}
