package api

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/figures"
)

// Archive questions: emissions of a release or substance other than the
// published ones are not in the snapshot and are read from the database.
// At most API.ArchiveParallel of them run at once; a request that cannot
// get a turn within API.ArchiveWait is refused as busy (503, Retry-After),
// so that a crawler walking the archive cannot queue everyone else behind
// it on the database.

// Defaults of the cap on archive questions.
const (
	DefaultArchiveParallel = 2
	DefaultArchiveWait     = 2 * time.Second
	archiveRetry           = 30 * time.Second
)

const busyArchive = "Tjänsten svarar på många frågor om äldre SMHI-publiceringar just nu. Försök igen om en halv minut."

// archiveTurn waits for a turn at the archive questions.
func (a *API) archiveTurn(ctx context.Context) (func(), error) {
	n, wait := a.ArchiveParallel, a.ArchiveWait
	if n <= 0 {
		n = DefaultArchiveParallel
	}
	if wait <= 0 {
		wait = DefaultArchiveWait
	}
	return a.archive.Take(ctx, n, wait, archiveRetry, busyArchive)
}

// archiveEmissions answers q from the database in a turn of the cap.
func (a *API) archiveEmissions(ctx context.Context, q figures.EmissionsQuery) (figures.Emissions, error) {
	release, err := a.archiveTurn(ctx)
	if err != nil {
		return figures.Emissions{}, err
	}
	defer release()
	return a.Data.Emissions(ctx, q)
}
