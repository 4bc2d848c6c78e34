package national

import (
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// CurrentOn returns the release of rels (one substance's, newest first)
// that was current on day: the newest published on or before it.
func CurrentOn(rels []Release, day time.Time) (Release, bool) {
	for _, r := range rels {
		if !r.ReleaseDate.After(day) {
			return r, true
		}
	}
	return Release{}, false
}

// ComparedReleases picks the two releases a comparison of SMHI's revisions
// is between, from rels (one substance's, newest first) and the dates a
// request names (YYYY-MM-DD, "" when not named): to picks the newer, the
// release current on that date (default the newest); from the older, the
// release current on that date (default the one before the newer). older
// has ID "" when there is none to compare with (a single release). A
// malformed date, from after to, or a date before every release is an
// Invalid error in Swedish.
func ComparedReleases(rels []Release, from, to string) (older, newer Release, err error) {
	fromDay, err := releaseDay("from", from)
	if err != nil {
		return older, newer, err
	}
	toDay, err := releaseDay("to", to)
	if err != nil {
		return older, newer, err
	}
	if from != "" && to != "" && fromDay.After(toDay) {
		return older, newer, kr.E(kr.Invalid, "Datumet from (%s) ligger efter to (%s). Ange det äldre datumet som from.", from, to)
	}
	if len(rels) == 0 {
		return older, newer, nil
	}
	newer = rels[0]
	if to != "" {
		var ok bool
		if newer, ok = CurrentOn(rels, toDay); !ok {
			return older, newer, noReleaseOn("to", to, rels)
		}
	}
	if from != "" {
		var ok bool
		if older, ok = CurrentOn(rels, fromDay); !ok {
			return older, newer, noReleaseOn("from", from, rels)
		}
		return older, newer, nil
	}
	// The release before the newer one.
	for i, r := range rels {
		if r.ID == newer.ID && i+1 < len(rels) {
			return rels[i+1], newer, nil
		}
	}
	return Release{}, newer, nil
}

// releaseDay parses a request's date (YYYY-MM-DD); "" is the zero time.
func releaseDay(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return d, kr.E(kr.Invalid, "Datumet %s=%q går inte att läsa. Skriv det som ÅÅÅÅ-MM-DD, till exempel 2025-06-01.", name, s)
	}
	return d, nil
}

// noReleaseOn says that no release was current on a request's date.
func noReleaseOn(name, s string, rels []Release) error {
	first := rels[len(rels)-1].ReleaseDate.Format(time.DateOnly)
	return kr.E(kr.Invalid, "Det fanns ingen SMHI-publicering den %s (%s). Den äldsta är från %s.", s, name, first)
}
