package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// The comparison, /jamfor: up to publish.MaxCompare areas side by side,
// in total, per capita and as an index.

// defaultCompare is shown when no municipality is chosen: the four largest.
var defaultCompare = []string{"0180", "1480", "1280", "1281"}

var areaCodeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

type jamforView struct {
	site.Frame
	Max                        int
	Inputs                     []string
	BaseYears                  []int
	BaseYear                   int
	BaseYearOptions            template.HTML // BaseYears as options, BaseYear selected (yearOptions)
	Source                     string
	Options                    template.HTML // the datalist of every municipality's name (municipalityList)
	Errors                     []string
	Example                    bool
	SourceText                 string
	Absolute, PerCapita, Index Chart
	Embed                      embedSnippet // the chart of the totals'
}

// resolveArea finds an area by code or by name (as written, any case).
func resolveArea(snap *publish.Snapshot, s string) (string, bool) {
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

func (p *Pages) jamfor(c *gin.Context, snap *publish.Snapshot) (string, site.Framed, error) {
	v, err := p.compareView(c, snap)
	if err != nil {
		return "", nil, err
	}
	if len(v.Errors) > 0 {
		// The form again, with what is wrong, as 400 Bad Request.
		b, err := templates.Execute("jamfor", v)
		if err != nil {
			return "", nil, err
		}
		return "", nil, pageError{status: http.StatusBadRequest, body: b}
	}
	return "jamfor", v, nil
}

// compareView is the comparison asked for, with its charts, or the form
// with what is wrong (Errors), for the page and its embed.
func (p *Pages) compareView(c *gin.Context, snap *publish.Snapshot) (*jamforView, error) {
	v := &jamforView{Frame: frame(snap, "Jämför kommuner", "Jämför kommuners utsläpp: totalt, per invånare och som index.", "jamfor"),
		Max: publish.MaxCompare, Source: c.DefaultQuery("kalla", analytics.SourceSMHI)}
	var err error
	if v.Options, err = municipalityList(snap); err != nil {
		return nil, err
	}
	codes := v.choose(c, snap)
	var examples []string
	for _, code := range codes {
		if m, ok := snap.Member(code); ok && m.Example {
			examples = append(examples, snap.Name(code))
		}
	}
	v.ExampleNotice = exampleNotice(examples)
	base, err := publish.ParseYear("bas", c.Query("bas"))
	if err != nil {
		v.Errors = append(v.Errors, kr.MessageOf(err))
	}
	for _, pt := range snap.SMHITotal("00") {
		v.BaseYears = append(v.BaseYears, pt.Year)
	}
	if len(v.Errors) == 0 && len(codes) > 0 {
		cmp, err := snap.Compare(c.Request.Context(), publish.CompareQuery{Codes: codes, Source: v.Source, BaseYear: base})
		if err != nil {
			if k := kr.KindOf(err); k != kr.Invalid && k != kr.NotFound {
				return nil, err
			}
			v.Errors = append(v.Errors, kr.MessageOf(err))
		} else if err := v.charts(cmp, snap); err != nil {
			return nil, err
		} else {
			v.Embed = p.snippet(site.EmbedPrefix+"jamfor", url.Values{"kod": codes, "bas": {strconv.Itoa(cmp.BaseYear)}, "kalla": {cmp.Source}},
				v.Absolute.Caption+": "+strings.Join(v.Inputs[:len(codes)], ", "))
		}
	}
	if len(v.BaseYears) == 0 {
		v.BaseYears = []int{kr.FirstYear}
	}
	if v.BaseYearOptions, err = yearOptions(snap, v.BaseYears, v.BaseYear); err != nil {
		return nil, err
	}
	return v, nil
}

// datalist is the form's list of every municipality's name, which the
// code fields suggest from.
var datalist = template.Must(template.New("datalist").Parse(
	`<datalist id="kommuner">{{range .}}<option value="{{.Name}}">{{.Code}}</option>{{end}}</datalist>`))

// municipalityList is the datalist rendered once per snapshot: it is the
// same on every comparison and, with some 290 names to escape, most of the
// cost of rendering one.
func municipalityList(snap *publish.Snapshot) (template.HTML, error) {
	v, err := snap.Memo("pages:jamfor-datalist", func() (any, error) {
		var b bytes.Buffer
		if err := datalist.Execute(&b, snap.Municipalities); err != nil {
			return nil, err
		}
		return template.HTML(b.String()), nil // escaped by html/template, in the same context as in the page
	})
	if err != nil {
		return "", err
	}
	return v.(template.HTML), nil
}

// choose reads the areas asked for (?kod=, codes or names), notes those
// it cannot find, and fills the form's fields: the chosen areas and two
// empty ones. Without a choice it shows the four largest municipalities.
func (v *jamforView) choose(c *gin.Context, snap *publish.Snapshot) []string {
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
	if len(v.Inputs) > publish.MaxCompare {
		v.Inputs = v.Inputs[:publish.MaxCompare]
	}
	return codes
}

func (v *jamforView) charts(cmp *publish.Comparison, snap *publish.Snapshot) error {
	v.BaseYear = cmp.BaseYear
	if cmp.Source == analytics.SourceSMHI {
		v.SourceText = smhiSourceText(snap)
	} else {
		v.SourceText = "medlemmarnas egenrapporterade siffror (" + cmp.Unit + "), de senaste accepterade inlämningarna."
	}
	symbols := []string{"circle", "rect", "triangle", "diamond", "pin", "arrow", "roundRect", "emptyCircle", "emptyRect", "emptyTriangle", "emptyDiamond", "circle"}
	var abs, pc, idx []lineSeries
	var perCapita []publish.NamedSeries
	for i, a := range cmp.Areas {
		name := a.Name
		if a.Member {
			name += " (medlem)"
		}
		ls := lineSeries{Name: name, Colour: okabeIto[i%len(okabeIto)], Symbol: symbols[i%len(symbols)]}
		ls.Points = a.Total
		abs = append(abs, ls)
		pc = append(pc, perCapitaLines(a.PerCapita, ls)...)
		perCapita = append(perCapita, a.PerCapita)
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
	v.PerCapita.Table.Notes = perCapitaNotes(perCapita)
	if v.Index, err = newLineFigure("index", fmt.Sprintf("Utsläpp som index, %d = 100", cmp.BaseYear), "index", decIndex, idx); err != nil {
		return err
	}
	if len(idx) < len(cmp.Areas) {
		v.Index.Table.Notes = []string{fmt.Sprintf("Kommuner utan värde för %d saknas i indexet.", cmp.BaseYear)}
	}
	withCharts(&v.Frame, v.Absolute, v.PerCapita, v.Index)
	return nil
}
