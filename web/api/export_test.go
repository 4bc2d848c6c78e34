package api

import (
	"context"

	"github.com/klimatkommunerna/klimatrapport/publish"
)

// Params are the query parameters of the cached answers' keys.
var Params = apiParams

// Warm renders the API's default answers into snap, as its warmer does.
func (a *API) Warm(ctx context.Context, snap *publish.Snapshot) error {
	return a.warm(ctx, snap, a.publicRoutes())
}
