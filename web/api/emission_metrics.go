package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/publish"
)

// registerEmissionMetrics adds the routes of the public answers (publicRoutes).
// Answers are cached per data generation (see publish.Service), and those
// behind the default pages rendered ahead into every new snapshot (warm).
func (a *API) registerEmissionMetrics(v1 gin.IRouter) {
	routes := a.publicRoutes()
	for path, h := range routes {
		v1.GET(path, a.cachedResponse(h))
	}
	a.Published.AddWarmer(func(ctx context.Context, snap *publish.Snapshot) error { return a.warm(ctx, snap, routes) })
}

// publicRoutes are the answers of public data, by route under /api/v1: the
// municipalities, the emissions, a municipality's metrics, a county's
// metrics (the same shape), the ranking, and CSV and XLSX exports of each
// but the county's.
func (a *API) publicRoutes() map[string]cached {
	routes := map[string]cached{
		"/municipalities": a.listMunicipalities, "/emissions": a.getEmissions,
		"/municipalities/:code/metrics": a.getMetrics, "/ranking": a.getRanking,
		"/counties/:code/metrics": a.getCountyMetrics,
	}
	for path, build := range map[string]tables{
		"/municipalities/:code/metrics": metricsTables, "/ranking": rankingTables,
		"/emissions": a.emissionsTables, "/municipalities": municipalitiesTables,
		"/municipalities/:code/gpc": gpcTables,
	} {
		routes[path+".csv"], routes[path+".xlsx"] = export(csvFormat, build), export(xlsxFormat, build)
	}
	return routes
}

// municipalityReport answers GET /municipalities/{code}/metrics's query.
func municipalityReport(c *gin.Context, snap *publish.Snapshot) (*publish.MunicipalityReport, error) {
	asOf, err := publish.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		return nil, err
	}
	return snap.MunicipalityReport(c.Request.Context(), c.Param("code"), asOf)
}

func (a *API) getMetrics(c *gin.Context, snap *publish.Snapshot) error {
	rep, err := municipalityReport(c, snap)
	if err == nil {
		c.JSON(http.StatusOK, rep)
	}
	return err
}

// getCountyMetrics answers GET /counties/{code}/metrics: a county's
// metrics from SMHI's county figures, as a municipality's are answered.
func (a *API) getCountyMetrics(c *gin.Context, snap *publish.Snapshot) error {
	asOf, err := publish.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		return err
	}
	rep, err := snap.CountyReport(c.Request.Context(), c.Param("code"), asOf)
	if err == nil {
		c.JSON(http.StatusOK, rep)
	}
	return err
}

// rankingQuery reads GET /api/v1/ranking's query string.
func rankingQuery(c *gin.Context) (publish.RankingQuery, error) {
	q := publish.RankingQuery{Metric: c.Query("metric"), Source: c.Query("source")}
	if err := queryYears(c, yearParam{"year", &q.Year}, yearParam{"as_of", &q.AsOf}); err != nil {
		return q, err
	}
	switch c.Query("order") {
	case "", "asc":
	case "desc":
		q.Descending = true
	default:
		return q, kr.E(kr.Invalid, "order kan vara asc (lägst först) eller desc (högst först).")
	}
	return q, nil
}

// ranking answers GET /ranking's query.
func ranking(c *gin.Context, snap *publish.Snapshot) (*publish.Ranking, error) {
	q, err := rankingQuery(c)
	if err != nil {
		return nil, err
	}
	return snap.Ranking(c.Request.Context(), q)
}

func (a *API) getRanking(c *gin.Context, snap *publish.Snapshot) error {
	r, err := ranking(c, snap)
	if err == nil {
		c.JSON(http.StatusOK, r)
	}
	return err
}
