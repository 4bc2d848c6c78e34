package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/publish"
)

// gpcTables: GET /municipalities/{code}/gpc.csv and .xlsx, the inventory by
// GPC sector and scope (publish.Snapshot.GPC), every year of SMHI's
// release and of the member's own reports: one row per source, year and
// GPC row, with its tonnes or notation key and the SMHI sectors in it.
func gpcTables(c *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	inv, err := snap.GPC(c.Param("code"))
	if err != nil {
		return "", nil, err
	}
	t := table{Sheet: "GPC", Columns: []column{
		{"municipality", "Kod", 8}, {"name", "Kommun", 22}, {"source", "Källa", 10}, {"release", "SMHI-publicering", 16},
		{"unit", "Enhet", 12}, {"year", "År", 8}, {"gpc_sector", "GPC-sektor", 10}, {"gpc_row", "GPC-rad", 14},
		{"gpc_name", "Benämning", 40}, {"scope", "Scope", 8}, {"tonnes", "Utsläpp (ton)", 16}, {"notation", "Beteckning", 11},
		{"share_pct", "Andel (%)", 11}, {"smhi_sectors", "Ingående sektorer (SMHI:s indelning)", 60}, {"note", "Anmärkning", 60},
	}}
	m := inv.Municipality
	for _, src := range []*publish.GPCSource{inv.SMHI, inv.Reported} {
		if src == nil {
			continue
		}
		for _, y := range src.Years {
			for _, l := range y.Lines {
				t.Rows = append(t.Rows, []any{m.Code, m.Name, src.Source, src.Release, src.Unit, y.Year, l.Sector, l.Code,
					l.Name, l.Scope, l.Tonnes, l.Notation, l.Share, strings.Join(l.Included, "; "), l.Note})
			}
		}
	}
	return "gpc-" + m.Code, []table{t}, nil
}
