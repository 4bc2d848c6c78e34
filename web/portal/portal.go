// Package portal serves the signed-in pages: signing in and out, setting a
// password from a one-time link, /rapportera for officers (the template,
// the upload form, the report cell by cell, history and the member's own
// obligations), /granskning for reviewers (the compliance matrix,
// evidence and overrides) and /granskning/ansokningar for reviewers and
// admins (the member test's applications and the decisions on them). Rights are decided by package access; writes
// go through the same services as the API, so a page can do nothing the
// API would refuse. The pages use package site's frame and static files
// (served with the public pages); forms are protected from other sites by
// web.CrossOrigin.
package portal

import (
	"embed"
	"html/template"
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

//go:embed templates/*.html
var templateFS embed.FS

// statusClass names a status's CSS class: "ej förfallet" → "ej-forfallet".
var statusClass = strings.NewReplacer(" ", "-", "ö", "o", "ä", "a", "å", "a")

var templates = site.MustParse(templateFS, template.FuncMap{
	"lower":       strings.ToLower,
	"statusClass": func(s compliance.Status) string { return statusClass.Replace(string(s)) },
	"areaClass":   areaClass,
}, []string{"templates/messages.html"}, "logga-in", "losenord", "rapportera", "granskning", "granskning-kommun", "ansokningar", "ansokan")

// areaClass names the CSS class of a member test area's status, as the
// compliance statuses are coloured.
func areaClass(s string) string {
	switch s {
	case membertest.Met:
		return "uppfyllt"
	case membertest.Partly:
		return "delvis"
	}
	return "saknas"
}

// Portal serves the pages of signed-in officers and reviewers.
type Portal struct {
	Accounts    *accounts.Store
	Throttle    *accounts.Throttle
	Submissions *submissions.Service
	Compliance  *compliance.Engine
	National    *national.Store
	MemberTest  *membertest.Service // the applications and the decisions on them
	Members     *members.Register   // where an applicant stands now
	Log         *slog.Logger
}

// Register adds the portal's routes.
func (p *Portal) Register(r gin.IRouter) {
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.Throttle == nil {
		p.Throttle = accounts.NewThrottle(p.Accounts)
	}
	r.GET("/logga-in", p.loginForm)
	r.POST("/logga-in", p.login)
	r.POST("/logga-ut", p.logout)
	r.GET("/losenord", p.passwordForm)
	r.POST("/losenord", p.setPassword)
	r.GET("/rapportera", p.report)
	r.POST("/rapportera", p.upload)
	r.POST("/rapportera/svar", p.reply)
	r.GET("/granskning", p.review)
	r.GET("/granskning/:code", p.reviewMember)
	r.POST("/granskning/:code/granska", p.setStatus)
	r.GET("/granskning/ansokningar", p.applications)
	r.GET("/granskning/ansokningar/:id", p.application)
	r.POST("/granskning/ansokningar/:id/beslut", p.decide)
	r.POST("/granskning/ansokningar/:id/epost", p.resend)
}

// view is the frame of every portal page, with a confirmation or what went
// wrong.
type view struct {
	site.Frame
	Notice string // a confirmation
	Error  string // what went wrong, shown in an alert
}

func (p *Portal) view(c *gin.Context, title, nav string) view {
	return view{Frame: site.Frame{Title: title, Nav: nav, Actor: web.ActorOf(c)}}
}

// render sends a page made for the signed-in visitor.
func (p *Portal) render(c *gin.Context, status int, name string, data site.Framed) {
	b, err := templates.Execute(name, data)
	if err != nil {
		p.fail(c, err)
		return
	}
	site.SendPersonal(c, status, b)
}

// fail shows the error page for err (or sends a visitor who must sign in
// to the login page).
func (p *Portal) fail(c *gin.Context, err error) { site.Fail(c, p.Log, err) }
