package publish

import (
	"context"

	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// loadPrevious reads the list of the published substance's releases and
// the series of the release before the published one (the same areas), so
// that the default comparison of SMHI's revisions (the two newest) is
// answered from the snapshot.
func (s *Service) loadPrevious(ctx context.Context, snap *Snapshot, counties []string) error {
	snap.previous = figures.SMHI{Substance: snap.Substance, Unit: snap.Unit}
	if snap.Release.ID == "" {
		return nil
	}
	var err error
	if snap.releases, err = s.Data.ReleasesOf(ctx, snap.Substance); err != nil {
		return err
	}
	older, newer, err := national.ComparedReleases(snap.releases, "", "")
	if err != nil || older.ID == "" || newer.ID != snap.Release.ID {
		return err
	}
	snap.previous, err = s.Data.SMHIOf(ctx, snap.Substance, older, nil, counties)
	return err
}

// Revisions compares two SMHI releases of the published substance for the
// area code ("" for every municipality): the releases current on the dates
// from and to (YYYY-MM-DD; by default the two newest,
// national.ComparedReleases, whose errors it returns). held is false when
// the two are not the published release and the one before it, which the
// snapshot holds: older and newer are then the releases to read from the
// database (figures.Data.LoadRevisions).
func (snap *Snapshot) Revisions(code, from, to string) (r figures.Revisions, older, newer national.Release, held bool, err error) {
	if code != "" {
		if _, err = snap.municipality(code); err != nil {
			return r, older, newer, false, err
		}
	}
	older, newer, err = national.ComparedReleases(snap.releases, from, to)
	if err != nil {
		return r, older, newer, false, err
	}
	if newer.ID != snap.Release.ID || older.ID != snap.previous.Release.ID {
		return r, older, newer, false, nil
	}
	v, err := snap.Memo("revisions:"+code, func() (any, error) {
		return figures.RevisionsFrom(snap.previous, snap.smhi, snap.revisionAreas(code), snap.names), nil
	})
	if err != nil {
		return r, older, newer, false, err
	}
	return v.(figures.Revisions), older, newer, true, nil
}

// revisionAreas is code, or every municipality when code is "".
func (snap *Snapshot) revisionAreas(code string) []string {
	if code != "" {
		return []string{code}
	}
	codes := make([]string, len(snap.Municipalities))
	for i, m := range snap.Municipalities {
		codes[i] = m.Code
	}
	return codes
}

// ArchiveRevisions compares the releases older and newer (as Revisions
// picked them) for code ("" for every municipality), read from the
// database through d.
func (snap *Snapshot) ArchiveRevisions(ctx context.Context, d figures.Data, code string, older, newer national.Release) (figures.Revisions, error) {
	return d.LoadRevisions(ctx, snap.Substance, older, newer, snap.revisionAreas(code), snap.names)
}
