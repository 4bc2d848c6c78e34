package national

import (
	"context"
	"io"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

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
// municipalities and counties as the current list. actor must be allowed
// to import national data.
func (s *Store) ImportMunicipalities(ctx context.Context, actor kr.Actor, r io.Reader) (PlacesSummary, error) {
	if err := mayImport(actor); err != nil {
		return PlacesSummary{}, err
	}
	munis, counties, err := scb.ParseMunicipalities(r)
	if err != nil {
		return PlacesSummary{}, err
	}
	v := s.clock.Version(s.now())
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
// actor must be allowed to import national data.
func (s *Store) ImportPopulation(ctx context.Context, actor kr.Actor, r io.Reader, year int) (PopulationSummary, error) {
	if err := mayImport(actor); err != nil {
		return PopulationSummary{}, err
	}
	var rows []populationRow
	var sum PopulationSummary
	v := s.clock.Version(s.now())
	meta, err := scb.ParsePopulation(r, year, func(p kr.Population) error {
		rows = append(rows, populationRow{p.AreaCode, uint16(p.Year), uint64(p.Persons), "SCB BE0101", v})
		switch {
		case len(p.AreaCode) == 4:
			sum.Municipalities++
		case p.AreaCode == scb.SwedenCode:
			sum.Sweden = p.Persons
		default:
			sum.Counties++
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

// Counties returns the current counties in code order.
func (s *Store) Counties(ctx context.Context) ([]kr.County, error) {
	var rows []struct {
		Code string `ch:"code"`
		Name string `ch:"name"`
	}
	if err := s.DB.Select(ctx, &rows, storage.Latest("counties", []string{"code"}, []string{"name"}, "")+" ORDER BY code"); err != nil {
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
	munis := storage.Latest("municipalities", []string{"code"}, []string{"name", "county_code"}, "")
	counties := storage.Latest("counties", []string{"code AS county_code"}, []string{"name"}, "")
	if err := s.DB.Select(ctx, &rows, `SELECT m.code AS code, m.name AS name, m.county_code AS county_code, c.name AS county_name
		FROM (`+munis+`) AS m ALL LEFT JOIN (`+counties+`) AS c USING county_code ORDER BY code`); err != nil {
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
	if err := s.DB.Select(ctx, &rows, storage.Latest("population", []string{"area_code", "year"}, []string{"persons"}, "")+" ORDER BY area_code, year"); err != nil {
		return nil, err
	}
	out := make([]kr.Population, len(rows))
	for i, r := range rows {
		out[i] = kr.Population{AreaCode: r.AreaCode, Year: int(r.Year), Persons: int64(r.Persons)}
	}
	return out, nil
}
