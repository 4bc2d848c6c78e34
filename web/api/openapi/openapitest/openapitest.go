// Package openapitest checks, in tests, every answer of the API against
// its OpenAPI description (package openapi), with the same library that
// loads it (kin-openapi): the route and the status must be described, the
// content type must be one the status declares, and a JSON body must match
// its schema. internal/testworld wraps the router it serves with Handler,
// so every request a test sends to /api/v1 is checked; a failure names the
// request, the described route and the JSON pointer of what does not
// match.
package openapitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/klimatkommunerna/klimatrapport/web/api/openapi"
)

// Prefix is where the described API lives.
const Prefix = "/api/v1/"

func init() {
	// The downloads are files: their bodies are not parsed, only their
	// content type is checked.
	for _, ct := range []string{"text/calendar", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// Checker checks answers against the description.
type Checker struct {
	Doc    *openapi.Document
	router routers.Router
}

// New is a Checker of the binary's description.
func New() (*Checker, error) {
	doc, err := openapi.Load()
	if err != nil {
		return nil, err
	}
	r, err := gorillamux.NewRouter(doc.T)
	if err != nil {
		return nil, err
	}
	return &Checker{Doc: doc, router: r}, nil
}

// Check checks one finished answer to req: nil when it is as described or
// req is not under Prefix.
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, Prefix) {
		return nil
	}
	what := req.Method + " " + req.URL.RequestURI()
	route, params, err := c.router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed):
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil // no such route: the router's own refusal
		}
		return fmt.Errorf("%s answered %d, but the route is not described", what, status)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	}
	what += " (" + req.Method + " " + route.Path + ")"
	if route.Operation.Responses.Status(status) == nil {
		return fmt.Errorf("%s answered %d, a status it does not describe", what, status)
	}
	if header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", what, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("%s: gzip: %w", what, err)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s answered %d, not as described:%s", what, status, describe(err))
	}
	return nil
}

// describe lists the schema errors in err, each at its JSON pointer (the
// first maxListed, then how many more).
func describe(err error) string {
	var b strings.Builder
	n := 0
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		var schema *openapi3.SchemaError
		var resp *openapi3filter.ResponseError
		switch {
		case errors.As(err, &multi):
			for _, e := range multi {
				walk(e)
			}
		case errors.As(err, &schema):
			if n++; n <= maxListed {
				fmt.Fprintf(&b, "\n\tat /%s: %s", strings.Join(schema.JSONPointer(), "/"), schema.Reason)
			}
		case errors.As(err, &resp) && resp.Err != nil:
			fmt.Fprintf(&b, "\n\t%s", resp.Reason)
			walk(resp.Err)
		default:
			fmt.Fprintf(&b, "\n\t%v", err)
		}
	}
	walk(err)
	if n > maxListed {
		fmt.Fprintf(&b, "\n\t… and %d more", n-maxListed)
	}
	return b.String()
}

const maxListed = 8

// Handler serves h and checks each of its answers under Prefix, giving
// report what does not match.
func (c *Checker) Handler(h http.Handler, report func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, Prefix) {
			h.ServeHTTP(w, r)
			return
		}
		tw := &tee{ResponseWriter: w}
		h.ServeHTTP(tw, r)
		if tw.status == 0 {
			tw.status = http.StatusOK
		}
		if err := c.Check(r, tw.status, w.Header(), tw.body.Bytes()); err != nil {
			report(err)
		}
	})
}

// tee passes an answer on and keeps a copy of its status and body.
type tee struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *tee) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *tee) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *tee) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (t *tee) Unwrap() http.ResponseWriter { return t.ResponseWriter }
