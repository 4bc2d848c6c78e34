package opendata

import (
	"context"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

const (
	smhiSource  = "SMHI, Nationella emissionsdatabasen"
	smhiLicence = "CC BY 4.0 (källa: SMHI)"
	// The members' reports have no licence of their own in the project's
	// documents; they are published under CC BY 4.0 with Klimatkommunerna
	// as the one to name.
	membersSource  = "Medlemmarnas rapporter till Klimatkommunerna (den senaste godkända inlämningen per år)"
	membersLicence = "CC BY 4.0 (källa: Klimatkommunerna)"
)

// ReleaseDataset describes a release's file.
func ReleaseDataset(r national.Release) Dataset {
	return Dataset{Title: "SMHI:s publicering " + r.ReleaseDate.Format(time.DateOnly) + ", " + r.Substance,
		About:  "Alla värden i SMHI:s fil " + r.FileName + " (sha256 " + r.SHA256 + ") i lång form: en rad per område, sektor, undersektor och år.",
		Source: smhiSource, Licence: smhiLicence,
		Columns: []Column{
			{"release_id", "Publicering (id)", "Publiceringens id i tjänsten."},
			{"release_date", "Publiceringsdatum", "Dagen SMHI publicerade siffrorna."},
			{"area_code", "Områdeskod", "Kommunkod (fyra siffror), länskod (två) eller 00 för Sverige."},
			{"area_name", "Område", "Kommunens, länets eller landets namn enligt SCB."},
			{"level", "Nivå", "municipality (kommun), county (län) eller country (Sverige), som SMHI anger."},
			{"year", "År", "Året utsläppen gäller."},
			{"main_sector", "Huvudsektor", "SMHI:s huvudsektor; tom för alla sektorer."},
			{"subsector", "Undersektor", "SMHI:s undersektor; tom för huvudsektorns summa."},
			{"substance", "Ämne", "SMHI:s ämneskod, t.ex. GGT (alla växthusgaser, CO2e) eller CO2."},
			{"tonnes", "Utsläpp (ton)", "Utsläppet i ton (CO2e för GGT)."},
		}}
}

// releaseRows streams a release's values, a few areas per query, so that
// at most one batch of rows is held at a time.
func (b *Builder) releaseRows(ctx context.Context, r national.Release, names map[string]string) rowsFunc {
	return func(emit func([]any) error) error {
		codes, err := b.National.ReleaseAreas(ctx, r)
		if err != nil {
			return err
		}
		per := b.PageAreas
		if per <= 0 {
			per = defaultPageAreas
		}
		date := r.ReleaseDate.Format(time.DateOnly)
		for batch := range slices.Chunk(codes, per) {
			vals, err := b.National.ReleaseValues(ctx, r, batch)
			if err != nil {
				return err
			}
			for _, v := range vals {
				if err := emit([]any{r.ID, date, v.AreaCode, names[v.AreaCode], v.Level, int(v.Year), v.Sector, v.Subsector, r.Substance, v.Tonnes}); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// buildRelease writes a release's two files.
func (b *Builder) buildRelease(ctx context.Context, r national.Release) error {
	names, err := figures.Data{National: b.National}.AreaNames(ctx)
	if err != nil {
		return err
	}
	d, rows, dataset := ReleaseDataset(r), b.releaseRows(ctx, r, names), "smhi-"+r.ID
	if err := b.write(dataset, XLSX, func(w io.Writer) (int, error) { return writeXLSX(w, d, "Utsläpp", r.ImportedAt, rows) }); err != nil {
		return err
	}
	return b.write(dataset, CSVGz, func(w io.Writer) (int, error) { return writeCSVGz(w, d, rows) })
}

// MembersDatasets are the members' files by dataset name.
var MembersDatasets = map[string]Dataset{
	"medlemmar-kraven": complianceDataset,
	"medlemmar-utslapp": {Title: "Medlemmarnas rapporterade utsläpp", Source: membersSource, Licence: membersLicence,
		About: "Utsläpp per huvudsektor och år som medlemmarna själva rapporterat, ur den senaste godkända inlämningen.",
		Columns: []Column{
			{"area_code", "Kod", "Kommunkod eller länskod (region)."}, {"area_name", "Namn", "Kommunens eller länets namn enligt SCB."},
			{"year", "År", "Året utsläppen gäller."}, {"main_sector", "Huvudsektor", "Huvudsektorn (SMHI:s indelning)."},
			{"tonnes", "Utsläpp (ton CO2e)", "Sektorns utsläpp i ton CO2e."}, {"submission_id", "Inlämning", "Id för inlämningen siffran kommer från."},
		}},
	"medlemmar-mal": {Title: "Medlemmarnas klimatmål", Source: membersSource, Licence: membersLicence,
		About: "Utsläppsmål som medlemmarna beslutat, ur den senaste godkända inlämningen.",
		Columns: []Column{
			{"area_code", "Kod", "Kommunkod eller länskod (region)."}, {"area_name", "Namn", "Kommunens eller länets namn."},
			{"goal_id", "Mål-id", "Målets id i rapporten."}, {"name", "Mål", "Målets namn."}, {"type", "Typ", "Måltyp."},
			{"main_sector", "Sektor", "Sektorn målet gäller; tom för alla."}, {"base_year", "Basår", "Året minskningen räknas från."},
			{"target_year", "Målår", "Året målet ska nås."}, {"reduction_pct", "Minskning (%)", "Minskning i procent från basåret."},
			{"decided_by", "Beslutat av", "Vem som beslutade målet."}, {"decided_on", "Beslutsdatum", "När målet beslutades."},
		}},
	"medlemmar-atgarder": {Title: "Medlemmarnas handlingsplaner och åtgärder", Source: membersSource, Licence: membersLicence,
		About: "Handlingsplaner (kind plan) och deras åtgärder (kind measure), ur den senaste godkända inlämningen.",
		Columns: []Column{
			{"area_code", "Kod", "Kommunkod eller länskod (region)."}, {"area_name", "Namn", "Kommunens eller länets namn."},
			{"kind", "Slag", "plan (handlingsplan) eller measure (åtgärd)."}, {"id", "Id", "Åtgärdens id; tomt för planer."},
			{"name", "Namn på plan eller åtgärd", "Planens eller åtgärdens namn."}, {"main_sector", "Sektor", "Åtgärdens sektor."},
			{"status", "Status", "Åtgärdens status."}, {"from_year", "Från år", "Planens första giltiga år, åtgärdens startår."},
			{"to_year", "Till år", "Planens sista giltiga år, åtgärdens slutår."},
			{"expected_reduction", "Förväntad minskning (ton CO2e/år)", "Åtgärdens förväntade minskning."},
			{"responsible", "Ansvarig", "Vem som ansvarar (åtgärd) eller beslutade (plan)."},
		}},
}

func orNil(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// buildMembers writes the members' files as generation gen sees them.
// The members' data is small (a few thousand rows), so it is read at once.
func (b *Builder) buildMembers(ctx context.Context, gen uint64) error {
	names, err := figures.Data{National: b.National}.AreaNames(ctx)
	if err != nil {
		return err
	}
	series, err := b.Submissions.Series(ctx, submissions.SeriesQuery{BySector: true})
	if err != nil {
		return err
	}
	sheets, err := b.Submissions.SheetsOf(ctx, nil)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(sheets))
	for c := range sheets {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	kraven, err := b.complianceRows(ctx)
	if err != nil {
		return err
	}
	rows := map[string]rowsFunc{
		"medlemmar-kraven": kraven,
		"medlemmar-utslapp": func(emit func([]any) error) error {
			for _, v := range series {
				if err := emit([]any{v.Code, names[v.Code], int(v.Year), v.Sector, v.Tonnes, v.SubmissionID}); err != nil {
					return err
				}
			}
			return nil
		},
		"medlemmar-mal": func(emit func([]any) error) error {
			for _, c := range codes {
				for _, g := range sheets[c].Goals {
					if err := emit([]any{c, names[c], g.ID, g.Name, g.Type, g.Sector, orNil(g.BaseYear), orNil(g.TargetYear), g.ReductionPct, g.DecidedBy, dateOrNil(g.DecidedOn)}); err != nil {
						return err
					}
				}
			}
			return nil
		},
		"medlemmar-atgarder": func(emit func([]any) error) error {
			for _, c := range codes {
				for _, p := range sheets[c].Plans {
					if err := emit([]any{c, names[c], "plan", "", p.Name, "", "", orNil(p.ValidFrom), orNil(p.ValidTo), nil, p.DecidedBy}); err != nil {
						return err
					}
				}
				for _, m := range sheets[c].Measures {
					if err := emit([]any{c, names[c], "measure", m.ID, m.Name, m.Sector, m.Status, orNil(m.StartYear), orNil(m.EndYear), m.ExpectedReduction, m.Responsible}); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
	now := time.Now()
	for _, name := range MembersNames() {
		d, fill := MembersDatasets[name], rows[name]
		sheet := strings.TrimPrefix(d.Title, "Medlemmarnas ")
		if r := []rune(sheet); len(r) > 31 { // a sheet name's limit, in characters
			sheet = string(r[:31])
		}
		if err := b.write(name, XLSX, func(w io.Writer) (int, error) { return writeXLSX(w, d, sheet, now, fill) }); err != nil {
			return err
		}
		if err := b.write(name, CSVGz, func(w io.Writer) (int, error) { return writeCSVGz(w, d, fill) }); err != nil {
			return err
		}
	}
	b.mu.Lock()
	b.built = true
	if gen > b.members {
		b.members = gen
	}
	b.mu.Unlock()
	return nil
}

// MembersNames are the members' datasets in the order the page lists them.
func MembersNames() []string {
	return []string{"medlemmar-utslapp", "medlemmar-mal", "medlemmar-atgarder", "medlemmar-kraven"}
}

// Dataset returns the description of a built file.
func (b *Builder) Dataset(ctx context.Context, f File) (Dataset, bool) {
	if d, ok := MembersDatasets[f.Dataset]; ok {
		return d, true
	}
	rels, err := b.National.Releases(ctx)
	if err != nil {
		return Dataset{}, false
	}
	for _, r := range rels {
		if "smhi-"+r.ID == f.Dataset {
			return ReleaseDataset(r), true
		}
	}
	return Dataset{}, false
}
