package opendata

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/compliance"
)

// complianceDataset is the members' standing against the four obligations
// per year: the status that counts (a reviewer's override, else the
// computed one), whether it was overridden and whether the result binds the
// member. The explanations, evidence and the review's comments and replies
// stay in the review: they can name people and drafts, and the statuses
// are what the association reports publicly.
var complianceDataset = Dataset{Title: "Medlemmarnas uppfyllelse av medlemskraven", Source: membersSource + "; Klimatkommunernas granskning", Licence: membersLicence,
	About: "Per medlem, år och krav (inventering, mål, handlingsplan, rapportering): status som gäller och om den är granskarens bedömning. Beräknat med dagens regler; ett år som pågår kan ändras.",
	Columns: []Column{
		{"area_code", "Kod", "Kommunkod eller länskod (region)."}, {"area_name", "Namn", "Kommunens eller länets namn."},
		{"year", "År", "Rapportåret."}, {"obligation", "Krav", "inventory, goals, plan eller reporting."},
		{"obligation_title", "Kravets namn", "Kravet på svenska."},
		{"status", "Status", "uppfyllt, delvis, saknas, ej förfallet eller försenat."},
		{"overridden", "Granskarens bedömning", "Ja (true i CSV) om en granskare har ändrat den beräknade statusen."},
		{"binding", "Bindande", "Nej (false i CSV) för observatörer och medlemmar som har lämnat."},
		{"evaluated", "Utvärderat", "När resultatet beräknades."},
	}}

// complianceRows evaluates every year from the first member's joining to
// this year, each as of now, and feeds one row per member, year and
// obligation.
func (b *Builder) complianceRows(ctx context.Context) (rowsFunc, error) {
	now := time.Now().UTC()
	first := now.Year()
	all, err := b.Compliance.Members.All(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		first = min(first, m.Joined.Year())
	}
	first = max(first, compliance.FirstReportYear)
	var reports []compliance.Report
	for y := first; y <= now.Year(); y++ {
		rep, err := b.Compliance.Evaluate(ctx, compliance.Query{Year: y, AsOf: now, NoTracking: true})
		if err != nil {
			return nil, err
		}
		reports = append(reports, rep)
	}
	return func(emit func([]any) error) error {
		for _, rep := range reports {
			day := rep.AsOf.Format(time.DateOnly)
			for _, m := range rep.Members {
				for _, r := range m.Obligations {
					if err := emit([]any{m.Code, m.Name, rep.Year, string(r.Obligation), r.Title, string(r.Status), r.Overridden, m.Binding, day}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}, nil
}
