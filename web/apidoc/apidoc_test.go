package apidoc_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/api/openapi"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// /api shows every described operation, from the same document
// /api/v1/openapi.json serves, with an example and a link to the document;
// it is the site's page (the frame, the footer link) and needs no script.
func TestAPIPage(t *testing.T) {
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, "")
		r := testworld.Get(t, ts.URL+"/api")
		page := string(r.Body)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%d %s", r.Status, r.Header.Get("Content-Type"))
		}
		for path, item := range doc.T.Paths.Map() {
			for method := range item.Operations() {
				if !strings.Contains(page, "<code>"+method+" "+path+"</code></h3>") {
					t.Errorf("%s %s is not on the page", method, path)
				}
			}
		}
		for _, want := range []string{`href="/api/v1/openapi.json"`, `<a href="/api">API:et beskrivet</a>`, `lang="sv"`,
			`<a href="/api/v1/municipalities/1281/metrics?as_of=2026"><code>GET /api/v1/municipalities/1281/metrics?as_of=2026</code></a>`,
			"<caption>Parametrar till GET /api/v1/emissions</caption>", "<dt>422</dt>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(page) {
			t.Error("the page has an inline script")
		}
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api", nil)
		req.Header.Set("If-None-Match", r.Header.Get("ETag"))
		if r := testworld.Do(t, nil, req); r.Header.Get("ETag") == "" || r.Status != http.StatusNotModified {
			t.Errorf("conditional GET: %d", r.Status)
		}
	})
}
