package national

import "context"

// SubsectorValue is one SMHI figure of a subsector of a municipality.
type SubsectorValue struct {
	AreaCode  string  `ch:"area_code"`
	Sector    string  `ch:"sector"`
	Subsector string  `ch:"subsector"`
	Year      uint16  `ch:"year"`
	Tonnes    float64 `ch:"tonnes"`
}

// SubsectorValues returns the subsector figures of the main sectors listed
// for every municipality in the release rel (of its substance), ordered by
// municipality, sector, subsector and year. The GPC view takes the main
// sectors apart that its rows split.
func (s *Store) SubsectorValues(ctx context.Context, rel Release, sectors []string) ([]SubsectorValue, error) {
	var out []SubsectorValue
	if rel.ID == "" || len(sectors) == 0 {
		return out, nil
	}
	err := s.DB.Select(ctx, &out, `SELECT area_code, sector, subsector, year, tonnes FROM smhi_values
		WHERE toString(release_id) = ? AND substance = ? AND level = 'municipality' AND subsector != '' AND has(?, sector)
		ORDER BY area_code, sector, subsector, year`, rel.ID, rel.Substance, sectors)
	return out, err
}
