package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// Decimals of the figures on the pages.
const (
	decTonnes    = 0
	decPerCapita = 2
	decPct       = 1
	decIndex     = 1
)

func fmtOpt(v *float64, decimals int) string {
	if v == nil {
		return "–"
	}
	return nf(*v, decimals)
}

func fmtPct(v *float64) string {
	if v == nil {
		return "–"
	}
	return nf(*v, decPct) + "\u00a0%"
}

// fmtMetric is analytics.FormatMetric with no-break spaces.
func fmtMetric(metric string, v *float64) string {
	return strings.ReplaceAll(analytics.FormatMetric(metric, v), " ", "\u00a0")
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// frame is a public page's frame: the SMHI release it shows in the footer.
func frame(snap *publish.Snapshot, title, description, nav string) site.Frame {
	l := site.Frame{Title: title, Description: description, Nav: nav}
	if snap.Release.ID != "" {
		l.Release, l.Substance = date(snap.Release.ReleaseDate), snap.Substance
	}
	return l
}

// exampleNotice is the notice of a page showing the data of example
// members (members.Member.Example), named by names; "" when there are none.
func exampleNotice(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return swedish.List(names) + " visas här som påhittade exempelmedlemmar med påhittade rapporter, inlagda för att visa tjänsten. " +
		"Deras medlemskap, egna siffror, mål, planer och åtgärder är inte verkliga."
}

func smhiSourceText(snap *publish.Snapshot) string {
	if snap.Release.ID == "" {
		return "SMHI:s siffror är inte inlästa."
	}
	return fmt.Sprintf("SMHI, Nationella emissionsdatabasen, publicering %s (%s), %s.", date(snap.Release.ReleaseDate),
		site.SubstanceName(snap.Substance), snap.Unit)
}

// popYearsText lists the population years that per-capita figures used,
// each once, in order: "2022, 2023".
func popYearsText(years []int) string {
	years = slices.Compact(slices.Sorted(slices.Values(years)))
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

func textCell(s string) site.Cell { return site.Cell{Text: s} }

func numCell(v float64, decimals int) site.Cell {
	return site.Cell{Text: nf(v, decimals), Num: true}
}

// nf formats a number the Swedish way (swedish.Number) with
// no-break spaces between digit groups, so a number never breaks across
// lines.
func nf(v float64, decimals int) string {
	return strings.ReplaceAll(swedish.Number(v, decimals), " ", "\u00a0")
}

func optCell(v *float64, decimals int) site.Cell {
	if v == nil {
		return site.Cell{Text: "–", Num: true}
	}
	return numCell(*v, decimals)
}

// yearOptionsTemplate is a year <select>'s options, the chosen year
// selected.
var yearOptionsTemplate = template.Must(template.New("years").Parse(
	`{{range .Years}}<option value="{{.}}"{{if eq . $.Selected}} selected{{end}}>{{.}}</option>{{end}}`))

// yearOptions renders a year <select>'s options once per snapshot, list and
// chosen year: the same on every comparison and ranking that shows them,
// some 35 years escaped and compared by reflection.
func yearOptions(snap *publish.Snapshot, years []int, selected int) (template.HTML, error) {
	v, err := snap.Memo(fmt.Sprint("pages:year-options:", years, selected), func() (any, error) {
		var b bytes.Buffer
		data := struct {
			Years    []int
			Selected int
		}{years, selected}
		if err := yearOptionsTemplate.Execute(&b, data); err != nil {
			return nil, err
		}
		return template.HTML(b.String()), nil // escaped by html/template, in the context of the page's <select>
	})
	if err != nil {
		return "", err
	}
	return v.(template.HTML), nil
}
