package portal

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
	mt "github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// /granskning/ansokningar: the office's review of the member test's
// applications (reviewers and admins): every application with its score,
// one application's answers and decisions, and the decision form, whose
// decision goes through membertest.Service.Decide (which checks the right
// again and registers the member).

type applicationRow struct {
	mt.Entry
	Register string // the applicant's entry in the register now, in words
}

type applicationsView struct {
	view
	Rows []applicationRow
	More bool // more than membertest.MaxListed: only the newest shown
	Max  int
}

func (p *Portal) applications(c *gin.Context) {
	ctx := c.Request.Context()
	entries, more, err := p.MemberTest.List(ctx, web.ActorOf(c))
	if err != nil {
		p.fail(c, err)
		return
	}
	register, err := p.registerNow(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := &applicationsView{view: p.view(c, "Ansökningar om medlemskap", "granskning"), More: more, Max: mt.MaxListed}
	for _, e := range entries {
		v.Rows = append(v.Rows, applicationRow{Entry: e, Register: register(e.Applied.Code)})
	}
	p.render(c, http.StatusOK, "ansokningar", v)
}

// registerNow returns a function naming a code's entry in the members
// register today: "medlem sedan …", "observatör till …", or "".
func (p *Portal) registerNow(c *gin.Context) (func(code string) string, error) {
	all, err := p.Members.All(c.Request.Context())
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]members.Member, len(all))
	for _, m := range all {
		byCode[m.Code] = m
	}
	today := compliance.SwedishDay(time.Now())
	return func(code string) string {
		m, ok := byCode[code]
		switch {
		case !ok || m.Ended != nil && !today.Before(*m.Ended):
			return ""
		case m.ObserverUntil != nil:
			return "observatör " + m.Joined.Format(time.DateOnly) + " – " + m.ObserverUntil.Format(time.DateOnly)
		case today.Before(m.Joined):
			return "medlem från " + m.Joined.Format(time.DateOnly)
		}
		return "medlem sedan " + m.Joined.Format(time.DateOnly)
	}, nil
}

// answer is one question with the applicant's answer.
type answer struct {
	Question mt.Question
	Answer   string
}

// answerArea is an area's score with its questions answered.
type answerArea struct {
	mt.AreaScore
	Answers []answer
}

type applicationView struct {
	view
	Entry    mt.Entry
	Register string
	Areas    []answerArea // empty when the questions have changed since
	Raw      map[string]string
	Earlier  []mt.Stored // the applicant's other applications
	Verdicts []string
	Today    string
	// The form as sent, shown again when refused.
	Verdict, From, Comment string
	MailOff                bool // no e-mail server: the applicant is not told
	ObserverDays           int  // an observer's period
}

func (p *Portal) application(c *gin.Context) {
	v, err := p.applicationView(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	switch c.Query("klart") {
	case "beslut":
		v.Notice = "Beslutet är sparat. Tidigare beslut finns kvar i historiken."
	case "epost":
		v.Notice = "E-postmeddelandet är skickat igen."
	}
	p.render(c, http.StatusOK, "ansokan", v)
}

// applicationView reads application :id for its page.
func (p *Portal) applicationView(c *gin.Context) (*applicationView, error) {
	ctx := c.Request.Context()
	actor := web.ActorOf(c)
	e, err := p.MemberTest.Entry(ctx, actor, c.Param("id"))
	if err != nil {
		return nil, err
	}
	register, err := p.registerNow(c)
	if err != nil {
		return nil, err
	}
	all, err := p.MemberTest.Applications(ctx, actor, e.Applied.Code)
	if err != nil {
		return nil, err
	}
	v := &applicationView{view: p.view(c, "Ansökan: "+e.Applied.Name, "granskning"), Entry: e, Register: register(e.Applied.Code),
		Verdicts: mt.Verdicts(), Today: compliance.SwedishDay(time.Now()).Format(time.DateOnly), MailOff: p.MemberTest.Mail == nil,
		ObserverDays: p.MemberTest.ObserverDays()}
	for _, a := range all {
		if a.ID != e.ID {
			v.Earlier = append(v.Earlier, a)
		}
	}
	q := p.MemberTest.Q()
	if q.Version != e.Score.Version {
		v.Raw = e.Applied.Answers
		return v, nil
	}
	for i, area := range q.Areas {
		aa := answerArea{AreaScore: e.Score.Areas[i]}
		for _, qu := range area.Questions {
			aa.Answers = append(aa.Answers, answer{Question: qu, Answer: e.Applied.Answers[qu.ID]})
		}
		v.Areas = append(v.Areas, aa)
	}
	return v, nil
}

func (p *Portal) decide(c *gin.Context) {
	id := c.Param("id")
	in := mt.DecisionInput{Application: id, Verdict: c.PostForm("verdict"), Comment: c.PostForm("comment")}
	from := c.PostForm("from")
	var err error
	if from != "" {
		if in.From, err = time.Parse(time.DateOnly, from); err != nil {
			err = kr.E(kr.Invalid, "Ange datumet som ÅÅÅÅ-MM-DD, till exempel %s.", compliance.SwedishDay(time.Now()).Format(time.DateOnly))
		}
	}
	if err == nil {
		_, err = p.MemberTest.Decide(c.Request.Context(), web.ActorOf(c), in)
	}
	if err != nil {
		p.refused(c, err, in.Verdict, from, in.Comment)
		return
	}
	c.Redirect(http.StatusSeeOther, "/granskning/ansokningar/"+url.PathEscape(id)+"?klart=beslut")
}

// refused shows the application again with what was wrong with the
// decision and the form as sent; errors that are not the form's go to the
// error page.
func (p *Portal) refused(c *gin.Context, err error, verdict, from, comment string) {
	kind := kr.KindOf(err)
	if kind != kr.Invalid && kind != kr.Conflict {
		p.fail(c, err)
		return
	}
	v, verr := p.applicationView(c)
	if verr != nil {
		p.fail(c, errors.Join(err, verr))
		return
	}
	v.Error, v.Verdict, v.From, v.Comment = kr.MessageOf(err), verdict, from, comment
	p.render(c, web.StatusOf(kind), "ansokan", v)
}

func (p *Portal) resend(c *gin.Context) {
	id := c.Param("id")
	d, err := p.MemberTest.Resend(c.Request.Context(), web.ActorOf(c), c.PostForm("decision"))
	if err == nil && d.Application != id {
		err = kr.E(kr.NotFound, "Beslutet hör inte till den här ansökan.")
	}
	if err != nil {
		p.refused(c, err, "", "", "")
		return
	}
	c.Redirect(http.StatusSeeOther, "/granskning/ansokningar/"+url.PathEscape(id)+"?klart=epost")
}
