package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// registerCompliance adds the routes of the membership obligations: the
// compliance results, reviews and replies.
func (a *API) registerCompliance(v1 gin.IRouter) {
	v1.GET("/compliance", a.handle(a.listCompliance))
	v1.GET("/compliance.xlsx", a.handle(a.complianceXLSX))
	v1.GET("/municipalities/:code/compliance", a.handle(a.memberCompliance))
	v1.POST("/municipalities/:code/compliance/reviews", a.handle(a.postReview))
	v1.POST("/municipalities/:code/compliance/replies", a.handle(a.postReply))
}

// complianceQuery reads year (default year), as_of, series and the filters:
// status, obligation (each repeatable or comma-separated), kind, binding and
// municipality.
func complianceQuery(c *gin.Context, year int) (compliance.Query, compliance.Filter, error) {
	q := compliance.Query{Year: year, Series: c.Query("series") == "true"}
	var f compliance.Filter
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return q, f, kr.E(kr.Invalid, "Ange året som ett årtal, t.ex. year=%d.", q.Year)
		}
		q.Year = n
	}
	if d := c.Query("as_of"); d != "" {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return q, f, kr.E(kr.Invalid, "as_of ska vara ett datum, ÅÅÅÅ-MM-DD.")
		}
		q.AsOf = compliance.EndOfDay(t)
	}
	for _, s := range listParam(c, "status") {
		st, ok := compliance.ParseStatus(s)
		if !ok {
			return q, f, kr.E(kr.Invalid, "Statusen %q finns inte. Välj bland uppfyllt, delvis, försenat, saknas och ej förfallet.", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, s := range listParam(c, "obligation") {
		o, ok := compliance.ParseObligation(s)
		if !ok {
			return q, f, kr.E(kr.Invalid, "Skyldigheten %q finns inte. Välj bland inventory, goals, plan och reporting.", s)
		}
		f.Obligations = append(f.Obligations, o)
	}
	switch strings.ToLower(c.Query("kind")) {
	case "":
	case members.KindMunicipality, "kommun":
		f.Kind = members.KindMunicipality
	case members.KindRegion:
		f.Kind = members.KindRegion
	default:
		return q, f, kr.E(kr.Invalid, "kind kan vara municipality (kommun) eller region.")
	}
	switch c.Query("binding") {
	case "":
	case "true":
		f.Binding = boolPtr(true)
	case "false":
		f.Binding = boolPtr(false)
	default:
		return q, f, kr.E(kr.Invalid, "binding kan vara true eller false.")
	}
	for _, code := range listParam(c, "municipality") {
		if !codeRe.MatchString(code) {
			return q, f, kr.E(kr.Invalid, "%q är ingen kommunkod (fyra siffror) eller länskod (två siffror).", code)
		}
		q.Codes = append(q.Codes, code)
	}
	return q, f, nil
}

func boolPtr(b bool) *bool { return &b }

// listParam reads a repeatable, comma-separated query parameter.
func listParam(c *gin.Context, name string) []string {
	var out []string
	for _, v := range c.QueryArray(name) {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// scopeCodes limits a query to what the actor may read: everything for
// reviewers and administrators, the own municipality for officers.
func scopeCodes(actor kr.Actor, action access.Action, q *compliance.Query) error {
	if access.Allowed(actor, action, "") {
		return nil
	}
	own := actor.Municipality
	if own == "" || !access.Allowed(actor, action, own) {
		return access.Check(actor, action, "")
	}
	for _, code := range q.Codes {
		if code != own {
			return access.Check(actor, action, code)
		}
	}
	q.Codes = []string{own}
	return nil
}

// evaluate is the compliance report the query asks for, narrowed to what
// the actor may see.
func (a *API) evaluate(c *gin.Context, action access.Action) (compliance.Report, error) {
	q, f, err := complianceQuery(c, a.Compliance.CurrentYear())
	if err == nil {
		err = scopeCodes(web.ActorOf(c), action, &q)
	}
	if err != nil {
		return compliance.Report{}, err
	}
	rep, err := a.Compliance.Evaluate(c.Request.Context(), q)
	return f.Apply(rep), err
}

// listCompliance is GET /api/v1/compliance: every member × obligation the
// actor may see, with status, evidence and reviews.
func (a *API) listCompliance(c *gin.Context) error {
	rep, err := a.evaluate(c, access.ReadCompliance)
	if err == nil {
		c.JSON(http.StatusOK, rep)
	}
	return err
}

// complianceXLSX is the board's workbook of the same results.
func (a *API) complianceXLSX(c *gin.Context) error {
	rep, err := a.evaluate(c, access.ExportCompliance)
	if err != nil {
		return err
	}
	return sendWorkbook(c, fmt.Sprintf("medlemskrav-%d.xlsx", rep.Year), func(w io.Writer) error { return compliance.WriteXLSX(w, rep) })
}

// memberCompliance is one member's obligations, with goal tracking and its
// series.
func (a *API) memberCompliance(c *gin.Context) error {
	code := c.Param("code")
	if err := allow(c, access.ReadCompliance, code); err != nil {
		return err
	}
	q, f, err := complianceQuery(c, a.Compliance.CurrentYear())
	if err != nil {
		return err
	}
	q.Codes, q.Series = []string{code}, c.Query("series") != "false"
	rep, err := a.Compliance.Evaluate(c.Request.Context(), q)
	if err != nil {
		return err
	}
	if len(rep.Members) == 0 {
		return kr.E(kr.NotFound, "%s är inte medlem %d.", code, q.Year)
	}
	rep = f.Apply(rep)
	out := gin.H{"year": rep.Year, "as_of": rep.AsOf, "deadline": rep.Deadline, "smhi_release": rep.SMHIRelease, "member": nil}
	if len(rep.Members) > 0 {
		out["member"] = rep.Members[0]
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// postReview is a reviewer's decision: {"year", "obligation", "status"
// (empty removes the current override), "comment"}.
func (a *API) postReview(c *gin.Context) error {
	var in compliance.ReviewInput
	return a.postEvent(c, access.ReviewCompliance, "review", &in, &in.Code, func(ctx context.Context, actor kr.Actor) (any, compliance.MemberResult, error) {
		ev, m, err := a.Compliance.Review(ctx, actor, in)
		return ev, m, err
	})
}

// postReply is the member's reply: {"year", "obligation", "message",
// "reply_to" (optional review id)}.
func (a *API) postReply(c *gin.Context) error {
	var in compliance.ReplyInput
	return a.postEvent(c, access.ReplyCompliance, "reply", &in, &in.Code, func(ctx context.Context, actor kr.Actor) (any, compliance.MemberResult, error) {
		ev, m, err := a.Compliance.Reply(ctx, actor, in)
		return ev, m, err
	})
}

// postEvent records a review or a reply on the municipality of the path:
// it checks the right, reads the JSON body into in and sets its code, and
// answers 201 with the event (under key) and the member's new results.
func (a *API) postEvent(c *gin.Context, action access.Action, key string, in any, code *string,
	record func(context.Context, kr.Actor) (any, compliance.MemberResult, error)) error {
	if err := allow(c, action, c.Param("code")); err != nil {
		return err
	}
	if err := readJSON(c, in); err != nil {
		return err
	}
	*code = c.Param("code") // the path decides, not the body
	ev, m, err := record(c.Request.Context(), web.ActorOf(c))
	if err == nil {
		c.JSON(http.StatusCreated, gin.H{key: ev, "member": m})
	}
	return err
}
