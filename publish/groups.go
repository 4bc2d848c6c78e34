package publish

import (
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// groupArea is a group of municipalities taken as one area.
type groupArea struct {
	key   string // "sweden", "members", "county:12"
	avg   analytics.GroupAverage
	codes []string         // its municipalities
	total analytics.Series // SMHI totals (SMHI's own for Sweden and counties, the sum for members)
	pop   analytics.PopulationFunc
}

func groupFor(groups []groupArea, county string) groupArea {
	for _, g := range groups {
		if g.key == analytics.GroupCounty+":"+county {
			return g
		}
	}
	return groupArea{}
}

// groupAreas returns Sweden, the members and each county, in that order
// (memoised).
func (snap *Snapshot) groupAreas() []groupArea {
	v, _ := snap.Memo("groups", func() (any, error) {
		all := make([]string, 0, len(snap.Municipalities))
		byCounty := map[string][]string{}
		for _, m := range snap.Municipalities {
			all = append(all, m.Code)
			byCounty[m.CountyCode] = append(byCounty[m.CountyCode], m.Code)
		}
		sweden := snap.smhi.Total["00"]
		if len(sweden) == 0 {
			sweden = snap.sumSMHI(all)
		}
		swedenPop := analytics.AreaPopulation(snap.Population, "00")
		if _, ok := snap.Population["00"]; !ok {
			swedenPop = analytics.GroupPopulation(snap.Population, all)
		}
		mem := snap.ActiveMunicipalityMembers()
		groups := []groupArea{
			{key: analytics.GroupSweden, avg: analytics.GroupAverage{Group: analytics.GroupSweden, Code: "00", Name: "Sverige"}, codes: all, total: sweden, pop: swedenPop},
			{key: analytics.GroupMembers, avg: analytics.GroupAverage{Group: analytics.GroupMembers, Name: "Klimatkommunernas medlemmar"}, codes: mem,
				total: snap.sumSMHI(mem), pop: analytics.GroupPopulation(snap.Population, mem)},
		}
		for _, c := range snap.Counties {
			total := snap.smhi.Total[c.Code]
			if len(total) == 0 {
				total = snap.sumSMHI(byCounty[c.Code])
			}
			pop := analytics.AreaPopulation(snap.Population, c.Code)
			if _, ok := snap.Population[c.Code]; !ok {
				pop = analytics.GroupPopulation(snap.Population, byCounty[c.Code])
			}
			groups = append(groups, groupArea{key: analytics.GroupCounty + ":" + c.Code, avg: analytics.GroupAverage{Group: analytics.GroupCounty, Code: c.Code, Name: c.Name},
				codes: byCounty[c.Code], total: total, pop: pop})
		}
		return groups, nil
	})
	return v.([]groupArea)
}

func (snap *Snapshot) sumSMHI(codes []string) analytics.Series {
	ss := make([]analytics.Series, 0, len(codes))
	for _, c := range codes {
		ss = append(ss, snap.smhi.Total[c])
	}
	return analytics.SumSeries(ss)
}
