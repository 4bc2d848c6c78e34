package pages

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// One county, /lan/{code}: SMHI's county figures as a municipality's page
// shows a municipality's (key figures, trend and Carbon Law, sectors, per
// capita against Sweden and the members), every municipality of the
// county in a table sorted by links (sortera, ordning), the county's
// members, and for a region member its own figures, goals, plans and
// measures.

// lanParams are the query parameters /lan/{code} reads.
var lanParams = []publish.QueryParam{{Name: "as_of"}, {Name: "sortera"}, {Name: "ordning"}}

type lanView struct {
	kommunView
	Municipalities, Members site.Table
}

func (p *Pages) lan(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	asOf, err := publish.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		return "", nil, err
	}
	code := c.Param("code")
	r, err := snap.CountyReport(c.Request.Context(), code, asOf)
	if err != nil {
		return "", nil, err
	}
	sortBy, order, metric, err := sortQuery(c)
	if err != nil {
		return "", nil, err
	}
	name := r.Municipality.Name
	av, err := newAreaView(snap, r, areaFrame(snap, r, "Utsläpp, trend, kommuner och medlemmar i "+name+"."), "Sverige och medlemmarna")
	if err != nil {
		return "", nil, err
	}
	v := &lanView{kommunView: *av}
	if v.Municipalities, err = p.countyMunicipalities(c, snap, r, sortBy, order, metric); err != nil {
		return "", nil, err
	}
	v.Members = membersTable("lanets-medlemmar", "Klimatkommunernas medlemmar i "+name, snap.CountyMemberList(p.Compliance.CurrentRules(), code))
	return "lan", v, nil
}

// countyMunicipalities is the ranking's table of the county's
// municipalities (SMHI's figures of the latest year), sorted as asked;
// the places are those among all of Sweden's municipalities.
func (p *Pages) countyMunicipalities(c *gin.Context, snap *publish.Snapshot, r *publish.MunicipalityReport, sortBy, order, metric string) (site.Table, error) {
	ctx := c.Request.Context()
	rk, err := snap.Ranking(ctx, publish.RankingQuery{Metric: metric, AsOf: r.AsOf, Descending: order == "desc"})
	if err != nil {
		return site.Table{}, err
	}
	all, err := snap.AllMetrics(ctx, rk.Source, rk.AsOf, rk.Year)
	if err != nil {
		return site.Table{}, err
	}
	cells, err := metricCells(snap, rk, all)
	if err != nil {
		return site.Table{}, err
	}
	code := r.Municipality.Code
	var rows []analytics.RankingRow
	for _, row := range rk.Rows {
		if row.CountyCode == code {
			rows = append(rows, row)
		}
	}
	link := func(key, next string) string {
		q := url.Values{"sortera": {key}, "ordning": {next}}
		if c.Query("as_of") != "" {
			q.Set("as_of", strconv.Itoa(r.AsOf))
		}
		return "/lan/" + url.PathEscape(code) + "?" + q.Encode() + "#kommuner"
	}
	t := rankingTable(rk, rows, cells, sortBy, order, sortedTable{ID: "kommuner-tabell", Link: link,
		Caption: fmt.Sprintf("Kommunerna i %s %d, sorterade efter %s", r.Municipality.Name, rk.Year, strings.ToLower(sortLabel(sortBy)))})
	t.Notes = append(t.Notes, fmt.Sprintf("Placeringen gäller bland Sveriges %d kommuner. Klicka på en kolumnrubrik för att sortera tabellen efter den.", len(rk.Rows)))
	return t, nil
}
