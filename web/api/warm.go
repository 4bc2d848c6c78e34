package api

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// The API's answers behind the default pages are rendered into every new
// snapshot before it is published (publish.Service.AddWarmer), each under
// the key its request uses (and compressed once, as everything warmed is), so that the first request
// after a change is served from memory: every municipality's metrics as
// JSON, CSV and XLSX (the downloads of /kommun/{code}), every county's
// metrics (linked from /lan/{code}), the ranking with
// the API's defaults and with the parameters /rangordning links to, in the
// three formats, and the list of municipalities.

// warm renders the API's default answers into snap.
func (a *API) warm(ctx context.Context, snap *publish.Snapshot, routes map[string]cached) error {
	var targets []web.WarmTarget
	add := func(route, path string, params gin.Params) {
		h, ok := routes[route]
		if !ok { // a route not served is not warmed
			return
		}
		targets = append(targets, web.WarmTarget{Path: path, Params: params, Render: func(c *gin.Context) error {
			_, err := a.body(c, snap, h)
			if errors.As(err, new(uncacheable)) { // an answer that is not kept (an error) is not warmed
				return nil
			}
			return err
		}})
	}
	for _, ext := range []string{"", ".csv", ".xlsx"} {
		add("/ranking"+ext, "/api/v1/ranking"+ext, nil)
	}
	// The ranking with the parameters /rangordning links to, when there is
	// one (no error: with no figures the page has no ranking to link to).
	if rk, err := snap.Ranking(ctx, publish.RankingQuery{Metric: analytics.MetricPerCapita}); err == nil {
		linked := "?" + url.Values{"metric": {rk.Metric.Name}, "year": {strconv.Itoa(rk.Year)}, "source": {rk.Source}, "order": {"asc"}}.Encode()
		for _, ext := range []string{"", ".csv", ".xlsx"} {
			add("/ranking"+ext, "/api/v1/ranking"+ext+linked, nil)
		}
	}
	add("/municipalities", "/api/v1/municipalities", nil)
	for _, m := range snap.Municipalities {
		params := gin.Params{{Key: "code", Value: m.Code}}
		for _, ext := range []string{"", ".csv", ".xlsx"} {
			add("/municipalities/:code/metrics"+ext, "/api/v1/municipalities/"+m.Code+"/metrics"+ext, params)
		}
	}
	for _, cty := range snap.Counties {
		add("/counties/:code/metrics", "/api/v1/counties/"+cty.Code+"/metrics", gin.Params{{Key: "code", Value: cty.Code}})
	}
	return web.Warm(ctx, targets)
}
