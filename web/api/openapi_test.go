package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/api/openapi"
)

// ginParam is a path parameter as gin writes it (:code), OpenAPI as {code}.
var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// Every route the binary registers under /api/v1 is described, and every
// described operation is registered: the description cannot drift from
// the code either way.
func TestEveryRouteDescribed(t *testing.T) {
	doc, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for path, item := range doc.T.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		srv := w.Server(web.Config{Version: "test"}, web.StaticTokens{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		registered := map[string]bool{}
		for _, r := range srv.Router.Routes() {
			if strings.HasPrefix(r.Path, "/api/v1/") {
				registered[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
			}
		}
		for _, k := range sortedKeys(registered) {
			if !described[k] {
				t.Errorf("%s is registered but not described in web/api/openapi", k)
			}
		}
		for _, k := range sortedKeys(described) {
			if !registered[k] {
				t.Errorf("%s is described but not registered", k)
			}
		}
	})
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// GET /api/v1/openapi.json is the description, with an ETag that answers
// a conditional request with 304.
func TestOpenAPIServed(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, "")
		r := get(t, ts.URL+"/api/v1/openapi.json", "")
		var doc struct {
			OpenAPI string         `json:"openapi"`
			Paths   map[string]any `json:"paths"`
		}
		r.json(t, &doc)
		if r.status != http.StatusOK || doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/municipalities/{code}/metrics"] == nil {
			t.Fatalf("%d: openapi %q, %d paths", r.status, doc.OpenAPI, len(doc.Paths))
		}
		etag := r.header.Get("ETag")
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/openapi.json", nil)
		req.Header.Set("If-None-Match", etag)
		if r := do(t, req, ""); etag == "" || r.status != http.StatusNotModified {
			t.Fatalf("If-None-Match %s: %d", etag, r.status)
		}
	})
}
