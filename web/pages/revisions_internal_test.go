package pages

import (
	"maps"
	"slices"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// TestShownRevisionYears: the page's table keeps the newest revised years
// only, however many SMHI revised, and counts them all.
func TestShownRevisionYears(t *testing.T) {
	var rs []analytics.Revision
	for y := 1990; y <= 2023; y++ {
		status := analytics.RevisionChanged
		if y == 2022 {
			status = analytics.RevisionUnchanged
		}
		rs = append(rs, analytics.Revision{Year: y, Status: status}, analytics.Revision{Year: y, Sector: "Jordbruk", Status: status})
	}
	shown, changed := shownRevisionYears(rs)
	if got := slices.Sorted(maps.Keys(shown)); !slices.Equal(got, []int{2018, 2019, 2020, 2021, 2023}) || changed != 33 {
		t.Errorf("shown %v of %d changed years, want 2018–2021 and 2023 of 33", got, changed)
	}
	if shown, changed := shownRevisionYears(rs[:4]); len(shown) != 2 || changed != 2 {
		t.Errorf("two revised years: shown %v of %d", shown, changed)
	}
}
