package pages

import (
	"slices"
	"strconv"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The GPC section of /kommun/{code}: the newest year's inventory by GPC
// sector and scope, SMHI's and the member's own side by side in one table
// (a row, its scope and caveat once), with the mapping's caveats quoted
// from its rows (docs/gpc.md explains them). A row's sector is the roman
// numeral its code begins with, which the section's introduction names.

// gpcSource is one source's newest year, a pair of columns of the table.
type gpcSource struct {
	label string // "SMHI", "egenrapporterat": the cells' prefix where the sources differ
	head  string // the figures' column heading
	unit  string
	lines map[string]analytics.GPCLine
}

// gpcTable is a municipality's GPC table: a pair of columns (tonnes,
// share) for SMHI's newest year and for the member's own, either left out
// when there is none; no rows without either.
func gpcTable(inv *publish.GPCInventory) site.Table {
	var sources []gpcSource
	add := func(label, head, unit string, y publish.GPCYear) {
		s := gpcSource{label: label, head: head + " " + strconv.Itoa(y.Year), unit: unit, lines: map[string]analytics.GPCLine{}}
		for _, l := range y.Lines {
			s.lines[l.Code] = l
		}
		sources = append(sources, s)
	}
	t := site.Table{ID: "gpc-tabell", Caption: "Utsläpp enligt GPC i " + inv.Municipality.Name + ", det senaste året"}
	if y, ok := inv.SMHI.Latest(); ok {
		add("SMHI", "SMHI", inv.SMHI.Unit, y)
		t.Caption += ", SMHI:s publicering " + inv.SMHI.Release
		t.Notes = append(t.Notes, "SMHI:s siffror är territoriella (där utsläppen sker) och hör till scope 1. Scope 2 (nätlevererad el och fjärrvärme som används inom kommunen) och scope 3 går inte att skilja ut ur dem och anges som NE. "+
			"Andelen är av årets summa; raderna summerar till kommunens totala utsläpp, inget räknas två gånger.")
	}
	if y, ok := inv.Reported.Latest(); ok {
		add("egenrapporterat", "Egenrapporterat", inv.Reported.Unit, y)
		note := "Egenrapporterat: en sektor som GPC delar upp fördelas på medlemmens undersektorer när de summerar till sektorns siffra; annars redovisas den i sin helhet på en rad och de övriga raderna anges som IE."
		if inv.Reported.ByMain {
			note = "Egenrapporterat: medlemmen rapporterar per huvudsektor, så en sektor som GPC delar upp redovisas i sin helhet på en rad och de övriga raderna anges som IE."
		}
		t.Notes = append(t.Notes, note)
	}
	if len(sources) == 0 {
		return site.Table{}
	}
	if len(sources) == 2 && sources[0].unit != sources[1].unit { // SMHI's CO2 release beside a member's CO2e
		for i := range sources {
			sources[i].head += " (" + sources[i].unit + ")"
		}
	} else {
		t.Caption += " (" + sources[0].unit + ")"
	}
	t.Head = []site.Cell{textCell("GPC-rad"), {Text: "Scope", Num: true}}
	for _, s := range sources {
		t.Head = append(t.Head, site.Cell{Text: s.head, Num: true}, site.Cell{Text: "Andel (" + s.label + ")", Num: true})
	}
	t.Head = append(t.Head, textCell("Ur SMHI:s sektor"), textCell("Anmärkning"))
	for _, row := range kr.GPCRows() {
		t.Rows = append(t.Rows, gpcRow(row, sources))
	}
	return t
}

// gpcRow is a GPC row's cells: its name and scope, each source's tonnes
// (or notation key) and share, the SMHI sectors it draws on, its caveats.
func gpcRow(row kr.GPCRow, sources []gpcSource) []site.Cell {
	cells := []site.Cell{textCell(row.Code + " " + row.Name), {Text: strconv.Itoa(row.Scope), Num: true}}
	var included []string
	var notes []sourced
	for _, s := range sources {
		l := s.lines[row.Code]
		value, share := site.Cell{Text: l.Notation, Num: true}, site.Cell{Text: "–", Num: true}
		if l.Tonnes != nil {
			value = numCell(*l.Tonnes, decTonnes)
		}
		if l.Share != nil {
			share = site.Cell{Text: nf(*l.Share, decPct) + "\u00a0%", Num: true}
		}
		cells = append(cells, value, share)
		for _, in := range l.Included {
			main, _, _ := strings.Cut(in, ": ") // "Transporter: Personbilar": the subsectors are in the exports
			if !slices.Contains(included, main) {
				included = append(included, main)
			}
		}
		notes = append(notes, sourced{s.label, l.Note})
	}
	return append(cells, textCell(orDash(strings.Join(included, "; "))), textCell(bySource(notes)))
}

// sourced is a text of one source's row.
type sourced struct{ source, text string }

// bySource is the sources' texts of a row in one cell: the text once when
// they agree (or there is one source), else each non-empty one prefixed by
// its source ("SMHI: …. Egenrapporterat: …").
func bySource(texts []sourced) string {
	same := true
	for _, t := range texts[1:] {
		same = same && t.text == texts[0].text
	}
	if same {
		return texts[0].text
	}
	var parts []string
	for _, t := range texts {
		if t.text != "" {
			parts = append(parts, strings.ToUpper(t.source[:1])+t.source[1:]+": "+strings.TrimSuffix(t.text, ".")+".")
		}
	}
	return strings.Join(parts, " ")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
