package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/api"
	"github.com/klimatkommunerna/klimatrapport/web/pages"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// app wires the services over one database; serve and the commands share it.
type app struct {
	db          storage.DB
	national    *national.Store
	reference   *national.Lookup
	submissions *submissions.Service
	members     *members.Register
	accounts    *accounts.Store
	metrics     *analytics.Service // cached figures for the pages and the API
	compliance  *compliance.Engine // membership obligations; serve and compliance set its Rules
}

func newApp(db storage.DB, maxUploadMB int) *app {
	lim := workbook.DefaultLimits()
	if maxUploadMB > 0 {
		lim.MaxBytes = int64(maxUploadMB) << 20
	}
	a := &app{db: db, national: &national.Store{DB: db}}
	a.reference = &national.Lookup{Store: a.national}
	a.national.OnChange = a.reference.Invalidate
	a.submissions = &submissions.Service{DB: db, Limits: lim, Lookup: a.reference}
	a.members = &members.Register{DB: db}
	a.accounts = &accounts.Store{DB: db}
	// Pages and computed figures are cached per data generation: dropped at
	// once when this process commits a submission, an import or a members
	// change, and within ProbeInterval when another instance does.
	a.metrics = &analytics.Service{Data: a.data(), Members: a.members, ProbeInterval: analytics.DefaultProbeInterval}
	onNational := a.national.OnChange
	a.national.OnChange = func() {
		if onNational != nil {
			onNational()
		}
		a.metrics.Invalidate()
	}
	onCommit := a.submissions.OnCommit
	a.submissions.OnCommit = func(code string) {
		if onCommit != nil {
			onCommit(code)
		}
		a.metrics.Invalidate()
	}
	onMembers := a.members.OnChange
	a.members.OnChange = func() {
		if onMembers != nil {
			onMembers()
		}
		a.metrics.Invalidate()
	}
	a.compliance = &compliance.Engine{DB: db, Members: a.members, National: a.national, Rules: compliance.DefaultRules()}
	return a
}

// server assembles the HTTP service: the shell, its middleware (in this
// order: body limit, authentication, CSRF, audit), the API, the public pages
// and the signed-in pages.
func (a *app) server(cfg web.Config, static web.StaticTokens, log *slog.Logger) *web.Server {
	srv := web.New(cfg, a.db, log)
	maxBody := a.submissions.Limits.MaxBytes + 1<<20 // the largest upload and its form
	srv.Router.Use(web.LimitBody(maxBody),
		web.Authenticate(web.AccountAuth{Accounts: a.accounts, Static: static}),
		web.CSRF(), web.Audit(a.accounts, log))
	(&api.API{Data: a.data(), Members: a.members, Submissions: a.submissions, Log: log,
		MaxUploadBytes: a.submissions.Limits.MaxBytes, Metrics: a.metrics, Compliance: a.compliance}).Register(srv.Router)
	(&pages.Pages{Metrics: a.metrics, Log: log}).Register(srv.Router)
	(&pages.Portal{Accounts: a.accounts, Submissions: a.submissions, Compliance: a.compliance, National: a.national,
		Log: log, MaxUploadBytes: a.submissions.Limits.MaxBytes}).Register(srv.Router)
	return srv
}

// data is where analytics reads its figures.
func (a *app) data() analytics.Data {
	return analytics.Data{National: a.national, Reports: a.submissions}
}

// janitor removes leftovers of interrupted uploads at start and then
// regularly: those older than after.
func (a *app) janitor(ctx context.Context, e *env, after time.Duration) {
	every := min(time.Hour, max(after, time.Second))
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := a.submissions.Cleanup(ctx, after)
		if err != nil {
			e.log.Warn("cleanup of interrupted uploads failed", "err", err)
		} else if n > 0 {
			e.log.Info("removed leftovers of interrupted uploads", "submissions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func maxUploadFlag(fs *flag.FlagSet, p *int) {
	def := int(workbook.DefaultLimits().MaxBytes >> 20)
	if v, ok := lookupEnvInt(envName("max-upload-mb")); ok {
		def = v
	}
	fs.IntVar(p, "max-upload-mb", def, "largest workbook accepted, in MB (env "+envName("max-upload-mb")+")")
}
