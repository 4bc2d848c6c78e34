package submissions

import "context"

// SubsectorValue is a reported figure of a subsector for a municipality
// and year: its all-gases row when there is one, else the sum of its
// per-gas rows (notation keys count as nothing).
type SubsectorValue struct {
	Code      string  `ch:"municipality_code"`
	Year      uint16  `ch:"year"`
	Sector    string  `ch:"sector"`
	Subsector string  `ch:"subsector"`
	Tonnes    float64 `ch:"tonnes"`
}

// SubsectorSeries returns the current reported subsector figures (see
// VisibleSQL) of the given municipalities (every one with reports when
// codes is empty), ordered by municipality, year, sector and subsector:
// what the GPC view takes a split main sector apart by.
func (s *Service) SubsectorSeries(ctx context.Context, codes []string) ([]SubsectorValue, error) {
	cond, args := VisibleSQL("inventory_values", Scope{Codes: codes})
	sql := `SELECT municipality_code, year, sector, subsector,
		if(countIf(gas = '') > 0, sumIf(ifNull(tonnes, 0), gas = ''), sumIf(ifNull(tonnes, 0), gas != '')) AS tonnes
		FROM inventory_values WHERE ` + cond + ` AND subsector != ''
		GROUP BY municipality_code, year, sector, subsector
		ORDER BY municipality_code, year, sector, subsector`
	var out []SubsectorValue
	if err := s.DB.Select(ctx, &out, sql, args...); err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
