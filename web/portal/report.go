package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// /rapportera: an officer's template, upload form, the last upload's
// report, the versions so far and the member's obligations, with replies
// to the reviewers.

type reportView struct {
	view
	Code, Name  string
	Year        int
	TemplateURL string
	MaxMB       int64
	Result      *submissions.Result
	Items       []kr.Item
	Versions    []submissions.Version
	Compliance  *compliance.MemberResult
	Statuses    []compliance.Status
}

// officerCode is the municipality the page is about: an officer's own, or
// for administrators the one asked for.
func (p *Portal) officerCode(c *gin.Context, asked string) (string, error) {
	actor := web.ActorOf(c)
	code := actor.Municipality
	if actor.Role == kr.RoleAdmin && asked != "" {
		code = asked
	}
	if code == "" && actor.Role == kr.RolePublic {
		return "", kr.E(kr.Unauthorized, "Logga in för att rapportera.")
	}
	if code == "" {
		return "", kr.E(kr.Invalid, "Ange vilken kommun det gäller: /rapportera?kod=1281")
	}
	return code, access.Check(actor, access.Submit, code)
}

func (p *Portal) reportView(c *gin.Context, code string) (*reportView, error) {
	ctx := c.Request.Context()
	year := time.Now().Year()
	v := &reportView{view: p.view(c, "Rapportera", "rapportera"), Code: code, Year: year,
		MaxMB:       web.UploadLimit(p.Submissions.Limits.MaxBytes) >> 20,
		TemplateURL: fmt.Sprintf("/api/v1/template.xlsx?municipality=%s&year=%d", url.QueryEscape(code), year),
		Statuses:    compliance.Statuses()}
	if names, err := p.National.Names(ctx); err == nil {
		if m, ok := names.MunicipalityByCode(code); ok {
			v.Name = m.Name
		} else if cty, ok := names.CountyByCode(code); ok {
			v.Name = cty.Name
		}
	}
	var err error
	if v.Versions, err = p.Submissions.List(ctx, code); err != nil {
		return v, err
	}
	if m, err := p.Compliance.Member(ctx, code, compliance.Query{Year: year, NoTracking: true}); err == nil {
		v.Compliance = &m
	} else if kr.KindOf(err) != kr.NotFound {
		return v, err
	}
	return v, nil
}

func (p *Portal) report(c *gin.Context) {
	code, err := p.officerCode(c, c.Query("kod"))
	p.sendReport(c, code, err, func(v *reportView) int {
		if c.Query("klart") == "svar" {
			v.Notice = "Ditt svar är sparat och syns för granskarna."
		}
		return http.StatusOK
	})
}

// upload takes the form's workbook and shows the page with its report.
func (p *Portal) upload(c *gin.Context) {
	code, res, err := p.submit(c)
	p.sendReport(c, code, err, func(v *reportView) int {
		v.Result, v.Items = &res, res.Submission.Items
		switch {
		case res.Existing:
			v.Notice = "Den här filen är redan inlämnad. Ingenting nytt har sparats."
		case res.Accepted():
			v.Notice = fmt.Sprintf("Tack! Filen är mottagen med %d utsläppsvärden, %d mål, %d handlingsplaner och %d åtgärder.",
				res.Submission.Counts.Inventory, res.Submission.Counts.Goals, res.Submission.Counts.Plans, res.Submission.Counts.Measures)
		default:
			v.Error = "Filen har inte tagits emot eftersom den innehåller fel. Rätta felen nedan och ladda upp filen igen."
			return http.StatusUnprocessableEntity
		}
		return http.StatusOK
	})
}

// sendReport shows code's /rapportera with what outcome adds to it, and
// the status outcome returns; or the error page for err.
func (p *Portal) sendReport(c *gin.Context, code string, err error, outcome func(*reportView) int) {
	var v *reportView
	if err == nil {
		v, err = p.reportView(c, code)
	}
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, outcome(v), "rapportera", v)
}

// submit stores the uploaded workbook for the municipality the form is
// about. Who may upload at all is checked before the body is read: the
// public and reviewers are refused without their files being received.
func (p *Portal) submit(c *gin.Context) (string, submissions.Result, error) {
	if err := mayWrite(c); err != nil {
		return "", submissions.Result{}, err
	}
	up, err := web.ReadUpload(c, p.Submissions.Limits.MaxBytes, "kod")
	if err != nil {
		return "", submissions.Result{}, err
	}
	defer up.Close()
	code, err := p.officerCode(c, up.Field("kod"))
	if err != nil {
		return code, submissions.Result{}, err
	}
	res, err := p.Submissions.Submit(c.Request.Context(), web.ActorOf(c),
		submissions.Upload{FileName: up.FileName, File: up.File, Size: up.Size, Municipality: code})
	return code, res, err
}

// mayWrite refuses, before anything of the body is read, an actor who may
// not report for any municipality (the public, reviewers).
func mayWrite(c *gin.Context) error {
	actor := web.ActorOf(c)
	if actor.Role == kr.RolePublic {
		return kr.E(kr.Unauthorized, "Logga in för att rapportera.")
	}
	return access.Check(actor, access.Submit, actor.Municipality)
}

func (p *Portal) reply(c *gin.Context) {
	if err := mayWrite(c); err != nil {
		p.fail(c, err)
		return
	}
	code, err := p.officerCode(c, c.PostForm("kod"))
	if err != nil {
		p.fail(c, err)
		return
	}
	year, _ := strconv.Atoi(c.PostForm("year"))
	_, _, err = p.Compliance.Reply(c.Request.Context(), web.ActorOf(c), compliance.ReplyInput{
		Code: code, Year: year, Obligation: compliance.Obligation(c.PostForm("obligation")),
		Message: c.PostForm("message"), ReplyTo: c.PostForm("reply_to")})
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/rapportera?klart=svar")
}
