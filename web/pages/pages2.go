package pages

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// ---- /jamfor ----

// defaultCompare is shown when no municipality is chosen: the four largest.
var defaultCompare = []string{"0180", "1480", "1280", "1281"}

var areaCodeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

type jamforView struct {
	layout
	Max                        int
	Inputs                     []string
	BaseYears                  []int
	BaseYear                   int
	Source                     string
	Options                    []kr.Municipality
	Errors                     []string
	Example                    bool
	SourceText                 string
	Absolute, PerCapita, Index Chart
}

// resolveArea finds an area by code or by name (as written, any case).
func resolveArea(snap *analytics.Snapshot, s string) (string, bool) {
	s = strings.TrimSpace(s)
	if areaCodeRe.MatchString(s) {
		return s, snap.Name(s) != ""
	}
	for _, m := range snap.Municipalities {
		if strings.EqualFold(m.Name, s) {
			return m.Code, true
		}
	}
	for _, c := range snap.Counties {
		if strings.EqualFold(c.Name, s) {
			return c.Code, true
		}
	}
	if strings.EqualFold(s, "Sverige") {
		return "00", true
	}
	return "", false
}

func (p *Pages) jamfor(c *gin.Context, snap *analytics.Snapshot) (string, framed, error) {
	v := &jamforView{layout: frame(snap, "Jämför kommuner", "Jämför kommuners utsläpp: totalt, per invånare och som index.", "jamfor"),
		Max: analytics.MaxCompare, Options: snap.Municipalities, Source: c.DefaultQuery("kalla", analytics.SourceSMHI)}
	raw, given := c.GetQueryArray("kod")
	var codes []string
	for _, s := range raw {
		if strings.TrimSpace(s) == "" {
			continue
		}
		code, ok := resolveArea(snap, s)
		if !ok {
			v.Errors = append(v.Errors, fmt.Sprintf("Hittar ingen kommun med koden eller namnet ”%s”.", s))
			continue
		}
		codes = append(codes, code)
	}
	if !given {
		codes, v.Example = defaultCompare, true
		for i := range codes {
			if snap.Name(codes[i]) == "" { // the municipality list is not loaded
				codes = nil
				break
			}
		}
	}
	if given && len(codes) == 0 && len(v.Errors) == 0 {
		v.Errors = append(v.Errors, "Välj minst en kommun att jämföra.")
	}
	for _, code := range codes {
		v.Inputs = append(v.Inputs, snap.Name(code))
	}
	v.Inputs = append(v.Inputs, "", "")
	if len(v.Inputs) > analytics.MaxCompare {
		v.Inputs = v.Inputs[:analytics.MaxCompare]
	}
	base, err := analytics.ParseYear("bas", c.Query("bas"))
	if err != nil {
		v.Errors = append(v.Errors, kr.MessageOf(err))
	}
	for _, pt := range snap.SMHITotal("00") {
		v.BaseYears = append(v.BaseYears, pt.Year)
	}
	if len(v.Errors) == 0 && len(codes) > 0 {
		cmp, err := snap.Compare(c.Request.Context(), analytics.CompareQuery{Codes: codes, Source: v.Source, BaseYear: base})
		if err != nil {
			if k := kr.KindOf(err); k != kr.Invalid && k != kr.NotFound {
				return "", nil, err
			}
			v.Errors = append(v.Errors, kr.MessageOf(err))
		} else if err := v.charts(cmp, snap); err != nil {
			return "", nil, err
		}
	}
	if len(v.BaseYears) == 0 {
		v.BaseYears = []int{kr.FirstYear}
	}
	if len(v.Errors) > 0 {
		b, err := p.render("jamfor", v)
		if err != nil {
			return "", nil, err
		}
		status := 400
		return "", nil, pageError{status: status, body: b}
	}
	return "jamfor", v, nil
}

func (v *jamforView) charts(cmp *analytics.Comparison, snap *analytics.Snapshot) error {
	v.BaseYear = cmp.BaseYear
	if cmp.Source == analytics.SourceSMHI {
		v.SourceText = smhiSourceText(snap)
	} else {
		v.SourceText = "medlemmarnas egenrapporterade siffror (" + cmp.Unit + "), de senaste accepterade inlämningarna."
	}
	symbols := []string{"circle", "rect", "triangle", "diamond", "pin", "arrow", "roundRect", "emptyCircle", "emptyRect", "emptyTriangle", "emptyDiamond", "circle"}
	var abs, pc, idx []lineSeries
	var popYears []int
	for i, a := range cmp.Areas {
		name := a.Name
		if a.Member {
			name += " (medlem)"
		}
		ls := lineSeries{Name: name, Colour: okabeIto[i%len(okabeIto)], Symbol: symbols[i%len(symbols)]}
		ls.Points = a.Total
		abs = append(abs, ls)
		ls.Points = a.PerCapita.Series
		pc = append(pc, ls)
		popYears = append(popYears, a.PerCapita.PopulationYears...)
		if a.Index != nil {
			ls.Points = a.Index
			idx = append(idx, ls)
		}
	}
	var err error
	if v.Absolute, err = newLineFigure("totalt", "Totala utsläpp per år", cmp.Unit, decTonnes, abs); err != nil {
		return err
	}
	if v.PerCapita, err = newLineFigure("per-capita", "Utsläpp per invånare och år", "ton per invånare", decPerCapita, pc); err != nil {
		return err
	}
	v.PerCapita.Table.Notes = []string{"Befolkning från SCB, år " + popYearsText(uniqueInts(popYears)) + " (varje år delas med befolkningen det året, eller det närmaste år SCB har)."}
	if v.Index, err = newLineFigure("index", fmt.Sprintf("Utsläpp som index, %d = 100", cmp.BaseYear), "index", decIndex, idx); err != nil {
		return err
	}
	if len(idx) < len(cmp.Areas) {
		v.Index.Table.Notes = []string{fmt.Sprintf("Kommuner utan värde för %d saknas i indexet.", cmp.BaseYear)}
	}
	v.withCharts(v.Absolute, v.PerCapita, v.Index)
	return nil
}

// ---- /rangordning ----

type rangordningView struct {
	layout
	MetricLabel, SourceText    string
	Year                       int
	Years                      []int
	Source, Sort, Order        string
	Averages, Counties, Table  Table
	APIHref, CSVHref, XLSXHref string
}

var swedishCollator = collate.New(language.Swedish)

func (p *Pages) rangordning(c *gin.Context, snap *analytics.Snapshot) (string, framed, error) {
	year, err := analytics.ParseYear("ar", c.Query("ar"))
	if err != nil {
		return "", nil, err
	}
	sortBy := c.DefaultQuery("sortera", analytics.MetricPerCapita)
	order := c.DefaultQuery("ordning", "asc")
	if order != "asc" && order != "desc" {
		return "", nil, kr.E(kr.Invalid, "ordning kan vara asc (stigande) eller desc (fallande).")
	}
	metric := sortBy
	if sortBy == "namn" {
		metric = analytics.MetricPerCapita
	}
	ctx := c.Request.Context()
	rk, err := snap.Ranking(ctx, analytics.RankingQuery{Metric: metric, Source: c.Query("kalla"), Year: year, Descending: order == "desc"})
	if err != nil {
		return "", nil, err
	}
	all, err := snap.AllMetrics(ctx, rk.Source, rk.AsOf, rk.Year)
	if err != nil {
		return "", nil, err
	}
	v := &rangordningView{layout: frame(snap, "Rangordning", "Sveriges kommuner rangordnade efter utsläpp, per invånare, förändring och trend.", "rangordning"),
		MetricLabel: strings.ToLower(rk.Metric.Label[:1]) + rk.Metric.Label[1:], Year: rk.Year, Source: rk.Source, Sort: sortBy, Order: order}
	if rk.Source == analytics.SourceSMHI {
		v.SourceText = "enligt " + strings.TrimSuffix(smhiSourceText(snap), ".")
	} else {
		v.SourceText = "enligt medlemmarnas egna rapporter (de som har rapporterat)"
	}
	for _, pt := range snap.SMHITotal("00") {
		v.Years = append(v.Years, pt.Year)
	}
	if !containsInt(v.Years, rk.Year) {
		v.Years = append(v.Years, rk.Year)
		sort.Ints(v.Years)
	}
	q := url.Values{"metric": {rk.Metric.Name}, "year": {strconv.Itoa(rk.Year)}, "source": {rk.Source}, "order": {order}}
	v.APIHref, v.CSVHref, v.XLSXHref = "/api/v1/ranking?"+q.Encode(), "/api/v1/ranking.csv?"+q.Encode(), "/api/v1/ranking.xlsx?"+q.Encode()

	link := func(key string) (string, string) {
		next, sortState := "asc", ""
		if key == sortBy {
			if order == "asc" {
				next, sortState = "desc", "ascending"
			} else {
				sortState = "descending"
			}
		}
		u := url.Values{"sortera": {key}, "ordning": {next}, "ar": {strconv.Itoa(rk.Year)}, "kalla": {rk.Source}}
		return "/rangordning?" + u.Encode(), sortState
	}
	rankHead := Cell{Text: "Placering", Num: true}
	nameHref, nameSort := link("namn")
	v.Table = Table{ID: "rangordning", Caption: fmt.Sprintf("Kommunerna %d, sorterade efter %s", rk.Year, strings.ToLower(sortLabel(sortBy))),
		Head: []Cell{rankHead, {Text: "Kommun", Href: nameHref, Sort: nameSort}, textCell("Län"), {Text: "År", Num: true}}}
	for _, m := range analytics.Metrics {
		href, st := link(m.Name)
		label := m.Short
		if m.Unit != "" {
			label += " (" + m.Unit + ")"
		}
		v.Table.Head = append(v.Table.Head, Cell{Text: label, Num: true, Href: href, Sort: st, Estimate: m.Estimate})
	}
	rows := append([]analytics.RankingRow(nil), rk.Rows...)
	if sortBy == "namn" {
		sort.SliceStable(rows, func(i, j int) bool {
			c := swedishCollator.CompareString(rows[i].Name, rows[j].Name)
			if order == "desc" {
				return c > 0
			}
			return c < 0
		})
	}
	for _, r := range rows {
		am := all[r.Code]
		rank := Cell{Text: "–", Num: true}
		if r.Rank > 0 {
			rank.Text = strconv.Itoa(r.Rank)
		}
		name := Cell{Text: r.Name, Href: "/kommun/" + url.PathEscape(r.Code)}
		cls := ""
		if r.Member {
			cls = "member"
		}
		row := []Cell{rank, name, textCell(r.CountyName), {Text: strconv.Itoa(r.Year), Num: true}}
		for _, m := range analytics.Metrics {
			cell := Cell{Text: fmtMetric(m.Name, am.Value(m.Name)), Num: true, Estimate: m.Estimate}
			if m.Name == analytics.MetricNetZeroYear && am.Value(m.Name) != nil && *am.Value(m.Name) > 2100 {
				cell.Text = "efter 2100"
			}
			row = append(row, cell)
		}
		if cls != "" {
			for i := range row {
				row[i].Class = cls
			}
		}
		v.Table.Rows = append(v.Table.Rows, row)
	}
	v.Table.Notes = []string{"Markerade rader med ordet ”medlem” är Klimatkommunernas medlemmar. Kolumner märkta ”uppskattning” bygger på trenden (Klimatkollens metod), inte på uppmätta värden. Lägst värde får placering 1; lika värden delar placering."}
	// Members are marked by text as well as colour.
	for i, r := range rows {
		if r.Member {
			v.Table.Rows[i][1].Text = r.Name + " – medlem"
		}
	}
	head := []Cell{textCell("Grupp"), {Text: "Sammantaget", Num: true, Estimate: rk.Metric.Estimate},
		{Text: "Medelkommun", Num: true, Estimate: rk.Metric.Estimate}, {Text: "Antal kommuner", Num: true}}
	v.Averages = Table{ID: "genomsnitt-tabell", Caption: fmt.Sprintf("%s %d: Sverige och Klimatkommunernas medlemmar", rk.Metric.Label, rk.Year), Head: head}
	v.Counties = Table{ID: "lan-tabell", Caption: fmt.Sprintf("%s %d per län", rk.Metric.Label, rk.Year), Head: head}
	for _, g := range rk.Averages {
		if g.Group == analytics.GroupMembers && g.Municipalities == 0 {
			continue
		}
		row := []Cell{textCell(g.Name),
			{Text: fmtMetric(rk.Metric.Name, g.Value), Num: true, Estimate: rk.Metric.Estimate},
			{Text: fmtMetric(rk.Metric.Name, g.Mean), Num: true, Estimate: rk.Metric.Estimate},
			{Text: strconv.Itoa(g.Municipalities), Num: true}}
		if g.Group == analytics.GroupCounty {
			v.Counties.Rows = append(v.Counties.Rows, row)
		} else {
			v.Averages.Rows = append(v.Averages.Rows, row)
		}
	}
	v.Averages.Notes = []string{"Sammantaget: gruppen som en helhet (för Sverige och länen SMHI:s egna siffror; per invånare är det samlade utsläpp delat med samlad befolkning). Medelkommun: medelvärdet av kommunernas värden, där varje kommun väger lika."}
	return "rangordning", v, nil
}

func sortLabel(key string) string {
	if key == "namn" {
		return "namn"
	}
	if m, ok := analytics.MetricByName(key); ok {
		return m.Label
	}
	return key
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
