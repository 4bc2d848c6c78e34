package publish

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
)

var countyCodeRe = regexp.MustCompile(`^\d{2}$`)

// CountyReport builds (once per snapshot) a county's report as of asOf (0:
// the calendar year) in the shape of a municipality's: SMHI's county
// figures (SMHI's own county rows, SCB's county population), compared per
// capita with Sweden and the members; for a region member (identified by
// its county code) its own reports, goals, plans and measures. Its
// municipality field holds the county (code, name, and itself as county).
func (snap *Snapshot) CountyReport(ctx context.Context, code string, asOf int) (*MunicipalityReport, error) {
	if !countyCodeRe.MatchString(code) {
		return nil, kr.E(kr.NotFound, "%q är ingen länskod (två siffror).", code)
	}
	name, ok := snap.countyName(code)
	if !ok {
		return nil, kr.E(kr.NotFound, "Det finns inget län med koden %s.", code)
	}
	asOf, err := snap.CheckAsOf(asOf)
	if err != nil {
		return nil, err
	}
	v, err := snap.memoAbout(fmt.Sprintf("county:%s:%d", code, asOf), []string{code}, func() (any, error) {
		groups := snap.groupAreas()
		g := groupFor(groups, code)
		area := kr.Municipality{Code: code, Name: name, CountyCode: code, CountyName: name}
		return snap.buildAreaReport(area, asOf, g.total, g.pop, []groupArea{groups[0], groups[1]}), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*MunicipalityReport), nil
}

func (snap *Snapshot) countyName(code string) (string, bool) {
	for _, c := range snap.Counties {
		if c.Code == code {
			return c.Name, true
		}
	}
	return "", false
}

// CountyMunicipalities returns the municipalities of a county, by name.
func (snap *Snapshot) CountyMunicipalities(code string) []kr.Municipality {
	var out []kr.Municipality
	for _, m := range snap.Municipalities {
		if m.CountyCode == code {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b kr.Municipality) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// CountyMemberList is MemberList's members of a county: the region (the
// county's own code) and the municipalities in it.
func (snap *Snapshot) CountyMemberList(rules compliance.Rules, code string) []ListedMember {
	out := []ListedMember{}
	for _, m := range snap.MemberList(rules) {
		if m.Code == code || snap.muni[m.Code].CountyCode == code {
			out = append(out, m)
		}
	}
	return out
}
