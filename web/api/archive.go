package api

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/semaphore"

	kr "github.com/klimatkommunerna/klimatrapport"
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

// archive is the semaphore of the archive questions, sized when first used.
func (a *API) archive() *semaphore.Weighted {
	a.archiveOnce.Do(func() {
		n := a.ArchiveParallel
		if n <= 0 {
			n = DefaultArchiveParallel
		}
		a.archiveSem = semaphore.NewWeighted(int64(n))
	})
	return a.archiveSem
}

// archiveEmissions answers q from the database in a turn of the cap.
func (a *API) archiveEmissions(ctx context.Context, q figures.EmissionsQuery) (figures.Emissions, error) {
	wait := a.ArchiveWait
	if wait <= 0 {
		wait = DefaultArchiveWait
	}
	qctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	sem := a.archive()
	if err := sem.Acquire(qctx, 1); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return figures.Emissions{}, ctx.Err()
		}
		return figures.Emissions{}, kr.Later(kr.Busy, archiveRetry, busyArchive)
	}
	defer sem.Release(1)
	return a.Data.Emissions(ctx, q)
}
