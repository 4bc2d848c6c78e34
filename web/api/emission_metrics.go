package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/publish"
)

// registerEmissionMetrics adds the routes of the emission metrics: a
// municipality's metrics, the ranking, and CSV and XLSX exports of every
// table-shaped answer. Answers are cached per data generation (see
// publish.Service); GET /emissions is cached by Register through
// cachedResponse as well.
func (a *API) registerEmissionMetrics(v1 gin.IRouter) {
	if a.Metrics == nil {
		// Not wired to commit hooks: check the data fingerprint on every
		// request, so answers are never stale.
		a.Metrics = &publish.Service{Data: a.Data, Members: a.Members, ProbeInterval: 0}
	}
	v1.GET("/municipalities/:code/metrics", a.cachedResponse(a.getMetrics))
	v1.GET("/municipalities/:code/metrics.csv", a.cachedResponse(a.exportMetrics(csvFormat)))
	v1.GET("/municipalities/:code/metrics.xlsx", a.cachedResponse(a.exportMetrics(xlsxFormat)))
	v1.GET("/ranking", a.cachedResponse(a.getRanking))
	v1.GET("/ranking.csv", a.cachedResponse(a.exportRanking(csvFormat)))
	v1.GET("/ranking.xlsx", a.cachedResponse(a.exportRanking(xlsxFormat)))
	v1.GET("/emissions.csv", a.cachedResponse(a.exportEmissions(csvFormat)))
	v1.GET("/emissions.xlsx", a.cachedResponse(a.exportEmissions(xlsxFormat)))
	v1.GET("/municipalities.csv", a.cachedResponse(a.exportMunicipalities(csvFormat)))
	v1.GET("/municipalities.xlsx", a.cachedResponse(a.exportMunicipalities(xlsxFormat)))
}

// snapshot returns the current data snapshot or writes the error.
func (a *API) snapshot(c *gin.Context) (*publish.Snapshot, bool) {
	snap, err := a.Metrics.Snapshot(c.Request.Context())
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	return snap, true
}

// municipalityReport answers GET /municipalities/{code}/metrics's query,
// or writes the error.
func (a *API) municipalityReport(c *gin.Context) (*publish.MunicipalityReport, bool) {
	snap, ok := a.snapshot(c)
	if !ok {
		return nil, false
	}
	asOf, err := publish.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	rep, err := snap.MunicipalityReport(c.Request.Context(), c.Param("code"), asOf)
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	return rep, true
}

func (a *API) getMetrics(c *gin.Context) {
	if rep, ok := a.municipalityReport(c); ok {
		c.JSON(http.StatusOK, rep)
	}
}

// rankingQuery reads GET /api/v1/ranking's query string.
func rankingQuery(c *gin.Context) (publish.RankingQuery, error) {
	q := publish.RankingQuery{Metric: c.Query("metric"), Source: c.Query("source")}
	var err error
	if q.Year, err = publish.ParseYear("year", c.Query("year")); err != nil {
		return q, err
	}
	if q.AsOf, err = publish.ParseYear("as_of", c.Query("as_of")); err != nil {
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

// ranking answers GET /ranking's query, or writes the error.
func (a *API) ranking(c *gin.Context) (*publish.Ranking, bool) {
	snap, ok := a.snapshot(c)
	if !ok {
		return nil, false
	}
	q, err := rankingQuery(c)
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	r, err := snap.Ranking(c.Request.Context(), q)
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	return r, true
}

func (a *API) getRanking(c *gin.Context) {
	if r, ok := a.ranking(c); ok {
		c.JSON(http.StatusOK, r)
	}
}
