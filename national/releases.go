package national

import (
	"context"
	"time"
)

// Release is one imported SMHI file.
type Release struct {
	ID          string    `json:"id"`
	ReleaseDate time.Time `json:"release_date"`
	Substance   string    `json:"substance"`
	FileName    string    `json:"file_name"`
	SHA256      string    `json:"sha256"`
	Values      int       `json:"values"`
	Years       []int     `json:"years"`
	ImportedAt  time.Time `json:"imported_at"`
}

type releaseRow struct {
	ID          string    `ch:"id"`
	ReleaseDate time.Time `ch:"release_date"`
	Substance   string    `ch:"substance"`
	FileName    string    `ch:"file_name"`
	SHA256      string    `ch:"sha256"`
	NValues     uint64    `ch:"n_values"`
	Years       []uint16  `ch:"years"`
	Checks      string    `ch:"checks"`
	ImportedBy  string    `ch:"imported_by"`
	ImportedAt  time.Time `ch:"imported_at"`
}

// releaseColumns are what reading a release needs. The import's list of
// mismatched totals (checks) is left out: it can be the size of the file's
// whole sheet of sums (some 700 KB of JSON for SMHI's), and every snapshot
// build reads the releases several times.
const releaseColumns = "toString(id) AS id, release_date, substance, file_name, sha256, n_values, years, '' AS checks, imported_by, imported_at"

func (r releaseRow) release() Release {
	rel := Release{ID: r.ID, ReleaseDate: r.ReleaseDate, Substance: r.Substance, FileName: r.FileName,
		SHA256: r.SHA256, Values: int(r.NValues), ImportedAt: r.ImportedAt}
	for _, y := range r.Years {
		rel.Years = append(rel.Years, int(y))
	}
	return rel
}

// Releases lists the committed releases, newest first.
func (s *Store) Releases(ctx context.Context) ([]Release, error) {
	var rows []releaseRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+releaseColumns+" FROM smhi_releases ORDER BY release_date DESC, imported_at DESC"); err != nil {
		return nil, err
	}
	out := make([]Release, len(rows))
	for i, r := range rows {
		out[i] = r.release()
	}
	return out, nil
}

// ReleaseFor returns the release of substance to use: the one published on
// date when date is set, else the newest. ok is false when there is none.
func (s *Store) ReleaseFor(ctx context.Context, substance string, date time.Time) (Release, bool, error) {
	var rows []releaseRow
	var err error
	if date.IsZero() {
		err = s.DB.Select(ctx, &rows, "SELECT "+releaseColumns+" FROM smhi_releases WHERE substance = ? ORDER BY release_date DESC, imported_at DESC LIMIT 1", substance)
	} else {
		err = s.DB.Select(ctx, &rows, "SELECT "+releaseColumns+" FROM smhi_releases WHERE substance = ? AND release_date = toDate(?) ORDER BY imported_at DESC LIMIT 1", substance, date.Format(time.DateOnly))
	}
	if err != nil || len(rows) == 0 {
		return Release{}, false, err
	}
	return rows[0].release(), true, nil
}

// DefaultSubstance is GGT when a GGT release exists, else the substance of
// the newest release.
func (s *Store) DefaultSubstance(ctx context.Context) (string, error) {
	rels, err := s.Releases(ctx)
	if err != nil || len(rels) == 0 {
		return AllGHG, err
	}
	for _, r := range rels {
		if r.Substance == AllGHG {
			return AllGHG, nil
		}
	}
	return rels[0].Substance, nil
}

// releaseOfFile returns the release imported from the file with this
// SHA-256, if there is one.
func (s *Store) releaseOfFile(ctx context.Context, sha string) (Release, bool, error) {
	var existing []releaseRow
	if err := s.DB.Select(ctx, &existing, "SELECT "+releaseColumns+" FROM smhi_releases WHERE sha256 = ? LIMIT 1", sha); err != nil {
		return Release{}, false, err
	}
	if len(existing) == 0 {
		return Release{}, false, nil
	}
	return existing[0].release(), true, nil
}
