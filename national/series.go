package national

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// AllGHG is SMHI's substance code for all greenhouse gases in CO2e.
const AllGHG = "GGT"

// Value is one SMHI figure.
type Value struct {
	AreaCode string  `ch:"area_code" json:"area_code"`
	Sector   string  `ch:"sector" json:"sector,omitempty"` // "" for all sectors
	Year     uint16  `ch:"year" json:"year"`
	Tonnes   float64 `ch:"tonnes" json:"tonnes"`
}

// Query selects SMHI figures.
type Query struct {
	Codes     []string // areas; empty means every municipality
	From, To  int      // years, inclusive; 0 for open
	BySector  bool     // main sectors instead of totals
	Substance string   // default DefaultSubstance
	Release   time.Time
}

// Values returns the figures of one release (the newest unless asked for),
// and the release.
func (s *Store) Values(ctx context.Context, q Query) ([]Value, Release, error) {
	if q.Substance == "" {
		var err error
		if q.Substance, err = s.DefaultSubstance(ctx); err != nil {
			return nil, Release{}, err
		}
	}
	rel, ok, err := s.ReleaseFor(ctx, q.Substance, q.Release)
	if err != nil {
		return nil, Release{}, err
	}
	if !ok {
		if !q.Release.IsZero() {
			return nil, Release{}, kr.E(kr.NotFound, "Det finns ingen SMHI-publicering av %s från %s.", q.Substance, q.Release.Format(time.DateOnly))
		}
		return []Value{}, Release{}, nil
	}
	to := q.To
	if to == 0 {
		to = 9999
	}
	sectorCond := "sector = ''"
	if q.BySector {
		sectorCond = "sector != ''"
	}
	sql := `SELECT area_code, sector, year, tonnes FROM smhi_values
		WHERE toString(release_id) = ? AND substance = ? AND subsector = '' AND ` + sectorCond + ` AND year >= ? AND year <= ?`
	args := []any{rel.ID, rel.Substance, q.From, to}
	if len(q.Codes) > 0 {
		sql += " AND has(?, area_code)"
		args = append(args, q.Codes)
	} else {
		sql += " AND level = 'municipality'"
	}
	sql += " ORDER BY area_code, sector, year"
	var out []Value
	if err := s.DB.Select(ctx, &out, sql, args...); err != nil {
		return nil, rel, err
	}
	return out, rel, nil
}
