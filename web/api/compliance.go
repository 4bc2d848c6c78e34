package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
// compliance results, reviews and replies (when a.Compliance is set), and
// the members register for administrators.
func (a *API) registerCompliance(v1 gin.IRouter) {
	if a.Compliance != nil {
		v1.GET("/compliance", a.listCompliance)
		v1.GET("/compliance.xlsx", a.complianceXLSX)
		v1.GET("/municipalities/:code/compliance", a.memberCompliance)
		v1.POST("/municipalities/:code/compliance/reviews", a.postReview)
		v1.POST("/municipalities/:code/compliance/replies", a.postReply)
	}
	v1.GET("/members", a.listMembers)
	v1.POST("/members", a.addMember)
	v1.GET("/members/:code", a.getMember)
	v1.PATCH("/members/:code", a.updateMember)
	v1.POST("/members/:code/end", a.endMember)
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

func (a *API) evaluate(c *gin.Context, action access.Action) (compliance.Report, bool) {
	q, f, err := complianceQuery(c, a.Compliance.CurrentYear())
	if err == nil {
		err = scopeCodes(web.ActorOf(c), action, &q)
	}
	if err != nil {
		a.fail(c, err)
		return compliance.Report{}, false
	}
	rep, err := a.Compliance.Evaluate(c.Request.Context(), q)
	if err != nil {
		a.fail(c, err)
		return rep, false
	}
	return f.Apply(rep), true
}

// listCompliance is GET /api/v1/compliance: every member × obligation the
// actor may see, with status, evidence and reviews.
func (a *API) listCompliance(c *gin.Context) {
	if rep, ok := a.evaluate(c, access.ReadCompliance); ok {
		c.JSON(http.StatusOK, rep)
	}
}

// complianceXLSX is the board's workbook of the same results.
func (a *API) complianceXLSX(c *gin.Context) {
	rep, ok := a.evaluate(c, access.ExportCompliance)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := compliance.WriteXLSX(&buf, rep); err != nil {
		a.fail(c, err)
		return
	}
	attachment(c, "", fmt.Sprintf("medlemskrav-%d.xlsx", rep.Year))
	c.Data(http.StatusOK, xlsxType, buf.Bytes())
}

// memberCompliance is one member's obligations, with goal tracking and its
// series.
func (a *API) memberCompliance(c *gin.Context) {
	code := c.Param("code")
	if !a.allowed(c, access.ReadCompliance, code) {
		return
	}
	q, f, err := complianceQuery(c, a.Compliance.CurrentYear())
	if err != nil {
		a.fail(c, err)
		return
	}
	q.Codes, q.Series = []string{code}, c.Query("series") != "false"
	rep, err := a.Compliance.Evaluate(c.Request.Context(), q)
	if err != nil {
		a.fail(c, err)
		return
	}
	if len(rep.Members) == 0 {
		a.fail(c, kr.E(kr.NotFound, "%s är inte medlem %d.", code, q.Year))
		return
	}
	rep = f.Apply(rep)
	out := gin.H{"year": rep.Year, "as_of": rep.AsOf, "deadline": rep.Deadline, "member": nil}
	if len(rep.Members) > 0 {
		out["member"] = rep.Members[0]
	}
	c.JSON(http.StatusOK, out)
}

// readJSON decodes a small JSON body into v, refusing unknown fields.
func readJSON(c *gin.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, 64<<10+1))
	if err != nil {
		return kr.Wrap(kr.Invalid, err, "Förfrågan kunde inte läsas.")
	}
	if len(body) > 64<<10 {
		return kr.E(kr.TooLarge, "Förfrågan är för stor.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return kr.E(kr.Invalid, "Skicka uppgifterna som JSON med rätt fält: %s", jsonError(err))
	}
	return nil
}

func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("ogiltig JSON vid tecken %d.", syn.Offset)
	case errors.As(err, &typ) && typ.Field == "":
		return "förfrågan ska vara ett JSON-objekt."
	case errors.As(err, &typ):
		return fmt.Sprintf("fältet %s har fel typ.", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "fältet " + strings.TrimPrefix(err.Error(), "json: unknown field ") + " finns inte."
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "förfrågan är tom eller ofullständig."
	}
	return "innehållet kunde inte läsas."
}

// postReview is a reviewer's decision: {"year", "obligation", "status"
// (empty removes the current override), "comment"}.
func (a *API) postReview(c *gin.Context) {
	var in compliance.ReviewInput
	a.postEvent(c, access.ReviewCompliance, "review", &in, &in.Code, func(ctx context.Context, actor kr.Actor) (any, compliance.MemberResult, error) {
		ev, m, err := a.Compliance.Review(ctx, actor, in)
		return ev, m, err
	})
}

// postReply is the member's reply: {"year", "obligation", "message",
// "reply_to" (optional review id)}.
func (a *API) postReply(c *gin.Context) {
	var in compliance.ReplyInput
	a.postEvent(c, access.ReplyCompliance, "reply", &in, &in.Code, func(ctx context.Context, actor kr.Actor) (any, compliance.MemberResult, error) {
		ev, m, err := a.Compliance.Reply(ctx, actor, in)
		return ev, m, err
	})
}

// postEvent records a review or a reply on the municipality of the path:
// it checks the right, reads the JSON body into in and sets its code, and
// answers 201 with the event (under key) and the member's new results.
func (a *API) postEvent(c *gin.Context, action access.Action, key string, in any, code *string,
	record func(context.Context, kr.Actor) (any, compliance.MemberResult, error)) {
	if !a.allowed(c, action, c.Param("code")) {
		return
	}
	if err := readJSON(c, in); err != nil {
		a.fail(c, err)
		return
	}
	*code = c.Param("code") // the path decides, not the body
	ev, m, err := record(c.Request.Context(), web.ActorOf(c))
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{key: ev, "member": m})
}
