package pages

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// One municipality, /kommun/{code}: key figures, the trend and Carbon Law,
// sectors, per capita against Sweden, the county and the members, the
// member's own figures, goals, plans and measures, the inventory by GPC
// sector and scope (gpc.go), and the sources; a link to its county's page.
// A county's page (county.go) shows the same of the county.

type fact struct {
	Label, Value, Note string
	Estimate           bool
}

type kommunView struct {
	site.Frame
	Code, Name, CountyName, MemberText string
	CountyCode                         string
	Compared                           string // the groups compared per capita: "Sverige, länet och medlemmarna"
	IsMember                           bool
	AsOf                               int
	Facts                              []fact
	SourceText                         string
	Trend, Sectors, PerCapita          Chart
	Reported, GoalChart                Chart
	Submissions, Goals, Plans          site.Table
	Measures                           site.Table
	GPC                                site.Table
	Revisions                          revisionsView
	Sources                            []string
	Embed                              embedSnippet // the trend chart's (municipalities)
}

// kommunFrame is the report of the municipality asked for (its code, and
// as_of) and its page's frame, for the page and its embed.
func kommunFrame(c *gin.Context, snap *publish.Snapshot) (*publish.MunicipalityReport, site.Frame, error) {
	asOf, err := publish.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		return nil, site.Frame{}, err
	}
	r, err := snap.MunicipalityReport(c.Request.Context(), c.Param("code"), asOf)
	if err != nil {
		return nil, site.Frame{}, err
	}
	return r, areaFrame(snap, r, "Utsläpp, trend, mål och åtgärder för "+r.Municipality.Name+"."), nil
}

// areaFrame is the frame of an area's page: its name, the description, and
// the example notice when the member is made up.
func areaFrame(snap *publish.Snapshot, r *publish.MunicipalityReport, description string) site.Frame {
	f := frame(snap, r.Municipality.Name, description, "")
	if r.Member != nil && r.Member.Example {
		f.ExampleNotice = exampleNotice([]string{r.Municipality.Name})
	}
	return f
}

// kommunSourceText is where an area's SMHI figures come from.
func kommunSourceText(snap *publish.Snapshot, r *publish.MunicipalityReport) string {
	return smhiSourceText(snap) + " Trend och uppskattningar beräknade för år " + strconv.Itoa(r.AsOf) + "."
}

func (p *Pages) kommun(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	r, f, err := kommunFrame(c, snap)
	if err != nil {
		return "", nil, err
	}
	m := r.Municipality
	v, err := newAreaView(snap, r, f, "Sverige, länet och medlemmarna")
	if err != nil {
		return "", nil, err
	}
	v.CountyName, v.CountyCode = m.CountyName, m.CountyCode
	if v.Trend.ID != "" {
		v.Embed = p.snippet(site.EmbedPrefix+"kommun/"+url.PathEscape(m.Code), nil, v.Trend.Caption)
	}
	inv, err := snap.GPC(m.Code)
	if err != nil {
		return "", nil, err
	}
	v.GPC = gpcTable(inv)
	if v.Revisions, err = revisionsSection(snap, m.Code); err != nil {
		return "", nil, err
	}
	return "kommun", v, nil
}

// newAreaView is what a municipality's page and a county's show alike of
// an area's report: key figures, SMHI's charts (per capita compared with
// the groups named by compared), the member's own figures, goals, plans,
// measures and the sources, in the frame f (areaFrame).
func newAreaView(snap *publish.Snapshot, r *publish.MunicipalityReport, f site.Frame, compared string) (*kommunView, error) {
	m := r.Municipality
	v := &kommunView{Frame: f, Code: m.Code, Name: m.Name, AsOf: r.AsOf, Compared: compared}
	v.IsMember, v.MemberText = membership(r.Member)
	var charts []Chart
	var err error
	if r.SMHI != nil {
		v.SourceText = kommunSourceText(snap, r)
		v.Facts = smhiFacts(r)
		if v.Trend, v.Sectors, v.PerCapita, err = smhiCharts(m.Name, compared, r); err != nil {
			return nil, err
		}
		charts = append(charts, v.Trend, v.Sectors, v.PerCapita)
	}
	if r.Reported != nil {
		if v.Reported, v.Submissions, err = reportedChart(m.Name, r); err != nil {
			return nil, err
		}
		charts = append(charts, v.Reported)
	}
	v.GoalChart, v.Goals = goalsView(m.Name, r)
	charts = append(charts, v.GoalChart)
	v.Plans, v.Measures = plansTable(r.Plans), measuresTable(r.Measures)
	v.Sources = sourcesList(snap, r)
	withCharts(&v.Frame, charts...)
	return v, nil
}

// membership says whether the municipality is a member now, and since when
// or until when it was one.
func membership(mem *publish.MemberInfo) (bool, string) {
	switch {
	case mem != nil && mem.Active && mem.Observer:
		return true, "Observatör i Klimatkommunerna sedan " + date(mem.Joined)
	case mem != nil && mem.Active:
		return true, "Medlem i Klimatkommunerna sedan " + date(mem.Joined)
	case mem != nil && mem.Ended != nil:
		return false, "Tidigare medlem (till " + date(*mem.Ended) + ")"
	}
	return false, ""
}

// smhiFacts are the key figures from SMHI's values: the latest year, per
// capita, the changes, and what the trend says about Paris and net zero.
func smhiFacts(r *publish.MunicipalityReport) []fact {
	sm := r.SMHI.Metrics
	if sm.LastYear == 0 {
		return nil
	}
	popNote := ""
	if sm.PopulationYear != 0 {
		popNote = "Befolkning " + strconv.Itoa(sm.PopulationYear) + " (SCB)"
	}
	if sm.PerCapitaEstimated {
		popNote = "Uppskattad med folkmängden " + strconv.Itoa(sm.PopulationYear) + ": SCB har ingen folkmängd för " + strconv.Itoa(sm.LastYear)
	}
	facts := []fact{
		{Label: "Utsläpp " + strconv.Itoa(sm.LastYear), Value: fmtOpt(sm.LastTonnes, decTonnes) + " ton", Note: r.SMHI.Unit + ", SMHI"},
		{Label: "Per invånare " + strconv.Itoa(sm.LastYear), Value: fmtOpt(sm.PerCapita, decPerCapita) + " ton", Note: popNote, Estimate: sm.PerCapitaEstimated},
		{Label: "Förändring sedan 1990", Value: fmtPct(sm.ChangeSince1990Pct)},
		{Label: "Förändring sedan 2015", Value: fmtPct(sm.ChangeSince2015Pct)},
		{Label: "Årlig förändring sedan 2015", Value: fmtPct(sm.AnnualRateSince2015Pct), Note: "genomsnitt per år"},
	}
	if sm.Trend == nil {
		return facts
	}
	paris := "Nej"
	if sm.MeetsParis != nil && *sm.MeetsParis {
		paris = "Ja"
	}
	nz := "Trenden når inte noll"
	if sm.NetZeroYear != nil {
		nz = analytics.FormatYear(*sm.NetZeroYear)
		if *sm.NetZeroYear > 2100 {
			nz = "efter 2100"
		}
	}
	return append(facts,
		fact{Label: "Når Parisavtalets 1,5-gradersmål med nuvarande trend", Value: paris, Estimate: true,
			Note: fmt.Sprintf("Trendens utsläpp %d–2050: %s ton, Carbon Law-budget: %s ton", r.AsOf,
				nf(sm.Trend.TotalTrend, decTonnes), nf(sm.Trend.TotalCarbonLaw, decTonnes))},
		fact{Label: "Nettonoll enligt trenden", Value: nz, Estimate: true,
			Note: "Trend: " + nf(sm.Trend.Slope, decTonnes) + " ton per år"})
}

// smhiCharts are the charts of SMHI's figures, each left empty when there
// is nothing to draw: the trend, the sectors and per capita.
func smhiCharts(name, compared string, r *publish.MunicipalityReport) (trend, sectors, perCapita Chart, err error) {
	if r.SMHI.Metrics.Trend != nil {
		if trend, err = trendChart(name, r); err != nil {
			return
		}
	}
	if len(r.SMHI.Sectors) > 0 {
		if sectors, err = sectorChart(name, r.SMHI); err != nil {
			return
		}
	}
	perCapita, err = perCapitaChart(name, compared, r)
	return
}

// perCapitaChart compares the area per capita with the groups of its
// report (for a municipality Sweden, its county and the members).
func perCapitaChart(name, compared string, r *publish.MunicipalityReport) (Chart, error) {
	var pcs []lineSeries
	colours := []string{colourMeasured, colourSweden, colourCounty, colourMembers}
	symbols := []string{"circle", "rect", "triangle", "diamond"}
	for i, s := range r.PerCapita {
		if len(s.Series) > 0 {
			pcs = append(pcs, perCapitaLines(s, lineSeries{Name: s.Name, Colour: colours[i%4], Symbol: symbols[i%4]})...)
		}
	}
	if len(pcs) == 0 {
		return Chart{}, nil
	}
	ch, err := newLineFigure("per-invanare", "Utsläpp per invånare, "+name+" jämfört med "+compared+" (SMHI)", "ton per invånare", decPerCapita, pcs)
	if err != nil {
		return ch, err
	}
	ch.Table.Notes = append(ch.Table.Notes, perCapitaNotes(r.PerCapita)...)
	ch.Table.Notes = append(ch.Table.Notes, "Medlemmarna räknas tillsammans: deras samlade utsläpp delat med deras samlade befolkning.")
	return ch, nil
}

func trendChart(name string, r *publish.MunicipalityReport) (Chart, error) {
	tr := r.SMHI.Metrics.Trend
	toSeries := func(vals []analytics.Value) analytics.Series {
		s := make(analytics.Series, len(vals))
		for i, v := range vals {
			s[i] = analytics.Point{Year: v.Year, Tonnes: v.Tonnes}
		}
		return s
	}
	series := []lineSeries{
		{Name: "Uppmätt (SMHI)", Short: "Uppmätt", Points: toSeries(tr.Measured), Colour: colourMeasured, Symbol: "circle"},
		{Name: fmt.Sprintf("Uppskattning %d–%d (ej uppmätt)", tr.LastYear, tr.AsOf), Short: "Uppskattat", Points: toSeries(tr.Approximated),
			Colour: colourMeasured, Dash: "dashed", Symbol: "emptyCircle", Estimate: true},
		{Name: fmt.Sprintf("Trend %d–2050 (prognos)", tr.AsOf), Short: "Trend", Points: toSeries(tr.Trend), Colour: "#404040", Dash: "dashed",
			Symbol: "none", Estimate: true},
		{Name: "Carbon Law-bana (1,5 °C)", Short: "Carbon Law", Points: toSeries(tr.CarbonLaw), Colour: colourCarbonLaw, Dash: "dotted",
			Symbol: "none", Estimate: true},
	}
	ch, err := newLineFigure("trend", "Utsläpp i "+name+": uppmätt, uppskattat, trend och Carbon Law", r.SMHI.Unit, decTonnes, series)
	if err != nil {
		return ch, err
	}
	ch.Table.Notes = []string{"Kursiva värden märkta ”uppskattning” är beräknade, inte uppmätta. Uppskattningen och trenden följer Klimatkollens metod; Carbon Law-banan börjar i uppskattningen för " +
		strconv.Itoa(tr.AsOf) + " och minskar 11,72 % per år."}
	return ch, nil
}

func sectorChart(name string, sm *publish.SourceMetrics) (Chart, error) {
	// The main sectors in SMHI's order, then any other in alphabetical order.
	var sectors []string
	var series []analytics.Series
	for _, s := range append(kr.MainSectors(), slices.Sorted(maps.Keys(sm.Sectors))...) {
		if len(sm.Sectors[s]) > 0 && !slices.Contains(sectors, s) {
			sectors = append(sectors, s)
			series = append(series, sm.Sectors[s])
		}
	}
	ys := yearsOf(series...)
	value := func(s string, y int) (float64, bool) { return sm.Sectors[s].Value(y) }
	opt, assets, err := stackedBars("sektorer", sm.Unit, ys, sectors, value)
	if err != nil {
		return Chart{}, err
	}
	caption := "Utsläpp per sektor i " + name + " (SMHI)"
	t := site.Table{ID: "sektorer-tabell", Caption: "Siffrorna i diagrammet: " + caption + " (" + sm.Unit + ")", Head: []site.Cell{textCell("Sektor")}}
	for _, y := range ys {
		t.Head = append(t.Head, site.Cell{Text: strconv.Itoa(y), Num: true})
	}
	for _, s := range sectors {
		row := []site.Cell{textCell(s)}
		for _, y := range ys {
			if v, ok := value(s, y); ok {
				row = append(row, numCell(v, decTonnes))
			} else {
				row = append(row, site.Cell{Text: "", Num: true})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return Chart{ID: "sektorer", Caption: caption, Unit: sm.Unit, Decimals: decTonnes, Option: opt, Assets: assets, Table: t,
		Label: "Stapeldiagram: " + caption + ". Samma siffror finns i tabellen under diagrammet."}, nil
}

func reportedChart(name string, r *publish.MunicipalityReport) (Chart, site.Table, error) {
	series := []lineSeries{{Name: "Egenrapporterat (" + name + ")", Points: r.Reported.Metrics.Measured, Colour: colourReported, Symbol: "triangle"}}
	if r.SMHI != nil {
		series = append(series, lineSeries{Name: "SMHI (publicering " + r.SMHI.Release + ")", Points: r.SMHI.Metrics.Measured, Colour: colourMeasured, Symbol: "circle"})
	}
	ch, err := newLineFigure("egenrapporterat", "Egenrapporterade utsläpp och SMHI:s siffror för "+name, "ton", decTonnes, series)
	if err != nil {
		return ch, site.Table{}, err
	}
	ch.Table.Notes = []string{"Egenrapporterat: " + r.Reported.Unit + ", ur medlemmens inlämningar (se nedan). SMHI: " + unitOf(r.SMHI) + "."}
	subs := site.Table{ID: "inlamningar", Caption: "Inlämningar som de egenrapporterade siffrorna kommer från",
		Head: []site.Cell{textCell("Fil"), textCell("Rapportår"), textCell("Inlämnad"), textCell("Gäller åren"), textCell("Inlämnings-id")}}
	for _, s := range r.Reported.Submissions {
		years := make([]string, len(s.Years))
		for i, y := range s.Years {
			years[i] = strconv.Itoa(y)
		}
		uploaded := "–"
		if !s.UploadedAt.IsZero() {
			uploaded = s.UploadedAt.In(swedish.Zone).Format("2006-01-02 15:04") // Swedish time, as the readers keep it
		}
		subs.Rows = append(subs.Rows, []site.Cell{textCell(s.FileName), textCell(strconv.Itoa(s.ReportYear)), textCell(uploaded),
			textCell(strings.Join(years, ", ")), textCell(s.ID)})
	}
	return ch, subs, nil
}

func unitOf(sm *publish.SourceMetrics) string {
	if sm == nil {
		return "–"
	}
	return sm.Unit
}

var sourceNames = map[string]string{analytics.SourceSMHI: "SMHI", analytics.SourceReported: "egenrapporterat"}

func goalsView(name string, r *publish.MunicipalityReport) (Chart, site.Table) {
	t := site.Table{ID: "mal-uppfoljning", Caption: "Medlemmens mål och hur det går",
		Head: []site.Cell{textCell("Mål"), textCell("Innebörd"), textCell("Följs upp mot"), {Text: "Utfall", Num: true},
			{Text: "Rak väg till målet", Num: true}, textCell("Bedömning")}}
	var series []lineSeries
	var actual *lineSeries
	for _, g := range r.Goals {
		sector := "alla sektorer"
		if g.Sector != "" {
			sector = g.Sector
		}
		meaning := fmt.Sprintf("%s, %s: −%s\u00a0%% från %d till %d", g.Type, sector, nf(g.ReductionPct, 0), g.BaseYear, g.TargetYear)
		if g.DecidedBy != "" || !g.DecidedOn.IsZero() {
			decided := g.DecidedBy
			if !g.DecidedOn.IsZero() {
				decided = strings.TrimSpace(decided + " " + date(g.DecidedOn))
			}
			meaning += ". Beslutat av " + decided
		}
		if len(g.Tracking) == 0 {
			t.Rows = append(t.Rows, []site.Cell{textCell(g.Name), textCell(meaning), textCell("–"), site.Cell{Text: "–", Num: true},
				site.Cell{Text: "–", Num: true}, textCell(g.Note)})
			continue
		}
		for _, tr := range g.Tracking {
			dec := decTonnes
			if g.Type == kr.GoalPerCapita {
				dec = decPerCapita
			}
			t.Rows = append(t.Rows, []site.Cell{textCell(g.Name), textCell(meaning), textCell(sourceNames[tr.Source] + " (" + tr.Unit + ")"),
				{Text: nf(tr.LatestTonnes, dec) + " (" + strconv.Itoa(tr.LatestYear) + ")", Num: true}, numCell(tr.PathTonnes, dec),
				textCell(tr.Verdict)})
			// The chart shows goals on the municipality's total in tonnes,
			// followed up against SMHI.
			if tr.Source == analytics.SourceSMHI && g.Sector == "" && g.Type != kr.GoalPerCapita && r.SMHI != nil {
				if actual == nil {
					actual = &lineSeries{Name: "Uppmätt (SMHI)", Short: "Uppmätt", Points: r.SMHI.Metrics.Measured, Colour: colourMeasured, Symbol: "circle"}
				}
				series = append(series, lineSeries{Name: "Mål: " + g.Name + " (rak väg)", Short: "Mål: " + g.Name, Points: tr.Path,
					Colour: goalColours[len(series)%len(goalColours)], Dash: "dashed", Symbol: goalSymbols[len(series)%len(goalSymbols)]})
			}
		}
	}
	t.Notes = []string{"”Rak väg till målet” är en rak linje från basårets utsläpp till målnivån under målåret; utfallet jämförs med den linjens värde för det senaste året med data. SMHI:s och medlemmens egna siffror följs upp var för sig."}
	if actual == nil {
		return Chart{}, t
	}
	// Goal paths are plans, not estimates of emissions: drawn dashed in
	// their own colours and named as goals.
	ch, err := newLineFigure("mal", "Utsläppen i "+name+" mot medlemmens mål", unitOf(r.SMHI), decTonnes, append([]lineSeries{*actual}, series...))
	if err != nil {
		return Chart{}, t
	}
	return ch, t
}

var (
	goalColours = []string{colourGoal, colourReported, "#000000", colourMembers}
	goalSymbols = []string{"diamond", "rect", "triangle", "pin"}
)

func plansTable(plans []kr.ActionPlan) site.Table {
	t := site.Table{ID: "handlingsplaner", Caption: "Handlingsplaner",
		Head: []site.Cell{textCell("Handlingsplan"), textCell("Antagen"), textCell("Beslutad av"), textCell("Gäller"), textCell("Länk")}}
	for _, pl := range plans {
		adopted := "–"
		if !pl.Adopted.IsZero() {
			adopted = date(pl.Adopted)
		}
		link := site.Cell{Text: "–"}
		if u := safeURL(pl.Link); u != "" {
			link = site.Cell{Text: "Öppna", Href: u}
		}
		t.Rows = append(t.Rows, []site.Cell{textCell(pl.Name), textCell(adopted), textCell(pl.DecidedBy),
			textCell(fmt.Sprintf("%d–%d", pl.ValidFrom, pl.ValidTo)), link})
	}
	return t
}

// safeURL returns link when it is an http(s) URL, else "" (a link from an
// upload must not become javascript:…; html/template would also refuse it).
func safeURL(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func measuresTable(ms []kr.Measure) site.Table {
	t := site.Table{ID: "atgarder-tabell", Caption: "Åtgärder med status",
		Head: []site.Cell{textCell("Åtgärd"), textCell("Sektor"), textCell("Status"), textCell("Period"),
			{Text: "Förväntad minskning (ton CO2e/år)", Num: true}, textCell("Ansvarig"), textCell("Kommentar")}}
	for _, m := range ms {
		period := ""
		switch {
		case m.StartYear != 0 && m.EndYear != 0:
			period = fmt.Sprintf("%d–%d", m.StartYear, m.EndYear)
		case m.StartYear != 0:
			period = fmt.Sprintf("från %d", m.StartYear)
		case m.EndYear != 0:
			period = fmt.Sprintf("till %d", m.EndYear)
		}
		t.Rows = append(t.Rows, []site.Cell{textCell(m.Name), textCell(m.Sector), textCell(m.Status), textCell(period),
			optCell(m.ExpectedReduction, decTonnes), textCell(m.Responsible), textCell(m.Comment)})
	}
	return t
}

// sourceFileName is how an imported file is named on a page: the address
// it was downloaded from, else its own name without the directories it was
// read from on the server, which are nobody's business.
func sourceFileName(name string) string {
	if u, err := url.Parse(name); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		return name
	}
	if name == "" {
		return ""
	}
	return path.Base(strings.ReplaceAll(name, `\`, "/"))
}

func sourcesList(snap *publish.Snapshot, r *publish.MunicipalityReport) []string {
	var out []string
	if r.SMHI != nil {
		out = append(out, fmt.Sprintf("SMHI, Nationella emissionsdatabasen: publicering %s, fil %s, inläst %s.", r.SMHI.Release,
			sourceFileName(snap.Release.FileName), snap.Release.ImportedAt.Format("2006-01-02")))
		if y := r.SMHI.Metrics.PopulationYear; y != 0 {
			out = append(out, fmt.Sprintf("SCB, folkmängd 31 december %d.", y))
		}
	}
	if r.Reported != nil {
		for _, s := range r.Reported.Submissions {
			out = append(out, fmt.Sprintf("Egen rapport: %s, inlämnad %s (inlämning %s).", s.FileName, s.UploadedAt.Format("2006-01-02"), s.ID))
		}
	}
	out = append(out, fmt.Sprintf("Trend, uppskattningar och Carbon Law beräknade för år %d; sidan bygger på uppgifterna %s.", r.AsOf,
		snap.Loaded.Format("2006-01-02 15:04 MST")))
	return out
}
