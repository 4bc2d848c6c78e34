package pages

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The overview, /: the members against Sweden, per capita over time, and
// every active member's latest figures.

type indexView struct {
	site.Frame
	Year                              int
	HasHeadline                       bool
	MembersPerCapita, SwedenPerCapita string
	MembersEstimated, SwedenEstimated bool // divided by another year's population
	MemberCount                       int
	HeadlineNote                      string
	Chart                             Chart
	Members                           site.Table
}

func (p *Pages) index(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	o, err := snap.Overview(c.Request.Context())
	if err != nil {
		return "", nil, err
	}
	v := &indexView{Frame: frame(snap, "Översikt", "Klimatkommunernas medlemmar och Sveriges kommuner: utsläpp, per invånare, mål och trender.", "start"),
		Year: o.Year, MemberCount: o.Members.Municipalities}
	v.ExampleNotice = exampleNotice(snap.ExampleMembers())
	if o.Members.Value != nil && o.Sweden.Value != nil {
		v.HasHeadline = true
		v.MembersPerCapita = nf(*o.Members.Value, 1)
		v.SwedenPerCapita = nf(*o.Sweden.Value, 1)
		v.MembersEstimated, v.SwedenEstimated = o.Members.Estimated, o.Sweden.Estimated
		popYear := o.Sweden.PopulationYear
		if o.Members.Estimated {
			popYear = o.Members.PopulationYear
		}
		popText := "befolkning från SCB, år " + strconv.Itoa(popYear)
		if o.Members.Estimated || o.Sweden.Estimated {
			popText = "befolkning från SCB; SCB har ingen folkmängd för " + strconv.Itoa(o.Year) + ", så siffrorna märkta ”uppskattning” är " + estimatedMark(popYear)
		}
		v.HeadlineNote = fmt.Sprintf("Territoriella utsläpp %d enligt %s Medlemmarnas siffra är deras samlade utsläpp delat med deras samlade befolkning (%s); regioner räknas inte in.",
			o.Year, smhiSourceText(snap), popText)
	}
	var series []lineSeries
	colours := []string{colourSweden, colourMembers}
	symbols := []string{"circle", "diamond"}
	for i, s := range o.PerCapita {
		if len(s.Series) > 0 {
			series = append(series, perCapitaLines(s, lineSeries{Name: s.Name, Colour: colours[i%2], Symbol: symbols[i%2]})...)
		}
	}
	if len(series) > 0 {
		ch, err := newLineFigure("per-invanare", "Utsläpp per invånare, medlemmarna och Sverige", "ton per invånare", decPerCapita, series)
		if err != nil {
			return "", nil, err
		}
		ch.Table.Notes = perCapitaNotes(o.PerCapita)
		v.Chart = ch
		withCharts(&v.Frame, ch)
	}
	yearText := ""
	if o.Year > 0 {
		yearText = " " + strconv.Itoa(o.Year)
	}
	v.Members = site.Table{ID: "medlemstabell", Caption: "Aktiva medlemmar med SMHI:s senaste siffror och deras senaste egna rapport",
		Head: []site.Cell{textCell("Medlem"), textCell("Län"), textCell("Medlem sedan"), {Text: "Utsläpp" + yearText + " (ton, SMHI)", Num: true},
			{Text: "Per invånare" + yearText + " (ton)", Num: true}, {Text: "Årlig förändring sedan 2015", Num: true},
			{Text: "Senaste egna rapport", Num: true}}}
	for _, m := range o.MemberRows {
		name := site.Cell{Text: m.Name, Href: "/kommun/" + url.PathEscape(m.Code)}
		if m.Kind == members.KindRegion {
			name = site.Cell{Text: m.Name + " (region)"}
		}
		if m.Observer {
			name.Text += " (observatör)"
		}
		reported := site.Cell{Text: "–", Num: true}
		if m.LatestReported != nil {
			reported.Text = fmt.Sprintf("%s ton (%d)", nf(m.LatestReported.Tonnes, decTonnes), m.LatestReported.Year)
		}
		v.Members.Rows = append(v.Members.Rows, []site.Cell{name, textCell(m.County), textCell(date(m.Joined)),
			optCell(m.SMHI.LastTonnes, decTonnes), perCapitaCell(m.SMHI.PerCapita, m.SMHI.PerCapitaEstimated, m.SMHI.PopulationYear),
			{Text: fmtPct(m.SMHI.AnnualRateSince2015Pct), Num: true}, reported})
	}
	v.Members.Notes = []string{"Årlig förändring sedan 2015 är den genomsnittliga förändringen per år (Klimatkollens mått). Egna rapporter är medlemmarnas egna siffror och kan avgränsas annorlunda än SMHI:s."}
	return "index", v, nil
}
