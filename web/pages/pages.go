package pages

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/members"
)

// Decimals of the figures on the pages.
const (
	decTonnes    = 0
	decPerCapita = 2
	decPct       = 1
	decIndex     = 1
)

func fmtOpt(v *float64, decimals int) string {
	if v == nil {
		return "–"
	}
	return nf(*v, decimals)
}

func fmtPct(v *float64) string {
	if v == nil {
		return "–"
	}
	return nf(*v, decPct) + "\u00a0%"
}

// fmtMetric is analytics.FormatMetric with no-break spaces.
func fmtMetric(metric string, v *float64) string {
	return strings.ReplaceAll(analytics.FormatMetric(metric, v), " ", "\u00a0")
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func frame(snap *analytics.Snapshot, title, description, nav string) layout {
	l := layout{Title: title, Description: description, Nav: nav}
	if snap.Release.ID != "" {
		l.Release, l.Substance = date(snap.Release.ReleaseDate), snap.Substance
	}
	return l
}

func smhiSourceText(snap *analytics.Snapshot) string {
	if snap.Release.ID == "" {
		return "SMHI:s siffror är inte inlästa."
	}
	return fmt.Sprintf("SMHI, Nationella emissionsdatabasen, publicering %s (%s), %s.", date(snap.Release.ReleaseDate),
		funcs["substanceName"].(func(string) string)(snap.Substance), snap.Unit)
}

func popYearsText(years []int) string {
	if len(years) == 0 {
		return ""
	}
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}

// ---- / ----

type indexView struct {
	layout
	Year                              int
	HasHeadline                       bool
	MembersPerCapita, SwedenPerCapita string
	MemberCount                       int
	HeadlineNote                      string
	Chart                             Chart
	Members                           Table
}

func (p *Pages) index(c *gin.Context, snap *analytics.Snapshot) (string, framed, error) {
	o, err := snap.Overview(c.Request.Context())
	if err != nil {
		return "", nil, err
	}
	v := &indexView{layout: frame(snap, "Översikt", "Klimatkommunernas medlemmar och Sveriges kommuner: utsläpp, per invånare, mål och trender.", "start"),
		Year: o.Year, MemberCount: o.Members.Municipalities}
	if o.Members.Value != nil && o.Sweden.Value != nil {
		v.HasHeadline = true
		v.MembersPerCapita = nf(*o.Members.Value, 1)
		v.SwedenPerCapita = nf(*o.Sweden.Value, 1)
		var popYears []int
		for _, s := range o.PerCapita {
			popYears = append(popYears, s.PopulationYears...)
		}
		v.HeadlineNote = fmt.Sprintf("Territoriella utsläpp %d enligt %s Medlemmarnas siffra är deras samlade utsläpp delat med deras samlade befolkning (befolkning från SCB, år %s); regioner räknas inte in.",
			o.Year, smhiSourceText(snap), popYearsText(uniqueInts(popYears)))
	}
	var series []lineSeries
	colours := []string{colourSweden, colourMembers}
	symbols := []string{"circle", "diamond"}
	for i, s := range o.PerCapita {
		if len(s.Series) > 0 {
			series = append(series, lineSeries{Name: s.Name, Points: s.Series, Colour: colours[i%2], Symbol: symbols[i%2]})
		}
	}
	if len(series) > 0 {
		ch, err := newLineFigure("per-invanare", "Utsläpp per invånare, medlemmarna och Sverige", "ton per invånare", decPerCapita, series)
		if err != nil {
			return "", nil, err
		}
		v.Chart = ch
		v.withCharts(ch)
	}
	yearText := ""
	if o.Year > 0 {
		yearText = " " + strconv.Itoa(o.Year)
	}
	v.Members = Table{ID: "medlemstabell", Caption: "Aktiva medlemmar med SMHI:s senaste siffror och deras senaste egna rapport",
		Head: []Cell{textCell("Medlem"), textCell("Län"), textCell("Medlem sedan"), {Text: "Utsläpp" + yearText + " (ton, SMHI)", Num: true},
			{Text: "Per invånare" + yearText + " (ton)", Num: true}, {Text: "Årlig förändring sedan 2015", Num: true},
			{Text: "Senaste egna rapport", Num: true}}}
	for _, m := range o.MemberRows {
		name := Cell{Text: m.Name, Href: "/kommun/" + url.PathEscape(m.Code)}
		if m.Kind == members.KindRegion {
			name = Cell{Text: m.Name + " (region)"}
		}
		if m.Observer {
			name.Text += " (observatör)"
		}
		reported := Cell{Text: "–", Num: true}
		if m.LatestReported != nil {
			reported.Text = fmt.Sprintf("%s ton (%d)", nf(m.LatestReported.Tonnes, decTonnes), m.LatestReported.Year)
		}
		v.Members.Rows = append(v.Members.Rows, []Cell{name, textCell(m.County), textCell(date(m.Joined)),
			optCell(m.SMHI.LastTonnes, decTonnes), optCell(m.SMHI.PerCapita, decPerCapita),
			{Text: fmtPct(m.SMHI.AnnualRateSince2015Pct), Num: true}, reported})
	}
	v.Members.Notes = []string{"Årlig förändring sedan 2015 är den genomsnittliga förändringen per år (Klimatkollens mått). Egna rapporter är medlemmarnas egna siffror och kan avgränsas annorlunda än SMHI:s."}
	return "index", v, nil
}

func uniqueInts(xs []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Ints(out)
	return out
}

// ---- /kommun/{code} ----

type fact struct {
	Label, Value, Note string
	Estimate           bool
}

type kommunView struct {
	layout
	Code, Name, CountyName, MemberText string
	IsMember                           bool
	AsOf                               int
	Facts                              []fact
	SourceText                         string
	Trend, Sectors, PerCapita          Chart
	Reported, GoalChart                Chart
	Submissions, Goals, Plans          Table
	Measures                           Table
	Sources                            []string
}

func (p *Pages) kommun(c *gin.Context, snap *analytics.Snapshot) (string, framed, error) {
	asOf, err := analytics.ParseYear("as_of", c.Query("as_of"))
	if err != nil {
		return "", nil, err
	}
	r, err := snap.MunicipalityReport(c.Request.Context(), c.Param("code"), asOf)
	if err != nil {
		return "", nil, err
	}
	m := r.Municipality
	v := &kommunView{layout: frame(snap, m.Name, "Utsläpp, trend, mål och åtgärder för "+m.Name+".", ""),
		Code: m.Code, Name: m.Name, CountyName: m.CountyName, AsOf: r.AsOf}
	if r.Member != nil && r.Member.Active {
		v.IsMember = true
		v.MemberText = "Medlem i Klimatkommunerna sedan " + date(r.Member.Joined)
		if r.Member.Observer {
			v.MemberText = "Observatör i Klimatkommunerna sedan " + date(r.Member.Joined)
		}
	} else if r.Member != nil && r.Member.Ended != nil {
		v.MemberText = "Tidigare medlem (till " + date(*r.Member.Ended) + ")"
	}
	var charts []Chart
	if r.SMHI != nil {
		sm := r.SMHI.Metrics
		v.SourceText = smhiSourceText(snap) + " Trend och uppskattningar beräknade för år " + strconv.Itoa(r.AsOf) + "."
		if sm.LastYear > 0 {
			popNote := ""
			if sm.PopulationYear != 0 {
				popNote = "Befolkning " + strconv.Itoa(sm.PopulationYear) + " (SCB)"
			}
			v.Facts = []fact{
				{Label: "Utsläpp " + strconv.Itoa(sm.LastYear), Value: fmtOpt(sm.LastTonnes, decTonnes) + " ton", Note: r.SMHI.Unit + ", SMHI"},
				{Label: "Per invånare " + strconv.Itoa(sm.LastYear), Value: fmtOpt(sm.PerCapita, decPerCapita) + " ton", Note: popNote},
				{Label: "Förändring sedan 1990", Value: fmtPct(sm.ChangeSince1990Pct)},
				{Label: "Förändring sedan 2015", Value: fmtPct(sm.ChangeSince2015Pct)},
				{Label: "Årlig förändring sedan 2015", Value: fmtPct(sm.AnnualRateSince2015Pct), Note: "genomsnitt per år"},
			}
			if sm.Trend != nil {
				paris := "Nej"
				if sm.MeetsParis != nil && *sm.MeetsParis {
					paris = "Ja"
				}
				v.Facts = append(v.Facts, fact{Label: "Når Parisavtalets 1,5-gradersmål med nuvarande trend", Value: paris, Estimate: true,
					Note: fmt.Sprintf("Trendens utsläpp %d–2050: %s ton, Carbon Law-budget: %s ton", r.AsOf,
						nf(sm.Trend.TotalTrend, decTonnes), nf(sm.Trend.TotalCarbonLaw, decTonnes))})
				nz := "Trenden når inte noll"
				if sm.NetZeroYear != nil {
					nz = analytics.FormatYear(*sm.NetZeroYear)
					if *sm.NetZeroYear > 2100 {
						nz = "efter 2100"
					}
				}
				v.Facts = append(v.Facts, fact{Label: "Nettonoll enligt trenden", Value: nz, Estimate: true,
					Note: "Trend: " + nf(sm.Trend.Slope, decTonnes) + " ton per år"})
			}
		}
		if sm.Trend != nil {
			ch, err := trendChart(m.Name, r)
			if err != nil {
				return "", nil, err
			}
			v.Trend = ch
			charts = append(charts, ch)
		}
		if len(r.SMHI.Sectors) > 0 {
			ch, err := sectorChart(m.Name, r.SMHI)
			if err != nil {
				return "", nil, err
			}
			v.Sectors = ch
			charts = append(charts, ch)
		}
		var pcs []lineSeries
		colours := []string{colourMeasured, colourSweden, colourCounty, colourMembers}
		symbols := []string{"circle", "rect", "triangle", "diamond"}
		for i, s := range r.PerCapita {
			if len(s.Series) > 0 {
				pcs = append(pcs, lineSeries{Name: s.Name, Points: s.Series, Colour: colours[i%4], Symbol: symbols[i%4]})
			}
		}
		if len(pcs) > 0 {
			ch, err := newLineFigure("per-invanare", "Utsläpp per invånare, "+m.Name+" jämfört med Sverige, länet och medlemmarna (SMHI)", "ton per invånare", decPerCapita, pcs)
			if err != nil {
				return "", nil, err
			}
			var popYears []int
			for _, s := range r.PerCapita {
				popYears = append(popYears, s.PopulationYears...)
			}
			ch.Table.Notes = append(ch.Table.Notes, "Befolkning från SCB, år "+popYearsText(uniqueInts(popYears))+
				" (varje år delas med befolkningen det året, eller det närmaste år SCB har). Medlemmarna räknas tillsammans: deras samlade utsläpp delat med deras samlade befolkning.")
			v.PerCapita = ch
			charts = append(charts, ch)
		}
	}
	if r.Reported != nil {
		ch, subs, err := reportedChart(m.Name, r)
		if err != nil {
			return "", nil, err
		}
		v.Reported, v.Submissions = ch, subs
		charts = append(charts, ch)
	}
	gch, goals := goalsView(m.Name, r)
	if gch.ID != "" {
		v.GoalChart = gch
		charts = append(charts, gch)
	}
	v.Goals = goals
	v.Plans, v.Measures = plansTable(r.Plans), measuresTable(r.Measures)
	v.Sources = sourcesList(snap, r)
	v.withCharts(charts...)
	return "kommun", v, nil
}

func trendChart(name string, r *analytics.MunicipalityReport) (Chart, error) {
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

func sectorChart(name string, sm *analytics.SourceMetrics) (Chart, error) {
	var sectors []string
	years := map[int]bool{}
	for _, s := range kr.MainSectors() {
		if len(sm.Sectors[s]) > 0 {
			sectors = append(sectors, s)
		}
	}
	for s, ser := range sm.Sectors {
		if len(ser) > 0 && !contains(sectors, s) {
			sectors = append(sectors, s)
		}
	}
	for _, s := range sectors {
		for _, pt := range sm.Sectors[s] {
			years[pt.Year] = true
		}
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	value := func(s string, y int) (float64, bool) { return sm.Sectors[s].Value(y) }
	opt, assets, err := stackedBars("sektorer", sm.Unit, ys, sectors, value)
	if err != nil {
		return Chart{}, err
	}
	caption := "Utsläpp per sektor i " + name + " (SMHI)"
	t := Table{ID: "sektorer-tabell", Caption: "Siffrorna i diagrammet: " + caption + " (" + sm.Unit + ")", Head: []Cell{textCell("Sektor")}}
	for _, y := range ys {
		t.Head = append(t.Head, Cell{Text: strconv.Itoa(y), Num: true})
	}
	for _, s := range sectors {
		row := []Cell{textCell(s)}
		for _, y := range ys {
			if v, ok := value(s, y); ok {
				row = append(row, numCell(v, decTonnes))
			} else {
				row = append(row, Cell{Text: "", Num: true})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return Chart{ID: "sektorer", Caption: caption, Unit: sm.Unit, Decimals: decTonnes, Option: opt, Assets: assets, Table: t,
		Label: "Stapeldiagram: " + caption + ". Samma siffror finns i tabellen under diagrammet."}, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func reportedChart(name string, r *analytics.MunicipalityReport) (Chart, Table, error) {
	series := []lineSeries{{Name: "Egenrapporterat (" + name + ")", Points: r.Reported.Metrics.Measured, Colour: colourReported, Symbol: "triangle"}}
	if r.SMHI != nil {
		series = append(series, lineSeries{Name: "SMHI (publicering " + r.SMHI.Release + ")", Points: r.SMHI.Metrics.Measured, Colour: colourMeasured, Symbol: "circle"})
	}
	ch, err := newLineFigure("egenrapporterat", "Egenrapporterade utsläpp och SMHI:s siffror för "+name, "ton", decTonnes, series)
	if err != nil {
		return ch, Table{}, err
	}
	ch.Table.Notes = []string{"Egenrapporterat: " + r.Reported.Unit + ", ur medlemmens inlämningar (se nedan). SMHI: " + unitOf(r.SMHI) + "."}
	subs := Table{ID: "inlamningar", Caption: "Inlämningar som de egenrapporterade siffrorna kommer från",
		Head: []Cell{textCell("Fil"), textCell("Rapportår"), textCell("Inlämnad"), textCell("Gäller åren"), textCell("Inlämnings-id")}}
	for _, s := range r.Reported.Submissions {
		years := make([]string, len(s.Years))
		for i, y := range s.Years {
			years[i] = strconv.Itoa(y)
		}
		uploaded := "–"
		if !s.UploadedAt.IsZero() {
			uploaded = s.UploadedAt.Format("2006-01-02 15:04") + " UTC"
		}
		subs.Rows = append(subs.Rows, []Cell{textCell(s.FileName), textCell(strconv.Itoa(s.ReportYear)), textCell(uploaded),
			textCell(strings.Join(years, ", ")), textCell(s.ID)})
	}
	return ch, subs, nil
}

func unitOf(sm *analytics.SourceMetrics) string {
	if sm == nil {
		return "–"
	}
	return sm.Unit
}

var sourceNames = map[string]string{analytics.SourceSMHI: "SMHI", analytics.SourceReported: "egenrapporterat"}

func goalsView(name string, r *analytics.MunicipalityReport) (Chart, Table) {
	t := Table{ID: "mal-uppfoljning", Caption: "Medlemmens mål och hur det går",
		Head: []Cell{textCell("Mål"), textCell("Innebörd"), textCell("Följs upp mot"), {Text: "Utfall", Num: true},
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
			t.Rows = append(t.Rows, []Cell{textCell(g.Name), textCell(meaning), textCell("–"), Cell{Text: "–", Num: true},
				Cell{Text: "–", Num: true}, textCell(g.Note)})
			continue
		}
		for _, tr := range g.Tracking {
			dec := decTonnes
			if g.Type == kr.GoalPerCapita {
				dec = decPerCapita
			}
			t.Rows = append(t.Rows, []Cell{textCell(g.Name), textCell(meaning), textCell(sourceNames[tr.Source] + " (" + tr.Unit + ")"),
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

func plansTable(plans []kr.ActionPlan) Table {
	t := Table{ID: "handlingsplaner", Caption: "Handlingsplaner",
		Head: []Cell{textCell("Handlingsplan"), textCell("Antagen"), textCell("Beslutad av"), textCell("Gäller"), textCell("Länk")}}
	for _, pl := range plans {
		adopted := "–"
		if !pl.Adopted.IsZero() {
			adopted = date(pl.Adopted)
		}
		link := Cell{Text: "–"}
		if u := safeURL(pl.Link); u != "" {
			link = Cell{Text: "Öppna", Href: u}
		}
		t.Rows = append(t.Rows, []Cell{textCell(pl.Name), textCell(adopted), textCell(pl.DecidedBy),
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

func measuresTable(ms []kr.Measure) Table {
	t := Table{ID: "atgarder-tabell", Caption: "Åtgärder med status",
		Head: []Cell{textCell("Åtgärd"), textCell("Sektor"), textCell("Status"), textCell("Period"),
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
		t.Rows = append(t.Rows, []Cell{textCell(m.Name), textCell(m.Sector), textCell(m.Status), textCell(period),
			optCell(m.ExpectedReduction, decTonnes), textCell(m.Responsible), textCell(m.Comment)})
	}
	return t
}

func sourcesList(snap *analytics.Snapshot, r *analytics.MunicipalityReport) []string {
	var out []string
	if r.SMHI != nil {
		out = append(out, fmt.Sprintf("SMHI, Nationella emissionsdatabasen: publicering %s, fil %s, inläst %s.", r.SMHI.Release,
			snap.Release.FileName, snap.Release.ImportedAt.Format("2006-01-02")))
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
