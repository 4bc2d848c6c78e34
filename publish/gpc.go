package publish

import (
	"slices"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

// GPCInventory is a municipality's inventory by GPC sector and scope
// (analytics.GPC over the mapping kr.GPCRows), every year: from SMHI's
// published release and from the member's own reports. The page shows the
// newest year; the exports every year.
type GPCInventory struct {
	Municipality kr.Municipality `json:"municipality"`
	SMHI         *GPCSource      `json:"smhi"`     // nil without an SMHI release with the municipality's sectors
	Reported     *GPCSource      `json:"reported"` // nil without accepted reports
}

// GPCSource is one source's inventory by GPC row, per year (oldest first).
type GPCSource struct {
	Source    string    `json:"source"`
	Release   string    `json:"release,omitempty"`   // SMHI: the release date
	Substance string    `json:"substance,omitempty"` // SMHI
	Unit      string    `json:"unit"`
	Years     []GPCYear `json:"years"`
	ByMain    bool      `json:"by_main_sector"` // the figures come per main sector only: split sectors go whole to one row
}

// GPCYear is one year's lines.
type GPCYear struct {
	Year  int                 `json:"year"`
	Lines []analytics.GPCLine `json:"lines"`
}

// Latest returns the newest year's lines; ok false without years.
func (s *GPCSource) Latest() (GPCYear, bool) {
	if s == nil || len(s.Years) == 0 {
		return GPCYear{}, false
	}
	return s.Years[len(s.Years)-1], true
}

// GPC returns a municipality's inventory by GPC sector and scope; NotFound
// for an unknown code. Cheap (a few hundred additions a year), so not
// memoised: the page and the exports that show it are.
func (snap *Snapshot) GPC(code string) (*GPCInventory, error) {
	if !codeRe.MatchString(code) {
		return nil, kr.E(kr.NotFound, "%q är ingen kommunkod (fyra siffror).", code)
	}
	muni, ok := snap.muni[code]
	if !ok {
		return nil, kr.E(kr.NotFound, "Det finns ingen kommun med koden %s.", code)
	}
	inv := &GPCInventory{Municipality: muni}
	if snap.Release.ID != "" && len(snap.smhi.Sectors[code]) > 0 {
		inv.SMHI = &GPCSource{Source: analytics.SourceSMHI, Release: snap.Release.ReleaseDate.Format(time.DateOnly),
			Substance: snap.Substance, Unit: snap.Unit,
			Years: gpcYears(snap.smhi.Sectors[code], func(y int) map[string]map[string]float64 { return snap.smhiSubs.Of(code, y) })}
	}
	if rep := snap.reports.series[code]; rep != nil && len(rep.Sectors) > 0 {
		subs := snap.reports.subs[code]
		inv.Reported = &GPCSource{Source: analytics.SourceReported, Unit: figures.ReportedUnit, ByMain: len(subs) == 0,
			Years: gpcYears(rep.Sectors, func(y int) map[string]map[string]float64 { return subs[y] })}
	}
	return inv, nil
}

// gpcYears maps each year of the main-sector series (with that year's
// subsector figures) to GPC rows.
func gpcYears(sectors map[string]analytics.Series, subs func(year int) map[string]map[string]float64) []GPCYear {
	var years []int
	for _, s := range sectors {
		for _, p := range s {
			if !slices.Contains(years, p.Year) {
				years = append(years, p.Year)
			}
		}
	}
	slices.Sort(years)
	out := make([]GPCYear, 0, len(years))
	for _, y := range years {
		f := analytics.SectorFigures{Sectors: map[string]float64{}, Subsectors: subs(y)}
		for main, s := range sectors {
			if v, ok := s.Value(y); ok {
				f.Sectors[main] = v
			}
		}
		out = append(out, GPCYear{Year: y, Lines: analytics.GPC(y, f)})
	}
	return out
}
