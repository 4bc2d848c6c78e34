package demo

import (
	"fmt"
	"math"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// Report is ex's made-up report for up.year: an inventory of the nine main
// sectors for 1990, 2005 and every year from 2010 to two years before the
// report year, each a little off SMHI's figure for the sector (own
// inventories differ), carried on at −2.5 % a year past SMHI's last year;
// goals for the total, for transport and for net zero; an action plan
// and five measures (an observer's has neither).
func Report(ex Example, name string, up upload, sectors map[string]analytics.Series) *kr.Report {
	y := up.year
	rep := &kr.Report{Details: kr.Details{Code: ex.Code, Name: name, ReportYear: y, Contact: ex.Officer.Name, Email: ex.Officer.Email,
		PoliticalContact: ex.Official.Name, Date: day(up.at.Year(), up.at.Month(), up.at.Day())}}
	years := []int{kr.FirstYear, 2005}
	for yr := 2010; yr <= y-2; yr++ {
		years = append(years, yr)
	}
	for _, yr := range years {
		for i, s := range kr.MainSectors() {
			v := kr.InventoryValue{Year: yr, Sector: s, Source: "Egen inventering (exempel)"}
			if t, ok := estimate(sectors[s], yr); ok {
				t = math.Round(t * (0.97 + 0.01*float64(i%5)) * (1 + 0.002*float64(y%3)))
				v.Tonnes = &t
			} else {
				v.Notation, v.Comment = "NO", "Förekommer inte i kommunen."
			}
			rep.Inventory = append(rep.Inventory, v)
		}
	}
	decided := day(2020, time.June, 15)
	transport := kr.MainSectors()[0]
	rep.Goals = []kr.Goal{
		{ID: "M1", Name: fmt.Sprintf("Minska utsläppen med %g procent till 2030 jämfört med 1990", ex.Reduction), Type: kr.GoalAbsolute,
			BaseYear: kr.FirstYear, TargetYear: 2030, ReductionPct: ex.Reduction, DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
		{ID: "M2", Name: "Halvera utsläppen från transporter till 2030 jämfört med 2010", Type: kr.GoalAbsolute, Sector: transport,
			BaseYear: 2010, TargetYear: 2030, ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
		{ID: "M3", Name: "Nettonollutsläpp senast 2045", Type: kr.GoalNetZero, BaseYear: kr.FirstYear, TargetYear: 2045,
			ReductionPct: 100, DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
	}
	if ex.Observer {
		return rep
	}
	rep.Plans = []kr.ActionPlan{{Name: fmt.Sprintf("Klimatplan %d–%d", y-2, y+5), Adopted: day(y-3, time.November, 20),
		DecidedBy: "Kommunfullmäktige", ValidFrom: y - 2, ValidTo: y + 5}}
	measures := []struct{ name, sector, status string }{
		{"Utbyggd cykelinfrastruktur", transport, kr.MeasureOngoing},
		{"Fossilfria kommunala fordon", transport, kr.MeasureDone},
		{"Energieffektivisering av kommunens lokaler", kr.MainSectors()[4], kr.MeasureOngoing},
		{"Biogas från avloppsslam", kr.MainSectors()[7], kr.MeasurePlanned},
		{"Solceller på kommunala tak", kr.MainSectors()[3], kr.MeasureDone},
	}
	for i, m := range measures {
		red := 50 * float64(i+1)
		if t, ok := estimate(sectors[m.sector], y-2); ok && t > 0 {
			red = math.Round(t * 0.02)
		}
		rep.Measures = append(rep.Measures, kr.Measure{ID: fmt.Sprintf("Å%d", i+1), Name: m.name, Sector: m.sector, Status: m.status,
			StartYear: y - 2, EndYear: y + 3, ExpectedReduction: &red, Responsible: "Miljöförvaltningen"})
	}
	return rep
}

// estimate is s's value in year: SMHI's own, interpolated between the
// years it has around year, its first before them, and falling 2.5 % a
// year after its last.
func estimate(s analytics.Series, year int) (float64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	if v, ok := s.Value(year); ok {
		return v, true
	}
	first, last := s[0], s[len(s)-1]
	switch {
	case year < first.Year:
		return first.Tonnes, true
	case year > last.Year:
		return last.Tonnes * math.Pow(0.975, float64(year-last.Year)), true
	}
	for i := 1; i < len(s); i++ {
		if s[i].Year > year {
			a, b := s[i-1], s[i]
			return a.Tonnes + (b.Tonnes-a.Tonnes)*float64(year-a.Year)/float64(b.Year-a.Year), true
		}
	}
	return last.Tonnes, true
}
