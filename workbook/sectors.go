package workbook

import (
	"github.com/klimatkommunerna/klimatrapport"
)

// The sector tree, the gases and their spellings are the domain package's
// (klimatrapport.MainSectors, Subsectors, MainSector, Subsector, Gas); this
// file numbers them for compact whole-file validation state and finds the
// name a person probably meant.

// sectorIndex and gasIndex give every main sector and gas a small number
// (1..n; 0 is the total of all gases), so that validation state can be keyed
// compactly.
var (
	sectorIndex = indexOf(klimatrapport.MainSectors())
	gasIndex    = indexOf(klimatrapport.Gases())
)

func indexOf(names []string) map[string]int {
	m := make(map[string]int, len(names)+1)
	m[""] = 0
	for i, n := range names {
		m[n] = i + 1
	}
	return m
}

// looseKey is the domain package's loose comparison of names.
func looseKey(s string) string { return klimatrapport.LooseKey(s) }

// isAll reports whether s stands for a total: empty (after folding) or
// SMHI's aggregate marker "Alla".
func isAll(s string) bool {
	return looseKey(s) == "" || klimatrapport.IsAll(s)
}

// closest returns the candidate nearest to s by edit distance on the loose
// keys, and whether it is near enough to be a likely meant name.
func closest(s string, candidates []string) (string, bool) {
	k := []rune(looseKey(s))
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := levenshtein(k, []rune(looseKey(c)))
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(k)/3)
	return best, best != "" && bestD <= limit
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b []rune) int {
	if len(a) > 200 || len(b) > 200 { // hostile input: do not spend quadratic time
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
