package analytics

import (
	"math"
	"slices"
)

// What a year's figure did between two releases of the same data.
const (
	RevisionChanged   = "changed"   // in both, different
	RevisionUnchanged = "unchanged" // in both, the same
	RevisionAdded     = "added"     // only in the newer release
	RevisionRemoved   = "removed"   // only in the older release
)

// revisionTolerance is the difference in tonnes below which a figure counts
// as unchanged: SMHI's files carry decimals that a re-export can round
// differently without revising anything.
const revisionTolerance = 0.0005

// Revision is one year's and sector's figure in two releases: Before in the
// older, After in the newer (nil when the release lacks the year), Change
// in tonnes (After − Before; 0 unless both are set) and Percent of Before
// (nil when undefined: a year in one release only, or Before zero).
type Revision struct {
	Year    int      `json:"year"`
	Sector  string   `json:"sector,omitempty"` // "" for the total
	Status  string   `json:"status"`
	Before  *float64 `json:"before"`
	After   *float64 `json:"after"`
	Change  float64  `json:"change"`
	Percent *float64 `json:"percent"`
}

// Revisions compares two releases' series of one area, keyed by sector
// ("" for the total): one Revision per sector and year found in either,
// the total first and then the sectors in sorted order, each by year. A
// year in one release only is marked added or removed.
func Revisions(before, after map[string]Series) []Revision {
	sectors := make([]string, 0, len(before)+len(after))
	for s := range before {
		sectors = append(sectors, s)
	}
	for s := range after {
		if _, ok := before[s]; !ok {
			sectors = append(sectors, s)
		}
	}
	slices.Sort(sectors) // "" (the total) sorts first
	var out []Revision
	for _, s := range sectors {
		out = append(out, reviseSeries(s, before[s], after[s])...)
	}
	return out
}

// reviseSeries compares one sector's series of two releases, by year.
func reviseSeries(sector string, before, after Series) []Revision {
	byYear := map[int]*Revision{}
	var years []int
	at := func(y int) *Revision {
		r, ok := byYear[y]
		if !ok {
			r = &Revision{Year: y, Sector: sector}
			byYear[y] = r
			years = append(years, y)
		}
		return r
	}
	for _, p := range before {
		at(p.Year).Before = &p.Tonnes
	}
	for _, p := range after {
		at(p.Year).After = &p.Tonnes
	}
	slices.Sort(years)
	out := make([]Revision, 0, len(years))
	for _, y := range years {
		r := byYear[y]
		switch {
		case r.Before == nil:
			r.Status = RevisionAdded
		case r.After == nil:
			r.Status = RevisionRemoved
		default:
			r.Change = *r.After - *r.Before
			r.Status = RevisionChanged
			if math.Abs(r.Change) < revisionTolerance {
				r.Status, r.Change = RevisionUnchanged, 0
			}
			if *r.Before != 0 {
				pct := r.Change / *r.Before * 100
				r.Percent = &pct
			}
		}
		out = append(out, *r)
	}
	return out
}
