package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// /granskning: the reviewers' matrix of every member's obligations, one
// member's evidence and history, and the reviewers' decisions.

type reviewRow struct {
	Code, Name, County string
	Binding            bool
	Note               string
	Results            []compliance.Result
}

type reviewView struct {
	view
	Year                       int
	Years                      []int
	Status, Obligation, County string
	Statuses                   []compliance.Status
	Obligations                []compliance.Obligation
	Counties                   []kr.County
	Rows                       []reviewRow
	ExportURL                  string
	Summary                    compliance.Summary
	// Release is the SMHI release each member's page follows its goals up
	// against; the matrix itself does not follow goals up.
	Release *figures.ReleaseRef
}

// yearParam reads ?ar=, def when it is not given.
func yearParam(c *gin.Context, def int) (int, error) {
	s := c.Query("ar")
	if s == "" {
		return def, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < compliance.FirstReportYear || y > def+1 {
		return 0, kr.E(kr.Invalid, "Året ska vara mellan %d och %d.", compliance.FirstReportYear, def+1)
	}
	return y, nil
}

func (p *Portal) review(c *gin.Context) {
	if err := access.Check(web.ActorOf(c), access.ReviewCompliance, ""); err != nil {
		p.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	year, err := yearParam(c, p.Compliance.CurrentYear())
	if err != nil {
		p.fail(c, err)
		return
	}
	v := &reviewView{view: p.view(c, "Granskning", "granskning"), Year: year, Status: c.Query("status"),
		Obligation: c.Query("skyldighet"), County: c.Query("lan"), Statuses: compliance.Statuses(), Obligations: compliance.Obligations()}
	f, err := v.filter()
	if err != nil {
		p.fail(c, err)
		return
	}
	rep, err := p.Compliance.Evaluate(ctx, compliance.Query{Year: year, NoTracking: true})
	if err != nil {
		p.fail(c, err)
		return
	}
	if v.Counties, err = p.National.Counties(ctx); err != nil {
		p.fail(c, err)
		return
	}
	if v.Release, err = p.Compliance.GoalRelease(ctx); err != nil {
		p.fail(c, err)
		return
	}
	v.Summary = rep.Summary
	for y := p.Compliance.CurrentYear(); y >= p.Compliance.CurrentYear()-5; y-- {
		v.Years = append(v.Years, y)
	}
	countyName := map[string]string{}
	for _, cty := range v.Counties {
		countyName[cty.Code] = cty.Name
	}
	for _, m := range f.Apply(rep).Members {
		county := m.Code[:2]
		if v.County != "" && county != v.County {
			continue
		}
		v.Rows = append(v.Rows, reviewRow{Code: m.Code, Name: m.Name, County: countyName[county], Binding: m.Binding,
			Note: m.NotBindingReason, Results: m.Obligations})
	}
	slices.SortFunc(v.Rows, func(a, b reviewRow) int { return strings.Compare(a.Name, b.Name) })
	p.render(c, http.StatusOK, "granskning", v)
}

// filter reads the status and obligation chosen, narrows the matrix to the
// chosen obligation's column, and sets the export link to the same
// selection.
func (v *reviewView) filter() (compliance.Filter, error) {
	q := url.Values{"year": {strconv.Itoa(v.Year)}}
	var f compliance.Filter
	if v.Status != "" {
		st, ok := compliance.ParseStatus(v.Status)
		if !ok {
			return f, kr.E(kr.Invalid, "Statusen %q finns inte.", v.Status)
		}
		f.Statuses = []compliance.Status{st}
		q.Set("status", string(st))
	}
	if v.Obligation != "" {
		o, ok := compliance.ParseObligation(v.Obligation)
		if !ok {
			return f, kr.E(kr.Invalid, "Skyldigheten %q finns inte.", v.Obligation)
		}
		f.Obligations = []compliance.Obligation{o}
		v.Obligations = f.Obligations
		q.Set("obligation", string(o))
	}
	v.ExportURL = "/api/v1/compliance.xlsx?" + q.Encode()
	return f, nil
}

type reviewMemberView struct {
	view
	Year     int
	Member   compliance.MemberResult
	Statuses []compliance.Status
}

func (p *Portal) reviewMember(c *gin.Context) {
	code := c.Param("code")
	if err := access.Check(web.ActorOf(c), access.ReviewCompliance, code); err != nil {
		p.fail(c, err)
		return
	}
	year, err := yearParam(c, p.Compliance.CurrentYear())
	if err != nil {
		p.fail(c, err)
		return
	}
	m, err := p.Compliance.Member(c.Request.Context(), code, compliance.Query{Year: year})
	if err != nil {
		p.fail(c, err)
		return
	}
	v := &reviewMemberView{view: p.view(c, "Granskning: "+m.Name, "granskning"), Year: year, Member: m, Statuses: compliance.Statuses()}
	if c.Query("klart") == "granskat" {
		v.Notice = "Beslutet är sparat. Den tidigare statusen finns kvar i historiken."
	}
	p.render(c, http.StatusOK, "granskning-kommun", v)
}

func (p *Portal) setStatus(c *gin.Context) {
	code := c.Param("code")
	year, _ := strconv.Atoi(c.PostForm("year"))
	_, _, err := p.Compliance.Review(c.Request.Context(), web.ActorOf(c), compliance.ReviewInput{
		Code: code, Year: year, Obligation: compliance.Obligation(c.PostForm("obligation")),
		Status: compliance.Status(c.PostForm("status")), Comment: c.PostForm("comment")})
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/granskning/%s?ar=%d&klart=granskat", url.PathEscape(code), year))
}
