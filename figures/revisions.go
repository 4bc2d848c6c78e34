package figures

import (
	"context"
	"slices"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// ReleaseRef names an SMHI release in an answer: what a comparison is
// between, what a compliance check followed goals up with.
type ReleaseRef struct {
	ID          string `json:"id"`
	Substance   string `json:"substance"`
	ReleaseDate string `json:"release_date"` // YYYY-MM-DD, when SMHI published it
	FileName    string `json:"file_name"`
}

// RefOf names rel; nil when there is no release (ID "").
func RefOf(rel national.Release) *ReleaseRef {
	if rel.ID == "" {
		return nil
	}
	return &ReleaseRef{ID: rel.ID, Substance: rel.Substance, ReleaseDate: rel.ReleaseDate.Format(time.DateOnly), FileName: rel.FileName}
}

// AreaRevisions is what changed for one area between two releases
// (analytics.Revisions: the total first, then each sector, by year).
type AreaRevisions struct {
	Code      string               `json:"municipality"`
	Name      string               `json:"name"`
	Revisions []analytics.Revision `json:"revisions"`
}

// Compared names what a comparison of two SMHI releases of one substance
// is between: From the older, To the newer. From is nil when there is only
// one release to compare, and then Note says so (in Swedish).
type Compared struct {
	Substance string      `json:"substance"`
	Unit      string      `json:"unit"`
	From      *ReleaseRef `json:"from"`
	To        *ReleaseRef `json:"to"`
	Note      string      `json:"note,omitempty"`
}

// Revisions is the comparison of two releases for some areas (none when
// there is nothing to compare).
type Revisions struct {
	Compared
	Areas []AreaRevisions `json:"areas"`
}

// NoEarlierRelease is the note of a comparison without an older release.
const NoEarlierRelease = "Det finns bara en SMHI-publicering i tjänsten, så det finns inget att jämföra med än."

// NoRelease is the note of a comparison when no release is imported.
const NoRelease = "Det finns ingen SMHI-publicering i tjänsten än."

// RevisionsFrom compares the series of older and newer (two releases'
// figures, as SMHIOf loads them) for each of codes, named by names. older
// without a release (Release.ID "") gives the note instead.
func RevisionsFrom(older, newer SMHI, codes []string, names map[string]string) Revisions {
	r := Revisions{Compared: Compared{Substance: newer.Substance, Unit: newer.Unit, From: RefOf(older.Release), To: RefOf(newer.Release)}, Areas: []AreaRevisions{}}
	switch {
	case r.To == nil:
		r.Note = NoRelease
		return r
	case r.From == nil:
		r.Note = NoEarlierRelease
		return r
	}
	for _, code := range codes {
		r.Areas = append(r.Areas, AreaRevisions{Code: code, Name: names[code],
			Revisions: analytics.Revisions(older.areaSeries(code), newer.areaSeries(code))})
	}
	return r
}

// areaSeries is one area's series keyed by sector, "" for the total.
func (f SMHI) areaSeries(code string) map[string]analytics.Series {
	out := map[string]analytics.Series{}
	if s, ok := f.Total[code]; ok {
		out[""] = s
	}
	for sector, s := range f.Sectors[code] {
		out[sector] = s
	}
	return out
}

// ReleasesOf lists the committed releases of substance, newest first.
func (d Data) ReleasesOf(ctx context.Context, substance string) ([]national.Release, error) {
	all, err := d.National.Releases(ctx)
	if err != nil {
		return nil, err
	}
	var out []national.Release
	for _, r := range all {
		if r.Substance == substance {
			out = append(out, r)
		}
	}
	return out, nil
}

// LoadRevisions compares the releases older and newer of substance for the
// areas codes, read from the database.
func (d Data) LoadRevisions(ctx context.Context, substance string, older, newer national.Release, codes []string, names map[string]string) (Revisions, error) {
	var before, after SMHI
	var err error
	if after, err = d.SMHIOf(ctx, substance, newer, codes); err != nil {
		return Revisions{}, err
	}
	if older.ID != "" {
		if before, err = d.SMHIOf(ctx, substance, older, codes); err != nil {
			return Revisions{}, err
		}
	}
	return RevisionsFrom(before, after, codes, names), nil
}

// AreaAnswer is GET /api/v1/municipalities/{code}/revisions: one area's
// revisions between the releases From and To.
type AreaAnswer struct {
	Code string `json:"municipality"`
	Name string `json:"name"`
	Compared
	Revisions []analytics.Revision `json:"revisions"`
}

// Area is r's answer for the area code (one of those compared).
func (r Revisions) Area(code, name string) AreaAnswer {
	a := AreaAnswer{Code: code, Name: name, Compared: r.Compared,
		Revisions: []analytics.Revision{}}
	for _, ar := range r.Areas {
		if ar.Code == code {
			a.Revisions = ar.Revisions
		}
	}
	return a
}

// SectorChange is a sector's revision of one year in the summary.
type SectorChange struct {
	Sector  string   `json:"sector"`
	Status  string   `json:"status"`
	Change  float64  `json:"change"`
	Percent *float64 `json:"percent"`
}

// YearChange is one area's year in the summary: the total's revision and
// the sectors that changed.
type YearChange struct {
	analytics.Revision
	Sectors []SectorChange `json:"sectors"`
}

// AreaSummary is one area's changed years.
type AreaSummary struct {
	Code  string       `json:"municipality"`
	Name  string       `json:"name"`
	Years []YearChange `json:"years"`
}

// Summary is GET /api/v1/revisions: per area only the years where the
// total or a sector changed (was revised, added or removed), each with the
// total's revision and the changed sectors, so that the answer grows with
// what SMHI revised, not with every figure of both releases.
type Summary struct {
	Compared
	Areas []AreaSummary `json:"municipalities"`
}

// Summary condenses r to the changed years of each area.
func (r Revisions) Summary() Summary {
	out := Summary{Compared: r.Compared, Areas: []AreaSummary{}}
	for _, ar := range r.Areas {
		years := map[int]*YearChange{}
		var order []int
		for _, rv := range ar.Revisions {
			y, ok := years[rv.Year]
			if !ok {
				y = &YearChange{Revision: analytics.Revision{Year: rv.Year, Status: analytics.RevisionUnchanged}, Sectors: []SectorChange{}}
				years[rv.Year] = y
				order = append(order, rv.Year)
			}
			switch {
			case rv.Sector == "":
				y.Revision = rv
			case rv.Status != analytics.RevisionUnchanged:
				y.Sectors = append(y.Sectors, SectorChange{Sector: rv.Sector, Status: rv.Status, Change: rv.Change, Percent: rv.Percent})
			}
		}
		slices.Sort(order)
		s := AreaSummary{Code: ar.Code, Name: ar.Name, Years: []YearChange{}}
		for _, yr := range order {
			if y := years[yr]; y.Status != analytics.RevisionUnchanged || len(y.Sectors) > 0 {
				s.Years = append(s.Years, *y)
			}
		}
		out.Areas = append(out.Areas, s)
	}
	return out
}
