// Package apidoc serves /api: the API described for people, in Swedish,
// rendered from the same OpenAPI document that /api/v1/openapi.json serves
// (package openapi), so that there is no second copy to keep in step:
// every operation with its method and path, what it does, its parameters,
// what it answers (statuses, content types, the fields of a JSON answer)
// and an example request. The page needs no JavaScript; it is rendered
// once per binary and served with an ETag.
package apidoc

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/api/openapi"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = site.MustParse(templateFS, nil, nil, "api")

// Page serves /api.
type Page struct {
	Log *slog.Logger
	// render is the page, rendered once from the document.
	render func() ([]byte, error)
}

// Register adds GET /api.
func (p *Page) Register(r gin.IRouter) {
	if p.Log == nil {
		p.Log = slog.Default()
	}
	p.render = sync.OnceValues(func() ([]byte, error) {
		doc, err := openapi.Load()
		if err != nil {
			return nil, err
		}
		return templates.Execute("api", viewOf(doc.T))
	})
	r.GET("/api", p.serve)
}

func (p *Page) serve(c *gin.Context) {
	body, err := p.render()
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	if site.SignedIn(c) {
		site.SendSignedIn(c, p.Log, http.StatusOK, body)
		return
	}
	site.SetHeaders(c)
	sum := sha256.Sum256(body)
	publish.ServeBytes(c.Writer, c.Request, "text/html; charset=utf-8", `"`+hex.EncodeToString(sum[:12])+`"`,
		"public, max-age=0, must-revalidate", body, nil, nil)
}

// view is the page's data.
type view struct {
	site.Frame
	Intro string
	Tags  []tag
}

// tag is a group of operations (the document's tags; "Övrigt" for those
// without one).
type tag struct {
	Name, ID   string
	Operations []operation
}

type operation struct {
	ID, Method, Path, Summary, Description string
	Example, ExampleHref                   string // a request with the parameters' examples; a link for GETs
	SignIn                                 bool   // needs an account or a token
	Parameters                             []parameter
	Responses                              []response
}

type parameter struct {
	Name, In, Type, Description, Example string
	Required                             bool
}

type response struct {
	Status, Description string
	ContentTypes        []string
	Fields              []field // of a JSON object answer
}

type field struct {
	Name, Type string
	Required   bool
}

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// viewOf lays out the document by tag, the operations of each by path and
// method.
func viewOf(doc *openapi3.T) *view {
	v := &view{Frame: site.Frame{Title: "API", Description: "Klimatkommunernas öppna API: varje adress, parameter och svar."}}
	if doc.Info != nil {
		v.Intro = doc.Info.Description
	}
	byTag := map[string]*tag{}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, m := range methods {
			op := item.GetOperation(m)
			if op == nil {
				continue
			}
			name := "Övrigt"
			if len(op.Tags) > 0 {
				name = op.Tags[0]
			}
			tg := byTag[name]
			if tg == nil {
				tg = &tag{Name: name, ID: anchor(name)}
				byTag[name] = tg
			}
			tg.Operations = append(tg.Operations, operationOf(doc, m, path, item, op))
		}
	}
	for _, tg := range byTag {
		v.Tags = append(v.Tags, *tg)
	}
	slices.SortFunc(v.Tags, func(a, b tag) int { return cmp.Compare(a.Name, b.Name) })
	return v
}

func operationOf(doc *openapi3.T, method, path string, item *openapi3.PathItem, op *openapi3.Operation) operation {
	o := operation{ID: anchor(method + path), Method: method, Path: path, Summary: op.Summary, Description: op.Description,
		SignIn: op.Security != nil && len(*op.Security) > 0}
	q := url.Values{}
	example := path
	for _, ref := range append(slices.Clone(item.Parameters), op.Parameters...) {
		p := ref.Value
		if p == nil {
			continue
		}
		par := parameter{Name: p.Name, In: where[p.In], Description: p.Description, Required: p.Required, Example: exampleText(p.Example)}
		if p.Schema != nil && p.Schema.Value != nil {
			par.Type = typeOf(p.Schema.Value)
		}
		o.Parameters = append(o.Parameters, par)
		switch {
		case p.In == openapi3.ParameterInPath:
			example = strings.ReplaceAll(example, "{"+p.Name+"}", par.Example)
		case p.In == openapi3.ParameterInQuery && par.Example != "":
			for _, e := range strings.Split(par.Example, ", ") {
				q.Add(p.Name, e)
			}
		}
	}
	if len(q) > 0 {
		example += "?" + q.Encode()
	}
	o.Example = method + " " + example
	if method == http.MethodGet && !o.SignIn {
		o.ExampleHref = example
	}
	for _, status := range statuses(op.Responses) {
		o.Responses = append(o.Responses, responseOf(status, op.Responses.Value(status)))
	}
	return o
}

// where names a parameter's place in Swedish.
var where = map[string]string{openapi3.ParameterInPath: "i sökvägen", openapi3.ParameterInQuery: "i frågan", openapi3.ParameterInHeader: "i huvudet"}

// statuses are an operation's response statuses in order.
func statuses(rs *openapi3.Responses) []string {
	out := make([]string, 0, rs.Len())
	for s := range rs.Map() {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func responseOf(status string, ref *openapi3.ResponseRef) response {
	r := response{Status: status}
	if ref == nil || ref.Value == nil {
		return r
	}
	if ref.Value.Description != nil {
		r.Description = *ref.Value.Description
	}
	for ct, mt := range ref.Value.Content {
		r.ContentTypes = append(r.ContentTypes, ct)
		if ct == "application/json" && mt.Schema != nil && mt.Schema.Value != nil && !strings.HasPrefix(status, "4") && !strings.HasPrefix(status, "5") {
			r.Fields = fieldsOf(mt.Schema.Value)
		}
	}
	slices.Sort(r.ContentTypes)
	return r
}

// fieldsOf are the top-level fields of an object schema.
func fieldsOf(s *openapi3.Schema) []field {
	var out []field
	for name, p := range s.Properties {
		f := field{Name: name, Required: slices.Contains(s.Required, name)}
		if p.Value != nil {
			f.Type = typeOf(p.Value)
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b field) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// typeOf is a schema's type in words: "heltal", "lista av text", "text
// eller null".
func typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(*s.Type) == 0 {
		if len(s.AnyOf)+len(s.OneOf) > 0 {
			return "objekt"
		}
		return ""
	}
	var words []string
	for _, t := range *s.Type {
		w := typeWords[t]
		if t == openapi3.TypeArray && s.Items != nil && s.Items.Value != nil {
			if it := typeOf(s.Items.Value); it != "" {
				w += " av " + it
			}
		}
		words = append(words, w)
	}
	return strings.Join(words, " eller ")
}

var typeWords = map[string]string{openapi3.TypeString: "text", openapi3.TypeInteger: "heltal", openapi3.TypeNumber: "tal",
	openapi3.TypeBoolean: "sant/falskt", openapi3.TypeArray: "lista", openapi3.TypeObject: "objekt", openapi3.TypeNull: "null"}

// exampleText is a parameter's example as text; a list's values are
// separated by ", ".
func exampleText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = exampleText(e)
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// anchor is an id for a fragment link: lower case letters and digits, the
// rest as hyphens.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'å', r == 'ä':
			b.WriteRune('a')
		case r == 'ö':
			b.WriteRune('o')
		default:
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
