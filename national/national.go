// Package national keeps the official reference data in the database: SCB's
// municipalities, counties and population, and SMHI's emission releases. It
// imports the files (parsed by package reference) and answers queries over
// them. Every SMHI import is a release of its own; queries use the newest
// release of a substance unless one is asked for.
package national

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Store is the national data in one database.
type Store struct {
	DB  storage.DB
	Now func() time.Time
	// OnChange is called after an import commits (caches).
	OnChange func()

	mu    sync.Mutex
	names *smhi.Names // cached; nil until loaded or after an import
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Store) changed() {
	s.mu.Lock()
	s.names = nil
	s.mu.Unlock()
	if s.OnChange != nil {
		s.OnChange()
	}
}

type countyRow struct {
	Code    string `ch:"code"`
	Name    string `ch:"name"`
	Version uint64 `ch:"version"`
}

type municipalityRow struct {
	Code       string `ch:"code"`
	Name       string `ch:"name"`
	CountyCode string `ch:"county_code"`
	Version    uint64 `ch:"version"`
}

type populationRow struct {
	AreaCode string `ch:"area_code"`
	Year     uint16 `ch:"year"`
	Persons  uint64 `ch:"persons"`
	Source   string `ch:"source"`
	Version  uint64 `ch:"version"`
}

// PlacesSummary reports an import of the municipality list.
type PlacesSummary struct {
	Municipalities int `json:"municipalities"`
	Counties       int `json:"counties"`
}

// ImportMunicipalities reads SCB's municipality list (CSV) and stores its
// municipalities and counties as the current list.
func (s *Store) ImportMunicipalities(ctx context.Context, r io.Reader) (PlacesSummary, error) {
	munis, counties, err := smhi.ParseMunicipalities(r)
	if err != nil {
		return PlacesSummary{}, err
	}
	if len(munis) == 0 {
		return PlacesSummary{}, kr.E(kr.Invalid, "Kommunlistan innehåller inga kommuner.")
	}
	v := uint64(s.now().UnixNano())
	cr := make([]countyRow, len(counties))
	for i, c := range counties {
		cr[i] = countyRow{c.Code, c.Name, v}
	}
	mr := make([]municipalityRow, len(munis))
	for i, m := range munis {
		mr[i] = municipalityRow{m.Code, m.Name, m.CountyCode, v}
	}
	// Counties first: a municipality row never refers to an unknown county.
	if err := s.DB.Insert(ctx, "counties", cr); err != nil {
		return PlacesSummary{}, err
	}
	if err := s.DB.Insert(ctx, "municipalities", mr); err != nil {
		return PlacesSummary{}, err
	}
	s.changed()
	return PlacesSummary{Municipalities: len(mr), Counties: len(cr)}, nil
}

// PopulationSummary reports an import of SCB's population table.
type PopulationSummary struct {
	Year           int   `json:"year"`
	Areas          int   `json:"areas"`
	Sweden         int64 `json:"sweden"`
	Municipalities int   `json:"municipalities"`
	Counties       int   `json:"counties"`
}

// ImportPopulation reads SCB's BE0101 table; year 0 takes it from the file.
func (s *Store) ImportPopulation(ctx context.Context, r io.Reader, year int) (PopulationSummary, error) {
	var rows []populationRow
	var sum PopulationSummary
	v := uint64(s.now().UnixNano())
	meta, err := smhi.ParsePopulation(r, year, func(p kr.Population) error {
		rows = append(rows, populationRow{p.AreaCode, uint16(p.Year), uint64(p.Persons), "SCB BE0101", v})
		switch len(p.AreaCode) {
		case 4:
			sum.Municipalities++
		case 2:
			if p.AreaCode == smhi.SwedenCode {
				sum.Sweden = p.Persons
			} else {
				sum.Counties++
			}
		}
		return nil
	})
	if err != nil {
		return PopulationSummary{}, err
	}
	if len(rows) == 0 {
		return PopulationSummary{}, kr.E(kr.Invalid, "Befolkningstabellen innehåller inga rader.")
	}
	if err := s.DB.Insert(ctx, "population", rows); err != nil {
		return PopulationSummary{}, err
	}
	sum.Year, sum.Areas = meta.Year, len(rows)
	s.changed()
	return sum, nil
}

// Names returns the place-name table built from the stored municipality
// list, which SMHI's files (names only) are mapped through.
func (s *Store) Names(ctx context.Context) (*smhi.Names, error) {
	s.mu.Lock()
	n := s.names
	s.mu.Unlock()
	if n != nil {
		return n, nil
	}
	counties, err := s.Counties(ctx)
	if err != nil {
		return nil, err
	}
	munis, err := s.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	if len(munis) == 0 {
		return nil, kr.E(kr.Invalid, "Kommunlistan är inte inläst. Läs in den först: klimatrapport import municipalities FIL.csv")
	}
	n = smhi.NewNames(munis, counties)
	s.mu.Lock()
	s.names = n
	s.mu.Unlock()
	return n, nil
}

// Counties returns the current counties in code order.
func (s *Store) Counties(ctx context.Context) ([]kr.County, error) {
	var rows []struct {
		Code string `ch:"code"`
		Name string `ch:"name"`
	}
	if err := s.DB.Select(ctx, &rows, "SELECT code, argMax(name, version) AS name FROM counties GROUP BY code ORDER BY code"); err != nil {
		return nil, err
	}
	out := make([]kr.County, len(rows))
	for i, r := range rows {
		out[i] = kr.County{Code: r.Code, Name: r.Name}
	}
	return out, nil
}

// Municipalities returns the current municipalities with their counties, in
// code order.
func (s *Store) Municipalities(ctx context.Context) ([]kr.Municipality, error) {
	var rows []struct {
		Code       string `ch:"code"`
		Name       string `ch:"name"`
		CountyCode string `ch:"county_code"`
		CountyName string `ch:"county_name"`
	}
	if err := s.DB.Select(ctx, &rows, `SELECT m.code AS code, m.name AS name, m.county_code AS county_code, c.name AS county_name FROM (
			SELECT code, argMax(name, version) AS name, argMax(county_code, version) AS county_code FROM municipalities GROUP BY code
		) AS m ALL LEFT JOIN (
			SELECT code AS county_code, argMax(name, version) AS name FROM counties GROUP BY code
		) AS c USING county_code ORDER BY code`); err != nil {
		return nil, err
	}
	out := make([]kr.Municipality, len(rows))
	for i, r := range rows {
		out[i] = kr.Municipality{Code: r.Code, Name: r.Name, CountyCode: r.CountyCode, CountyName: r.CountyName}
	}
	return out, nil
}

// Population returns the newest stored population of each area and year.
func (s *Store) Population(ctx context.Context) ([]kr.Population, error) {
	var rows []struct {
		AreaCode string `ch:"area_code"`
		Year     uint16 `ch:"year"`
		Persons  uint64 `ch:"persons"`
	}
	if err := s.DB.Select(ctx, &rows, "SELECT area_code, year, argMax(persons, version) AS persons FROM population GROUP BY area_code, year ORDER BY area_code, year"); err != nil {
		return nil, err
	}
	out := make([]kr.Population, len(rows))
	for i, r := range rows {
		out[i] = kr.Population{AreaCode: r.AreaCode, Year: int(r.Year), Persons: int64(r.Persons)}
	}
	return out, nil
}

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

const releaseColumns = "toString(id) AS id, release_date, substance, file_name, sha256, n_values, years, checks, imported_by, imported_at"

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

// SMHIImport describes one file to import.
type SMHIImport struct {
	FileName string
	Content  []byte
	// Release overrides the release date found in the file's report name.
	Release time.Time
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(rows int)
	Actor    kr.Actor
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

// ImportSMHI imports one SMHI export as a release. The values are written
// first, tagged with the release id; the release row is written last and
// makes them visible. A file that fails to parse leaves nothing visible.
// Importing the identical file again changes nothing.
func (s *Store) ImportSMHI(ctx context.Context, in SMHIImport) (SMHISummary, error) {
	sum := sha256.Sum256(in.Content)
	sha := hex.EncodeToString(sum[:])
	var existing []releaseRow
	if err := s.DB.Select(ctx, &existing, "SELECT "+releaseColumns+" FROM smhi_releases WHERE sha256 = ? LIMIT 1", sha); err != nil {
		return SMHISummary{}, err
	}
	if len(existing) > 0 {
		rel := existing[0].release()
		return SMHISummary{Release: rel, AlreadyPresent: true, Years: rel.Years, Rows: rel.Values}, nil
	}
	names, err := s.Names(ctx)
	if err != nil {
		return SMHISummary{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	checker := smhi.NewSMHIChecker()
	// Values are inserted in the background while the file is parsed.
	writer := storage.NewBatchWriter[valueRow](ctx, s.DB, "smhi_values", 1)
	batch := make([]valueRow, 0, valueBatch)
	munis, counties := map[string]bool{}, map[string]bool{}
	rows, values := 0, 0
	meta, err := smhi.ParseSMHI(bytes.NewReader(in.Content), names, func(r smhi.SMHIRow) error {
		checker.Add(r)
		rows++
		switch r.Level {
		case smhi.LevelMunicipality:
			munis[r.AreaCode] = true
		case smhi.LevelCounty:
			counties[r.AreaCode] = true
		}
		values += len(r.Values)
		for _, v := range r.Values {
			batch = append(batch, valueRow{ReleaseID: id, Substance: r.Substance, Level: string(r.Level), AreaCode: r.AreaCode,
				Sector: r.MainSector, Subsector: r.Subsector, Year: uint16(v.Year), Tonnes: v.Tonnes})
		}
		if in.Progress != nil && rows%2000 == 0 {
			in.Progress(rows)
		}
		if len(batch) >= valueBatch {
			err := writer.Write(batch)
			batch = make([]valueRow, 0, valueBatch)
			return err
		}
		return nil
	})
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
		return SMHISummary{}, err
	}
	if in.Progress != nil {
		in.Progress(rows)
	}
	release := in.Release
	if release.IsZero() {
		release = meta.ReleaseDate
	}
	if release.IsZero() {
		err := kr.E(kr.Invalid, "Filen anger inget publiceringsdatum. Ange det med --release ÅÅÅÅ-MM-DD.")
		return SMHISummary{}, errors.Join(err, s.discard(id))
	}
	mismatches := checker.Mismatches()
	if mismatches == nil {
		mismatches = []smhi.Mismatch{}
	}
	checks, _ := json.Marshal(mismatches)
	var years []uint16
	for _, y := range meta.Years {
		years = append(years, uint16(y))
	}
	// One release row per substance in the file (SMHI's exports may hold
	// several, a sheet each), all with the file's release id; written last,
	// in one insert, they make the values visible.
	perSubstance := map[string]int{}
	for _, sh := range meta.Sheets {
		perSubstance[sh.Substance] += sh.Rows
	}
	if len(perSubstance) == 0 {
		perSubstance[meta.Substance] = rows
	}
	var releaseRows []releaseRow
	for sub := range perSubstance {
		releaseRows = append(releaseRows, releaseRow{ID: id, ReleaseDate: release, Substance: sub, FileName: in.FileName, SHA256: sha,
			NValues: uint64(values), Years: years, Checks: string(checks), ImportedBy: in.Actor.Name(),
			ImportedAt: s.now().Truncate(time.Second)})
	}
	sort.Slice(releaseRows, func(i, j int) bool { return releaseRows[i].Substance < releaseRows[j].Substance })
	row := releaseRows[0]
	for _, r := range releaseRows {
		if r.Substance == meta.Substance {
			row = r
		}
	}
	if err := s.DB.Insert(ctx, "smhi_releases", releaseRows); err != nil {
		return SMHISummary{}, errors.Join(err, s.discard(id))
	}
	s.changed()
	out := SMHISummary{Release: row.release(), Rows: rows, Municipalities: len(munis), Counties: len(counties),
		Years: meta.Years, Mismatches: mismatches, Normalised: meta.Normalised}
	sort.Ints(out.Years)
	return out, nil
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
