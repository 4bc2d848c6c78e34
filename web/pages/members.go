package pages

import (
	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// medlemmarView is /medlemmar: every current member and observer with its
// standing.
type medlemmarView struct {
	site.Frame
	Table                      site.Table
	DormantDays                int
	APIHref, CSVHref, XLSXHref string
}

// medlemmar lists the current members and observers (publish.Snapshot.
// MemberList): municipalities link to their page, regions to their
// county's.
func (p *Pages) medlemmar(_ *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	rules := p.Compliance.CurrentRules()
	v := &medlemmarView{Frame: frame(snap, "Medlemmar och observatörer", "Klimatkommunernas medlemmar och observatörer: sedan när, och hur de står i dag.", "medlemmar"),
		DormantDays: rules.Reporting.DormantAfterDays,
		APIHref:     "/api/v1/members", CSVHref: "/api/v1/members.csv", XLSXHref: "/api/v1/members.xlsx"}
	v.ExampleNotice = exampleNotice(snap.ExampleMembers())
	t := membersTable("medlemmar", "Medlemmar och observatörer i dag", snap.MemberList(rules))
	if len(t.Rows) == 0 {
		t.Notes = append(t.Notes, "Det finns inga medlemmar ännu.")
	}
	v.Table = t
	return "medlemmar", v, nil
}

// membersTable lists members with their standing, each linked to its page
// (a region's is its county's).
func membersTable(id, caption string, list []publish.ListedMember) site.Table {
	t := site.Table{ID: id, Caption: caption,
		Head: []site.Cell{textCell("Medlem"), textCell("Kod"), textCell("Typ"), textCell("Medlem sedan"), textCell("Observatör till"), textCell("Status")}}
	for _, m := range list {
		name, kind := site.Cell{Text: m.Name, Href: "/lan/" + m.Code}, "Region"
		if m.Kind == members.KindMunicipality {
			name.Href, kind = "/kommun/"+m.Code, "Kommun"
		}
		until := ""
		if m.ObserverUntil != nil {
			until = date(*m.ObserverUntil)
		}
		t.Rows = append(t.Rows, []site.Cell{name, textCell(m.Code), textCell(kind), textCell(date(m.Joined)), textCell(until), textCell(m.Status)})
	}
	return t
}
