package api

import (
	"context"
	"slices"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/publish"
)

// Params are the query parameters of the cached answers' keys.
var Params = apiParams

// Warm renders the API's default answers into snap as its warmer does,
// those of the routes ending in one of the suffixes only.
func (a *API) Warm(ctx context.Context, snap *publish.Snapshot, suffixes ...string) error {
	routes := a.publicRoutes()
	for r := range routes {
		if !slices.ContainsFunc(suffixes, func(s string) bool { return strings.HasSuffix(r, s) }) {
			delete(routes, r)
		}
	}
	return a.warm(ctx, snap, routes)
}
