package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/members"
)

// municipality is one entry of GET /api/v1/municipalities.
type municipality struct {
	kr.Municipality
	Member *memberStatus `json:"member"`
}

type memberStatus struct {
	Kind     string `json:"kind"`
	Joined   string `json:"joined"`
	Observer bool   `json:"observer"`
	Active   bool   `json:"active"`
}

func (a *API) listMunicipalities(c *gin.Context) {
	ctx := c.Request.Context()
	munis, err := a.Data.National.Municipalities(ctx)
	if err != nil {
		a.fail(c, err)
		return
	}
	ms, err := a.Members.All(ctx)
	if err != nil {
		a.fail(c, err)
		return
	}
	byCode := map[string]members.Member{}
	for _, m := range ms {
		byCode[m.Code] = m
	}
	today := time.Now()
	out := make([]municipality, len(munis))
	for i, m := range munis {
		out[i] = municipality{Municipality: m}
		if mem, ok := byCode[m.Code]; ok {
			out[i].Member = &memberStatus{Kind: mem.Kind, Joined: mem.Joined.Format(time.DateOnly), Observer: mem.Observer(today), Active: mem.Active(today)}
		}
	}
	c.JSON(http.StatusOK, gin.H{"municipalities": out})
}

// emissionsQuery reads the query string of GET /api/v1/emissions.
func emissionsQuery(c *gin.Context) (analytics.EmissionsQuery, error) {
	q := analytics.EmissionsQuery{Source: c.Query("source"), Codes: c.QueryArray("municipality"), Substance: c.Query("substance")}
	for _, code := range q.Codes {
		if code != "00" && !codeRe.MatchString(code) {
			return q, kr.E(kr.Invalid, "%q är ingen kommunkod (fyra siffror) eller länskod (två siffror).", code)
		}
	}
	var err error
	if q.From, err = yearParam(c, "from"); err != nil {
		return q, err
	}
	if q.To, err = yearParam(c, "to"); err != nil {
		return q, err
	}
	switch c.Query("by") {
	case "", "total":
	case "sector":
		q.BySector = true
	default:
		return q, kr.E(kr.Invalid, "by kan vara total eller sector.")
	}
	q.PerCapita = c.Query("per_capita") == "true"
	if r := c.Query("release"); r != "" {
		if q.Release, err = time.Parse(time.DateOnly, r); err != nil {
			return q, kr.E(kr.Invalid, "release ska vara ett datum, ÅÅÅÅ-MM-DD.")
		}
	}
	return q, nil
}

func yearParam(c *gin.Context, name string) (int, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < kr.FirstYear || y > 2100 {
		return 0, kr.E(kr.Invalid, "%s ska vara ett årtal mellan %d och 2100.", name, kr.FirstYear)
	}
	return y, nil
}

func (a *API) getEmissions(c *gin.Context) {
	q, err := emissionsQuery(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	e, err := a.Data.Emissions(c.Request.Context(), q)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, e)
}
