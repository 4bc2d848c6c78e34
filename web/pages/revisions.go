package pages

import (
	"slices"
	"strconv"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// revisionsView is the section on what SMHI changed between its two
// newest releases for a municipality: a sentence naming the releases (or
// saying there is only one) and a table of the years and sectors revised,
// added or removed (publish.Snapshot.Revisions, the same as the API's).
type revisionsView struct {
	Text  string
	Table site.Table
}

// revisionStatus is how the table words a revision's status.
var revisionStatus = map[string]string{
	analytics.RevisionChanged: "Reviderad", analytics.RevisionAdded: "Ny", analytics.RevisionRemoved: "Borttagen",
}

func revisionsSection(snap *publish.Snapshot, code string) (revisionsView, error) {
	r, _, _, held, err := snap.Revisions(code, "", "")
	if err != nil || !held {
		return revisionsView{}, err
	}
	if r.Note != "" {
		return revisionsView{Text: r.Note}, nil
	}
	a := r.Area(code, snap.Name(code))
	v := revisionsView{Text: "Jämförelse av SMHI:s publicering " + releaseName(r.From) + " med den senaste, " + releaseName(r.To) + "."}
	v.Table = site.Table{ID: "revideringar-tabell", Caption: "Ändrade siffror mellan SMHI:s två senaste publiceringar (" + r.Unit + ")",
		Head: []site.Cell{textCell("År"), textCell("Sektor"), textCell("Ändring"), textCell("Före"), textCell("Efter"),
			textCell("Skillnad"), textCell("Skillnad (%)")}}
	shown, changed := shownRevisionYears(a.Revisions)
	for _, rv := range a.Revisions {
		if rv.Status == analytics.RevisionUnchanged || !shown[rv.Year] {
			continue
		}
		sector := rv.Sector
		if sector == "" {
			sector = "Totalt"
		}
		change := numCell(rv.Change, decTonnes)
		if rv.Before == nil || rv.After == nil {
			change = site.Cell{Text: "–", Num: true}
		}
		v.Table.Rows = append(v.Table.Rows, []site.Cell{textCell(strconv.Itoa(rv.Year)), textCell(sector), textCell(revisionStatus[rv.Status]),
			optCell(rv.Before, decTonnes), optCell(rv.After, decTonnes), change, optCell(rv.Percent, decPct)})
	}
	switch {
	case len(v.Table.Rows) == 0:
		v.Text += " Inga siffror för " + a.Name + " ändrades."
	case changed > len(shown):
		v.Text += " Tabellen visar de " + strconv.Itoa(len(shown)) + " senaste av de " + strconv.Itoa(changed) +
			" år som ändrades; alla år och sektorer finns i JSON-svaret nedan."
	}
	return v, nil
}

// RevisionYearsShown is how many of the newest revised years the page's
// table shows: SMHI often revises every year back to 1990, which in every
// sector would be hundreds of rows on every municipality's page; the API
// has them all.
const RevisionYearsShown = 5

// shownRevisionYears returns the newest RevisionYearsShown years that
// have a revision, and how many years have one.
func shownRevisionYears(rs []analytics.Revision) (map[int]bool, int) {
	var years []int
	for _, rv := range rs {
		if rv.Status != analytics.RevisionUnchanged && !slices.Contains(years, rv.Year) {
			years = append(years, rv.Year)
		}
	}
	slices.Sort(years)
	shown := map[int]bool{}
	for _, y := range years[max(0, len(years)-RevisionYearsShown):] {
		shown[y] = true
	}
	return shown, len(years)
}

// releaseName names a release for a reader: its date and file.
func releaseName(r *figures.ReleaseRef) string {
	return r.ReleaseDate + " (" + r.FileName + ")"
}
