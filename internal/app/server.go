package app

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/api"
	"github.com/klimatkommunerna/klimatrapport/web/apidoc"
	"github.com/klimatkommunerna/klimatrapport/web/membertest"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
	"github.com/klimatkommunerna/klimatrapport/web/portal"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// uploadRoutes take a workbook: the upload body limit (every other route
// takes a small form) and the long deadline, which slowRoutes also give
// the annotated copy, built in a turn of the same cap as a parse.
var (
	uploadRoutes = []string{"/api/v1/submissions", "/rapportera"}
	slowRoutes   = append([]string{"/api/v1/submissions/:id/annotated.xlsx"}, uploadRoutes...)
)

// openWrites are the only writes the public may send: signing in and out,
// setting a password with a link, and the member test.
var openWrites = []string{"/logga-in", "/logga-ut", "/losenord", "/medlemstest"}

// Server assembles the HTTP service: the shell, its middleware (in this
// order: the request pool (storage.ForRequest, not for uploads), https
// marking and HSTS, deadline, body limit, audit,
// authentication, cross-origin check, writes only when signed in; the
// audit comes before those that refuse, to record their refusals), the API,
// the public pages and the signed-in pages. What the shell refuses outside
// /api/ is shown on the pages' error page.
func (a *App) Server(cfg web.Config, static web.StaticTokens, log *slog.Logger) *web.Server {
	cfg.ErrorPage = func(c *gin.Context, err error) { site.Fail(c, log, err) }
	srv := web.New(cfg, a.DB, log)
	srv.Router.Use(requestPool(uploadRoutes...), srv.StrictTransport(), web.Deadline(cfg.RequestTimeout, cfg.UploadTimeout, slowRoutes...),
		web.LimitBody(a.Submissions.Limits.MaxBytes, uploadRoutes...), srv.Audit(a.Accounts),
		web.Authenticate(web.AccountAuth{Accounts: a.Accounts, Static: static}), web.CrossOrigin(),
		web.SignedInWrites(openWrites...))
	// The pages first: their warmer runs first, so that the pages people read are ready first.
	(&pages.Pages{Published: a.Published, Log: log, Compliance: a.Compliance, PublicURL: cfg.PublicURL, OpenData: a.OpenData}).Register(srv.Router)
	(&api.API{Data: a.Data(), Members: a.Members, Submissions: a.Submissions, Log: log,
		Published: a.Published, Compliance: a.Compliance}).Register(srv.Router)
	(&portal.Portal{Accounts: a.Accounts, Throttle: a.Throttle, Submissions: a.Submissions, Compliance: a.Compliance, National: a.National,
		MemberTest: a.MemberTest, Members: a.Members, Log: log}).Register(srv.Router)
	(&membertest.Page{Service: a.MemberTest, Published: a.Published, PerHour: a.ApplyPerHour, Log: log}).Register(srv.Router)
	(&apidoc.Page{Log: log}).Register(srv.Router)
	return srv
}
