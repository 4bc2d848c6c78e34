package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/publish"
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
	Example  bool   `json:"example,omitempty"` // members.Member.Example
}

func (a *API) listMunicipalities(c *gin.Context, snap *publish.Snapshot) error {
	out := make([]municipality, len(snap.Municipalities))
	for i, m := range snap.Municipalities {
		out[i] = municipality{Municipality: m}
		if mem, ok := snap.Member(m.Code); ok {
			out[i].Member = &memberStatus{Kind: mem.Kind, Joined: mem.Joined.Format(time.DateOnly), Observer: mem.Observer(snap.Today), Active: mem.Active(snap.Today),
				Example: mem.Example}
		}
	}
	c.JSON(http.StatusOK, gin.H{"municipalities": out})
	return nil
}

// yearParam is a query parameter that is a year, and where it goes.
type yearParam struct {
	name string
	year *int
}

// queryYears reads year parameters (0 when not given).
func queryYears(c *gin.Context, params ...yearParam) error {
	for _, p := range params {
		y, err := publish.ParseYear(p.name, c.Query(p.name))
		if err != nil {
			return err
		}
		*p.year = y
	}
	return nil
}

// emissionsQuery reads the query string of GET /api/v1/emissions.
func emissionsQuery(c *gin.Context) (figures.EmissionsQuery, error) {
	q := figures.EmissionsQuery{Source: c.Query("source"), Codes: c.QueryArray("municipality"), Substance: c.Query("substance")}
	for _, code := range q.Codes {
		if code != "00" && !codeRe.MatchString(code) {
			return q, kr.E(kr.Invalid, "%q är ingen kommunkod (fyra siffror) eller länskod (två siffror).", code)
		}
	}
	if err := queryYears(c, yearParam{"from", &q.From}, yearParam{"to", &q.To}); err != nil {
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
		var err error
		if q.Release, err = time.Parse(time.DateOnly, r); err != nil {
			return q, kr.E(kr.Invalid, "release ska vara ett datum, ÅÅÅÅ-MM-DD.")
		}
	}
	return q, nil
}

// emissions answers GET /emissions's query: from the snapshot when it
// holds the figures asked for, else (an archive question) from the
// database within the cap on archive questions.
func (a *API) emissions(c *gin.Context, snap *publish.Snapshot) (figures.Emissions, error) {
	q, err := emissionsQuery(c)
	if err != nil {
		return figures.Emissions{}, err
	}
	ctx := c.Request.Context()
	if e, held, err := snap.Emissions(ctx, q); held {
		return e, err
	}
	return a.archiveEmissions(ctx, q)
}

func (a *API) getEmissions(c *gin.Context, snap *publish.Snapshot) error {
	e, err := a.emissions(c, snap)
	if err == nil {
		c.JSON(http.StatusOK, e)
	}
	return err
}
