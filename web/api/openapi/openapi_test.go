package openapi

import (
	"strings"
	"testing"
	"testing/fstest"
)

// The embedded fragments merge into a document that loads and passes the
// library's validation of OpenAPI 3.1.
func TestDocumentValid(t *testing.T) {
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if doc.T.OpenAPI != Version || len(doc.T.Paths.Map()) == 0 {
		t.Fatalf("openapi %q with %d paths", doc.T.OpenAPI, len(doc.T.Paths.Map()))
	}
	if !strings.HasPrefix(doc.ETag, `"`) || !strings.HasSuffix(doc.ETag, `"`) {
		t.Errorf("ETag %s is not quoted", doc.ETag)
	}
}

// A path or a component in two fragments, a key no fragment may have, or a
// document the library finds invalid refuses the whole description, naming
// the fragment.
func TestBadFragmentsRefused(t *testing.T) {
	const a = "paths:\n  /api/v1/a:\n    get:\n      responses:\n        '200':\n          description: ok\n"
	const schema = "components:\n  schemas:\n    Thing:\n      type: object\n"
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"duplicate path":   {map[string]string{"a.yaml": a, "b.yaml": a}, `b.yaml: paths "/api/v1/a" is already in a.yaml`},
		"duplicate schema": {map[string]string{"a.yaml": schema, "b.yaml": schema}, `b.yaml: schemas "Thing" is already in a.yaml`},
		"other key":        {map[string]string{"a.yaml": "info:\n  title: x\n"}, `a.yaml: "info" is not for a fragment`},
		"other component":  {map[string]string{"a.yaml": "components:\n  examples:\n    x: {}\n"}, "a.yaml: components.examples"},
		"not yaml":         {map[string]string{"a.yaml": "paths: [\n"}, "a.yaml"},
		"invalid document": {map[string]string{"a.yaml": "paths:\n  /api/v1/a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Missing'\n"}, "openapi"},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range c.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			_, err := build(fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
		})
	}
}
