// Package openapi is the OpenAPI 3.1 description of the JSON API under
// /api/v1: one fragment file per group of routes (*.yaml here, embedded),
// each with "paths" and optionally "components" (schemas, parameters,
// responses, headers), merged into one document when it is first asked
// for. A path or a component named in two fragments, or a key other than
// those two, refuses the whole document, so that a bad fragment fails the
// binary's tests and its start; the merged document must pass the
// library's validation of OpenAPI 3.1 too.
//
// The library is kin-openapi (github.com/getkin/kin-openapi): it loads and
// validates 3.1 documents and validates responses against them with JSON
// Schema 2020-12 (through santhosh-tekuri/jsonschema), so one library
// loads the document, checks it, and checks every response of the API
// tests (package openapitest); the alternative, pb33f's libopenapi with
// its validator, brings a larger dependency tree for the same checks.
// Web/apidoc renders the readable page at /api from the same document.
package openapi

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"
)

//go:embed *.yaml
var fragments embed.FS

// Version is the OpenAPI version the document is written in.
const Version = "3.1.0"

// info is the document's info object.
var info = map[string]any{
	"title":   "Klimatrapport API",
	"version": "1",
	"description": "Klimatkommunernas öppna API: SMHI:s utsläpp per kommun, medlemmarnas egna rapporter, " +
		"mått, rangordning, medlemskraven och medlemsregistret. Svaren är JSON (fel som " +
		"{\"error\":{\"code\":…,\"message\":…}}), tabellerna finns även som CSV och Excel. " +
		"Publika svar har ETag och kan hämtas villkorligt (304). Skrivningar kräver inloggning " +
		"(session i webbläsaren) eller Authorization: Bearer TOKEN.",
	"license": map[string]any{"name": "CC BY 4.0 (SMHI:s och SCB:s data enligt deras villkor)", "identifier": "CC-BY-4.0"},
}

// componentKinds are the sections of "components" a fragment may add to.
var componentKinds = []string{"schemas", "parameters", "responses", "headers", "securitySchemes"}

// Document is the merged description: as JSON (served at
// /api/v1/openapi.json, with its ETag) and loaded.
type Document struct {
	JSON []byte
	ETag string // strong, quoted
	T    *openapi3.T
}

// Load merges, loads and validates the embedded fragments, once.
var Load = sync.OnceValues(func() (*Document, error) { return build(fragments) })

// build merges the fragments of fsys (*.yaml) into one document, loads it
// and validates it.
func build(fsys fs.FS) (*Document, error) {
	merged, err := Merge(fsys)
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(merged)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(js)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if err := t.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: the merged document is not valid: %w", err)
	}
	sum := sha256.Sum256(js)
	return &Document{JSON: js, ETag: `"` + hex.EncodeToString(sum[:12]) + `"`, T: t}, nil
}

// Merge is the document the fragments of fsys make, as a JSON-ready tree.
func Merge(fsys fs.FS) (map[string]any, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	paths := map[string]any{}
	components := map[string]any{}
	owner := map[string]string{} // "paths /x", "schemas Error" → fragment
	for _, name := range names {
		frag, err := readFragment(fsys, name)
		if err != nil {
			return nil, err
		}
		for key := range frag {
			if key != "paths" && key != "components" {
				return nil, fmt.Errorf("openapi: %s: %q is not for a fragment (only paths and components)", name, key)
			}
		}
		if err := add(paths, frag["paths"], "paths", name, owner); err != nil {
			return nil, err
		}
		comps, err := asMap(frag["components"], name, "components")
		if err != nil {
			return nil, err
		}
		for kind, v := range comps {
			if !slices.Contains(componentKinds, kind) {
				return nil, fmt.Errorf("openapi: %s: components.%s is not for a fragment", name, kind)
			}
			section, _ := components[kind].(map[string]any)
			if section == nil {
				section = map[string]any{}
				components[kind] = section
			}
			if err := add(section, v, kind, name, owner); err != nil {
				return nil, err
			}
		}
	}
	return map[string]any{"openapi": Version, "info": info, "paths": paths, "components": components}, nil
}

// add puts the entries of v (a map) into into, refusing a name another
// fragment has already given.
func add(into map[string]any, v any, kind, name string, owner map[string]string) error {
	m, err := asMap(v, name, kind)
	if err != nil {
		return err
	}
	for k, x := range m {
		if first, dup := owner[kind+" "+k]; dup {
			return fmt.Errorf("openapi: %s: %s %q is already in %s", name, kind, k, first)
		}
		owner[kind+" "+k] = name
		into[k] = x
	}
	return nil
}

func asMap(v any, name, what string) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi: %s: %s is not a mapping", name, what)
	}
	return m, nil
}

// readFragment parses one fragment; keys that YAML reads as numbers (the
// response statuses) become strings, as JSON has them.
func readFragment(fsys fs.FS, name string) (map[string]any, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", path.Base(name), err)
	}
	m, ok := stringKeys(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapi: %s: not a mapping", name)
	}
	return m, nil
}

func stringKeys(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = stringKeys(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = stringKeys(e)
		}
	}
	return v
}
