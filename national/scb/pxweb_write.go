package scb

import (
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/klimatkommunerna/klimatrapport"
)

// WritePxWebPopulation writes pops as SCB's PxWebApi 2.0 answers
// PopulationQuery in JSON-stat2: dimensions Region, ContentsCode and Tid,
// the regions' index an object and the years' an array, as SCB writes
// them, with null for a region's missing years. For tests and local
// servers standing in for SCB.
func WritePxWebPopulation(w io.Writer, pops []klimatrapport.Population) error {
	byCell := map[[2]string]int64{}
	regionSet, yearSet := map[string]bool{}, map[string]bool{}
	for _, p := range pops {
		y := strconv.Itoa(p.Year)
		byCell[[2]string{p.AreaCode, y}] = p.Persons
		regionSet[p.AreaCode], yearSet[y] = true, true
	}
	regions, years := slices.Sorted(maps.Keys(regionSet)), slices.Sorted(maps.Keys(yearSet))
	regionIndex, regionLabel := map[string]int{}, map[string]string{}
	for i, r := range regions {
		regionIndex[r], regionLabel[r] = i, "region "+r
	}
	values := make([]*int64, 0, len(regions)*len(years))
	for _, r := range regions {
		for _, y := range years {
			if v, ok := byCell[[2]string{r, y}]; ok {
				values = append(values, &v)
			} else {
				values = append(values, nil)
			}
		}
	}
	type category struct {
		Index any               `json:"index"`
		Label map[string]string `json:"label"`
	}
	type dim struct {
		Label    string   `json:"label"`
		Category category `json:"category"`
	}
	yearLabel := map[string]string{}
	for _, y := range years {
		yearLabel[y] = y
	}
	return json.NewEncoder(w).Encode(map[string]any{
		"version": "2.0", "class": "dataset", "source": "SCB", "updated": "2025-02-21T07:00:00Z",
		"label": "Folkmängden efter region, tabellinnehåll och år",
		"id":    []string{"Region", "ContentsCode", "Tid"},
		"size":  []int{len(regions), 1, len(years)},
		"role":  map[string][]string{"geo": {"Region"}, "time": {"Tid"}, "metric": {"ContentsCode"}},
		"dimension": map[string]dim{
			"Region":       {"region", category{regionIndex, regionLabel}},
			"ContentsCode": {"tabellinnehåll", category{map[string]int{PopulationContent: 0}, map[string]string{PopulationContent: "Folkmängd"}}},
			"Tid":          {"år", category{years, yearLabel}},
		},
		"value": values,
	})
}
