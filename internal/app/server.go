package app

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/api"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
	"github.com/klimatkommunerna/klimatrapport/web/portal"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// Server assembles the HTTP service: the shell, its middleware (in this
// order: body limit, authentication, cross-origin check, audit), the API,
// the public pages and the signed-in pages. What the shell refuses outside
// /api/ is shown on the pages' error page.
func (a *App) Server(cfg web.Config, static web.StaticTokens, log *slog.Logger) *web.Server {
	cfg.ErrorPage = func(c *gin.Context, err error) { site.Fail(c, log, err) }
	srv := web.New(cfg, a.DB, log)
	srv.Router.Use(web.LimitBody(a.Submissions.Limits.MaxBytes),
		web.Authenticate(web.AccountAuth{Accounts: a.Accounts, Static: static}),
		web.CrossOrigin(), web.Audit(a.Accounts, log))
	(&api.API{Data: a.Data(), Members: a.Members, Submissions: a.Submissions, Log: log,
		Published: a.Published, Compliance: a.Compliance}).Register(srv.Router)
	(&pages.Pages{Published: a.Published, Log: log}).Register(srv.Router)
	(&portal.Portal{Accounts: a.Accounts, Throttle: a.Throttle, Submissions: a.Submissions, Compliance: a.Compliance, National: a.National,
		Log: log}).Register(srv.Router)
	return srv
}
