package pages

import (
	"strconv"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The GPC section of /kommun/{code}: the newest year's inventory by GPC
// sector and scope, SMHI's and the member's own, with the mapping's
// caveats quoted from its rows (docs/gpc.md explains them).

// gpcNotations name GPC's notation keys in Swedish.
var gpcNotations = map[string]string{
	kr.NotationNotOccurring: "NO (förekommer inte)",
	kr.NotationIncluded:     "IE (ingår i annan rad)",
	kr.NotationNotEstimated: "NE (ej uppskattat)",
	kr.NotationConfidential: "C (konfidentiellt)",
}

// gpcTables are the GPC tables of a municipality: SMHI's newest year and
// the member's own newest year, each empty when there is none.
func gpcTables(inv *publish.GPCInventory) (smhi, reported site.Table) {
	name := inv.Municipality.Name
	if y, ok := inv.SMHI.Latest(); ok {
		smhi = gpcTable("gpc-smhi", "Utsläpp enligt GPC i "+name+" "+strconv.Itoa(y.Year)+
			" (SMHI, publicering "+inv.SMHI.Release+", "+inv.SMHI.Unit+")", y)
	}
	if y, ok := inv.Reported.Latest(); ok {
		reported = gpcTable("gpc-egenrapporterat", "Egenrapporterade utsläpp enligt GPC i "+name+" "+strconv.Itoa(y.Year)+
			" ("+inv.Reported.Unit+")", y)
		note := "En sektor som GPC delar upp fördelas på medlemmens undersektorer när de summerar till sektorns siffra; annars redovisas den i sin helhet på en rad och de övriga raderna anges som IE."
		if inv.Reported.ByMain {
			note = "Medlemmen rapporterar per huvudsektor: en sektor som GPC delar upp redovisas i sin helhet på en rad och de övriga raderna anges som IE."
		}
		reported.Notes = append([]string{note}, reported.Notes...)
	}
	return smhi, reported
}

func gpcTable(id, caption string, y publish.GPCYear) site.Table {
	t := site.Table{ID: id, Caption: caption, Head: []site.Cell{textCell("GPC-rad"), textCell("Sektor"), {Text: "Scope", Num: true},
		{Text: "Ton", Num: true}, {Text: "Andel", Num: true}, textCell("Ingående sektorer (SMHI:s indelning)"), textCell("Anmärkning")}}
	sectors := map[string]string{}
	for _, s := range kr.GPCSectors() {
		sectors[s.Code] = s.Code + " " + s.Name
	}
	for _, l := range y.Lines {
		value, share := site.Cell{Text: gpcNotations[l.Notation], Num: true}, site.Cell{Text: "–", Num: true}
		if l.Tonnes != nil {
			value = numCell(*l.Tonnes, decTonnes)
		}
		if l.Share != nil {
			share = site.Cell{Text: nf(*l.Share, decPct) + "\u00a0%", Num: true}
		}
		included := strings.Join(l.Included, "; ")
		if included == "" {
			included = "–"
		}
		t.Rows = append(t.Rows, []site.Cell{textCell(l.Code + " " + l.Name), textCell(sectors[l.Sector]), {Text: strconv.Itoa(l.Scope), Num: true},
			value, share, textCell(included), textCell(l.Note)})
	}
	t.Notes = []string{"SMHI:s siffror är territoriella (där utsläppen sker) och hör till scope 1. Scope 2 (nätlevererad el och fjärrvärme som används inom kommunen) och scope 3 går inte att skilja ut ur dem och anges som NE. " +
		"Andelen är av årets summa; raderna summerar till kommunens totala utsläpp, inget räknas två gånger."}
	return t
}
