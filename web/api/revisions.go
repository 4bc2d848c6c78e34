package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/publish"
)

// registerRevisions adds the comparisons of two SMHI releases: one
// municipality's (every year and sector) and every municipality's changed
// years, as JSON and CSV. By default the two newest releases, which the
// snapshot holds; other releases (?from=DATE&to=DATE) are archive
// questions, read from the database in a turn of the cap.
func (a *API) registerRevisions(v1 gin.IRouter) {
	v1.GET("/municipalities/:code/revisions", a.cachedResponse(a.getRevisions))
	v1.GET("/revisions", a.cachedResponse(a.getAllRevisions))
	v1.GET("/revisions.csv", a.cachedResponse(export(csvFormat, a.revisionsTables)))
}

// revisions answers a revisions query for code ("" for every
// municipality): from the snapshot, or from the database when it asks for
// releases the snapshot does not hold.
func (a *API) revisions(c *gin.Context, snap *publish.Snapshot, code string) (figures.Revisions, error) {
	r, older, newer, held, err := snap.Revisions(code, c.Query("from"), c.Query("to"))
	if err != nil || held {
		return r, err
	}
	ctx := c.Request.Context()
	release, err := a.archiveTurn(ctx)
	if err != nil {
		return r, err
	}
	defer release()
	return snap.ArchiveRevisions(ctx, a.Data, code, older, newer)
}

func (a *API) getRevisions(c *gin.Context, snap *publish.Snapshot) error {
	code := c.Param("code")
	r, err := a.revisions(c, snap, code)
	if err == nil {
		c.JSON(http.StatusOK, r.Area(code, snap.Name(code)))
	}
	return err
}

func (a *API) getAllRevisions(c *gin.Context, snap *publish.Snapshot) error {
	r, err := a.revisions(c, snap, "")
	if err == nil {
		c.JSON(http.StatusOK, r.Summary())
	}
	return err
}

// revisionsTables: GET /revisions as one row per municipality, year and
// sector ("" the total) that changed.
func (a *API) revisionsTables(c *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	r, err := a.revisions(c, snap, "")
	if err != nil {
		return "", nil, err
	}
	var from, to string
	if r.From != nil {
		from = r.From.ReleaseDate
	}
	if r.To != nil {
		to = r.To.ReleaseDate
	}
	t := table{Sheet: "Revideringar", Columns: []column{
		{"substance", "Ämne", 8}, {"unit", "Enhet", 12}, {"from", "Äldre publicering", 16}, {"to", "Nyare publicering", 16},
		{"municipality", "Kod", 8}, {"name", "Namn", 22}, {"sector", "Sektor", 36}, {"year", "År", 8},
		{"status", "Ändring", 10}, {"before", "Före (ton)", 16}, {"after", "Efter (ton)", 16},
		{"change", "Skillnad (ton)", 16}, {"percent", "Skillnad (%)", 12},
	}}
	for _, ar := range r.Areas {
		for _, rv := range ar.Revisions {
			if rv.Status == analytics.RevisionUnchanged {
				continue
			}
			t.Rows = append(t.Rows, []any{r.Substance, r.Unit, from, to, ar.Code, ar.Name, rv.Sector, rv.Year,
				rv.Status, rv.Before, rv.After, rv.Change, rv.Percent})
		}
	}
	return "revideringar", []table{t}, nil
}
