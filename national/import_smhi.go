package national

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// SMHIImport describes one file to import.
type SMHIImport struct {
	FileName string
	Content  []byte
	// Release overrides the release date found in the file's report name.
	Release time.Time
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(rows int)
	// Identity, when set, replaces the file's SHA-256 as what is compared
	// with the releases imported before and stored as theirs (a download
	// from SMHI: see ContentIdentity).
	Identity string
}

// SMHISummary reports an SMHI import.
type SMHISummary struct {
	Release        Release              `json:"release"`
	AlreadyPresent bool                 `json:"already_present"` // the identical file was imported before: nothing changed
	Rows           int                  `json:"rows"`
	Municipalities int                  `json:"municipalities"`
	Counties       int                  `json:"counties"`
	Years          []int                `json:"years"`
	Mismatches     []smhi.Mismatch      `json:"mismatches"` // totals that differ from the sums of their parts
	Normalised     []smhi.Normalisation `json:"normalised"`
}

type valueRow struct {
	ReleaseID string  `ch:"release_id"`
	Substance string  `ch:"substance"`
	Level     string  `ch:"level"`
	AreaCode  string  `ch:"area_code"`
	Sector    string  `ch:"sector"`
	Subsector string  `ch:"subsector"`
	Year      uint16  `ch:"year"`
	Tonnes    float64 `ch:"tonnes"`
}

const valueBatch = 100_000

// SCB's place names are what SMHI's files are read with.
var _ smhi.Places = (*scb.Names)(nil)

// ImportSMHI imports one SMHI export as a release. The values are written
// first, tagged with the release id; the release rows are written last and
// make them visible. A file that fails to parse leaves nothing visible.
// Importing the identical file again changes nothing. actor must be allowed
// to import national data.
func (s *Store) ImportSMHI(ctx context.Context, actor kr.Actor, in SMHIImport) (SMHISummary, error) {
	if err := mayImport(actor); err != nil {
		return SMHISummary{}, err
	}
	sum := sha256.Sum256(in.Content)
	sha := hex.EncodeToString(sum[:])
	if in.Identity != "" {
		sha = in.Identity
	}
	if rel, ok, err := s.releaseOfFile(ctx, sha); err != nil || ok {
		return SMHISummary{Release: rel, AlreadyPresent: ok, Years: rel.Years, Rows: rel.Values}, err
	}
	names, err := s.Names(ctx)
	if err != nil {
		return SMHISummary{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	imp, err := s.writeValues(ctx, id, in, names)
	if err != nil {
		return SMHISummary{}, err
	}
	release := in.Release
	if release.IsZero() {
		release = imp.meta.ReleaseDate
	}
	if release.IsZero() {
		err := kr.E(kr.Invalid, "Filen anger inget publiceringsdatum. Ange det med --release ÅÅÅÅ-MM-DD.")
		return SMHISummary{}, errors.Join(err, s.discard(id))
	}
	mismatches := imp.checker.Mismatches()
	if mismatches == nil {
		mismatches = []smhi.Mismatch{}
	}
	rows := s.releaseRows(actor, id, release, sha, in, imp, mismatches)
	if err := s.DB.Insert(ctx, "smhi_releases", rows); err != nil {
		return SMHISummary{}, errors.Join(err, s.discard(id))
	}
	s.changed()
	row := rows[0]
	for _, r := range rows {
		if r.Substance == imp.meta.Substance {
			row = r
		}
	}
	return SMHISummary{Release: row.release(), Rows: imp.rows, Municipalities: len(imp.munis), Counties: len(imp.counties),
		Years: slices.Sorted(slices.Values(imp.meta.Years)), Mismatches: mismatches, Normalised: imp.meta.Normalised}, nil
}

// smhiParsed is what writing a file's values found out about it.
type smhiParsed struct {
	meta            smhi.Meta
	checker         *smhi.Checker
	rows, values    int
	munis, counties map[string]bool
}

// writeValues parses the file and inserts its values, tagged with the
// release id, in the background while it parses. On an error the values
// written are discarded (they are invisible either way).
func (s *Store) writeValues(ctx context.Context, id string, in SMHIImport, places smhi.Places) (smhiParsed, error) {
	p := smhiParsed{checker: smhi.NewChecker(), munis: map[string]bool{}, counties: map[string]bool{}}
	writer := storage.NewBatchWriter[valueRow](ctx, s.DB, "smhi_values", 1)
	batch := make([]valueRow, 0, valueBatch)
	meta, err := smhi.Parse(bytes.NewReader(in.Content), places, func(r smhi.Row) error {
		p.add(r)
		for _, v := range r.Values {
			batch = append(batch, valueRow{ReleaseID: id, Substance: r.Substance, Level: string(r.Level), AreaCode: r.AreaCode,
				Sector: r.MainSector, Subsector: r.Subsector, Year: uint16(v.Year), Tonnes: v.Tonnes})
		}
		if in.Progress != nil && p.rows%2000 == 0 {
			in.Progress(p.rows)
		}
		if len(batch) < valueBatch {
			return nil
		}
		err := writer.Write(batch)
		batch = make([]valueRow, 0, valueBatch)
		return err
	})
	p.meta = meta
	if err == nil {
		err = writer.Write(batch)
	}
	written, werr := writer.Close()
	if err == nil {
		err = werr
	}
	if err != nil {
		if written > 0 || werr != nil {
			err = errors.Join(err, s.discard(id))
		}
		return p, err
	}
	if in.Progress != nil {
		in.Progress(p.rows)
	}
	return p, nil
}

// add counts a row and checks its totals.
func (p *smhiParsed) add(r smhi.Row) {
	p.checker.Add(r)
	p.rows++
	p.values += len(r.Values)
	switch r.Level {
	case smhi.LevelMunicipality:
		p.munis[r.AreaCode] = true
	case smhi.LevelCounty:
		p.counties[r.AreaCode] = true
	}
}

// releaseRows are the rows that commit a release: one per substance in the
// file (SMHI's exports may hold several, a sheet each), all with the file's
// release id, in substance order, imported by actor.
func (s *Store) releaseRows(actor kr.Actor, id string, release time.Time, sha string, in SMHIImport, p smhiParsed, mismatches []smhi.Mismatch) []releaseRow {
	checks, _ := json.Marshal(mismatches)
	years := make([]uint16, len(p.meta.Years))
	for i, y := range p.meta.Years {
		years[i] = uint16(y)
	}
	substances := map[string]bool{}
	for _, sh := range p.meta.Sheets {
		substances[sh.Substance] = true
	}
	if len(substances) == 0 {
		substances[p.meta.Substance] = true
	}
	var rows []releaseRow
	for _, sub := range slices.Sorted(maps.Keys(substances)) {
		rows = append(rows, releaseRow{ID: id, ReleaseDate: release, Substance: sub, FileName: in.FileName, SHA256: sha,
			NValues: uint64(p.values), Years: years, Checks: string(checks), ImportedBy: actor.Name(),
			ImportedAt: s.now().Truncate(time.Second)})
	}
	return rows
}

// discard removes the values of a release that was never committed. They
// are invisible either way; a failure here leaves them to Cleanup.
func (s *Store) discard(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.DB.Exec(ctx, "ALTER TABLE smhi_values DELETE WHERE toString(release_id) = ?", id); err != nil {
		return fmt.Errorf("national: removing the values of unfinished release %s: %w", id, err)
	}
	return nil
}
