package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// A WarmTarget is an answer rendered ahead, into a new snapshot before it
// is published (publish.Service.AddWarmer), as a GET of Path would render
// it.
type WarmTarget struct {
	Path   string     // the request's path, with its query if any
	Params gin.Params // the route's parameters, as the router would set them
	// Render renders the answer into the snapshot, given a bare request
	// context: the request and the route's parameters, no actor (an
	// anonymous reader's) and no response writer (Render captures the
	// answer itself).
	Render func(c *gin.Context) error
}

// Warm renders the targets in order; it stops at the first error or when
// ctx ends (the warmers' time is bounded).
func Warm(ctx context.Context, targets []WarmTarget) error {
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.Path, nil)
		if err != nil {
			return err
		}
		if err := t.Render(&gin.Context{Request: req, Params: t.Params}); err != nil {
			return err
		}
	}
	return nil
}
