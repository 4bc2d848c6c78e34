package national

import "context"

// ReleaseValue is one figure of a release as SMHI published it: any level
// (municipality, county, Sweden), main sector and subsector ("" for their
// totals).
type ReleaseValue struct {
	Level     string  `ch:"level"`
	AreaCode  string  `ch:"area_code"`
	Sector    string  `ch:"sector"`
	Subsector string  `ch:"subsector"`
	Year      uint16  `ch:"year"`
	Tonnes    float64 `ch:"tonnes"`
}

// ReleaseAreas lists the area codes rel has figures for, sorted.
func (s *Store) ReleaseAreas(ctx context.Context, rel Release) ([]string, error) {
	var rows []struct {
		AreaCode string `ch:"area_code"`
	}
	if err := s.DB.Select(ctx, &rows, `SELECT DISTINCT area_code FROM smhi_values
		WHERE toString(release_id) = ? AND substance = ? ORDER BY area_code`, rel.ID, rel.Substance); err != nil {
		return nil, err
	}
	codes := make([]string, len(rows))
	for i, r := range rows {
		codes[i] = r.AreaCode
	}
	return codes, nil
}

// ReleaseValues returns every figure of rel for the areas codes, ordered by
// area, sector, subsector and year; callers read a release a few areas at
// a time so that memory stays bounded.
func (s *Store) ReleaseValues(ctx context.Context, rel Release, codes []string) ([]ReleaseValue, error) {
	var vals []ReleaseValue
	err := s.DB.Select(ctx, &vals, `SELECT toString(level) AS level, area_code, sector, subsector, year, tonnes
		FROM smhi_values WHERE toString(release_id) = ? AND substance = ? AND has(?, area_code)
		ORDER BY area_code, sector, subsector, year`, rel.ID, rel.Substance, codes)
	return vals, err
}
