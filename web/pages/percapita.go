package pages

import (
	"slices"
	"strconv"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// Per capita on the pages: a value divided by its own year's population is
// drawn as measured; one divided by the nearest year's (SCB has none for
// its year) is an estimate, drawn dashed as a line of its own, in a column
// of its own marked "uppskattning", and the table's note says which
// population each estimate used. Never silently.

// perCapitaLines is a per-capita series as lines: ls with the values that
// use their own year's population, then, when there are any, the
// estimates, dashed with open symbols in ls's colour.
func perCapitaLines(ns publish.NamedSeries, ls lineSeries) []lineSeries {
	if len(ns.Estimated) == 0 {
		ls.Points = ns.Series
		return []lineSeries{ls}
	}
	est := ls
	// The table heads the column with the short name and the tag
	// "uppskattning"; the legend names the line.
	est.Name, est.Short = ls.Name+" (uppskattad)", shortOf(ls)
	est.Dash, est.Symbol, est.Estimate = "dashed", "emptyCircle", true
	ls.Points, est.Points = analytics.Series{}, analytics.Series{}
	for _, p := range ns.Series {
		if _, estimated := ns.EstimatedIn(p.Year); estimated {
			est.Points = append(est.Points, p)
		} else {
			ls.Points = append(ls.Points, p)
		}
	}
	if len(ls.Points) == 0 {
		return []lineSeries{est}
	}
	return []lineSeries{ls, est}
}

func shortOf(ls lineSeries) string {
	if ls.Short != "" {
		return ls.Short
	}
	return ls.Name
}

// perCapitaNotes are a per-capita table's notes: the population years
// used and, when some values are estimates, which population each used
// ("Uppskattade år: 2000, 2005 med folkmängden 1990."), per series when
// they differ.
func perCapitaNotes(series []publish.NamedSeries) []string {
	var years []int
	var phrases, named []string
	for _, s := range series {
		years = append(years, s.PopulationYears...)
		if p := estimatesPhrase(s.Estimated); p != "" {
			phrases = append(phrases, p)
			named = append(named, s.Name+": "+p)
		}
	}
	notes := []string{"Befolkning från SCB, år " + popYearsText(years) + " (varje år delas med befolkningen det året, eller det närmaste år SCB har)."}
	switch {
	case len(phrases) == 0:
		return notes
	case len(slices.Compact(slices.Clone(phrases))) == 1:
		return append(notes, estimatesIntro+"Uppskattade år: "+phrases[0]+".")
	}
	return append(notes, estimatesIntro+"Uppskattade år för "+strings.Join(named, ". ")+".")
}

const estimatesIntro = "Värden märkta ”uppskattning” är uppskattade: SCB har ingen folkmängd för deras år, så de delas med folkmängden det närmaste år SCB har. "

// estimatesPhrase says which population the estimates used: "2000, 2005
// med folkmängden 1990; 2010–2023 med folkmängden 2024", "" for none.
func estimatesPhrase(uses []analytics.PopulationUse) string {
	var parts []string
	for start := 0; start < len(uses); {
		end := start
		for end+1 < len(uses) && uses[end+1].PopulationYear == uses[start].PopulationYear {
			end++
		}
		parts = append(parts, yearsText(uses[start:end+1])+" med folkmängden "+strconv.Itoa(uses[start].PopulationYear))
		start = end + 1
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ")
}

// yearsText writes the years of uses, runs of consecutive years as
// ranges: "2000, 2005, 2015–2023".
func yearsText(uses []analytics.PopulationUse) string {
	var parts []string
	for i := 0; i < len(uses); {
		j := i
		for j+1 < len(uses) && uses[j+1].Year == uses[j].Year+1 {
			j++
		}
		part := strconv.Itoa(uses[i].Year)
		if j > i {
			part += "–" + strconv.Itoa(uses[j].Year)
		}
		parts = append(parts, part)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// estimatedMark is what follows a per-capita value in a table cell or a
// key figure when it is an estimate: the word, so that it is read as well
// as seen, with the population year.
func estimatedMark(popYear int) string {
	return "uppskattad med folkmängden " + strconv.Itoa(popYear)
}

// perCapitaCell is a per-capita value's table cell, marked in words and
// style when it divides by another year's population.
func perCapitaCell(v *float64, estimated bool, popYear int) site.Cell {
	c := optCell(v, decPerCapita)
	if v != nil && estimated {
		c.Text += " (" + estimatedMark(popYear) + ")"
		c.Estimate = true
	}
	return c
}
