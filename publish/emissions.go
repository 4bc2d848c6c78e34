package publish

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

// Emissions answers GET /api/v1/emissions's query q from the snapshot,
// without the database, when the snapshot holds what q asks for: SMHI's
// published release of the default substance (q names no release or
// substance, or the published ones) for municipalities, the counties and
// "00", or members' reported figures (through Reported). The answer is
// Data.Emissions'. held is false for other questions (another release or
// substance, an area the snapshot does not hold): archive questions for
// the database.
func (snap *Snapshot) Emissions(ctx context.Context, q figures.EmissionsQuery) (e figures.Emissions, held bool, err error) {
	f := figures.Loaded{SMHI: snap.smhi, Names: snap.names, Population: snap.Population}
	switch q.Source {
	case "", analytics.SourceSMHI:
		if !snap.holdsSMHI(q) {
			return e, false, nil
		}
	case analytics.SourceReported:
		// Every municipality's, read once per snapshot whatever codes are
		// asked for (EmissionsFrom picks them), so that a crawler's code
		// sets are no new reads.
		f.Reported = snap.Reported(nil)
	}
	e, err = figures.EmissionsFrom(q, f)
	return e, true, err
}

// holdsSMHI reports whether the snapshot's SMHI series answer q: the
// published release and substance, and only areas loaded with them.
func (snap *Snapshot) holdsSMHI(q figures.EmissionsQuery) bool {
	if q.Substance != "" && q.Substance != snap.Substance {
		return false
	}
	if !q.Release.IsZero() && (snap.Release.ID == "" || q.Release.Format(time.DateOnly) != snap.Release.ReleaseDate.Format(time.DateOnly)) {
		return false
	}
	for _, code := range q.Codes {
		if _, named := snap.names[code]; len(code) != 4 && !named { // names: the municipalities, the counties and "00"
			return false
		}
	}
	return true
}
