package main

import (
	"context"
	"flag"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"time"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/ingest"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/reporting"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// app wires the services over one database; serve and the commands share it.
type app struct {
	db          storage.DB
	national    *national.Store
	reference   *national.Reference
	submissions *reporting.Service
	members     *members.Register
	accounts    *accounts.Store
}

func newApp(db storage.DB, maxUploadMB int) *app {
	lim := ingest.DefaultLimits()
	if maxUploadMB > 0 {
		lim.MaxBytes = int64(maxUploadMB) << 20
	}
	a := &app{db: db, national: &national.Store{DB: db}}
	a.reference = &national.Reference{Store: a.national}
	a.national.OnChange = a.reference.Invalidate
	a.submissions = &reporting.Service{DB: db, Limits: lim, Reference: a.reference}
	a.members = &members.Register{DB: db}
	a.accounts = &accounts.Store{DB: db}
	return a
}

// data is where analytics reads its figures.
func (a *app) data() analytics.Data {
	return analytics.Data{National: a.national, Reports: a.submissions}
}

// janitor removes leftovers of interrupted uploads now and every hour.
func (a *app) janitor(ctx context.Context, e *env) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := a.submissions.Cleanup(ctx, time.Hour)
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
	def := int(ingest.DefaultLimits().MaxBytes >> 20)
	if v, ok := lookupEnvInt(envName("max-upload-mb")); ok {
		def = v
	}
	fs.IntVar(p, "max-upload-mb", def, "largest workbook accepted, in MB (env "+envName("max-upload-mb")+")")
}
