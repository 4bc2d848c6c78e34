package figures

import (
	"context"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// Data is where figures come from: SMHI's releases and SCB's tables
// (national) and members' reports (submissions).
type Data struct {
	National *national.Store
	Reports  *submissions.Service
}

// CheckSource returns the source a query names ("" is SMHI's), or an
// Invalid error naming both.
func CheckSource(s string) (string, error) {
	switch s {
	case "":
		return analytics.SourceSMHI, nil
	case analytics.SourceSMHI, analytics.SourceReported:
		return s, nil
	}
	return "", kr.E(kr.Invalid, "Källan %q finns inte. Välj smhi (SMHI:s officiella siffror) eller reported (medlemmarnas egna).", s)
}

// AreaNames maps municipality and county codes (and "00") to names.
func (d Data) AreaNames(ctx context.Context) (map[string]string, error) {
	munis, err := d.National.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	counties, err := d.National.Counties(ctx)
	if err != nil {
		return nil, err
	}
	return Names(munis, counties), nil
}

// Names maps the codes of munis and counties, and "00" (Sverige), to their
// names.
func Names(munis []kr.Municipality, counties []kr.County) map[string]string {
	names := make(map[string]string, 1+len(munis)+len(counties))
	names["00"] = "Sverige"
	for _, m := range munis {
		names[m.Code] = m.Name
	}
	for _, c := range counties {
		names[c.Code] = c.Name
	}
	return names
}

// Populations loads every stored population figure.
func (d Data) Populations(ctx context.Context) (analytics.Populations, error) {
	rows, err := d.National.Population(ctx)
	if err != nil {
		return nil, err
	}
	p := analytics.Populations{}
	for _, r := range rows {
		if p[r.AreaCode] == nil {
			p[r.AreaCode] = map[int]int64{}
		}
		p[r.AreaCode][r.Year] = r.Persons
	}
	return p, nil
}
