package main

import (
	"context"
	"flag"
	"time"

	"github.com/klimatkommunerna/klimatrapport/ingest"
	"github.com/klimatkommunerna/klimatrapport/reporting"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// app wires the services over one database; serve and the commands share it.
type app struct {
	db          storage.DB
	submissions *reporting.Service
}

func newApp(db storage.DB, maxUploadMB int) *app {
	lim := ingest.DefaultLimits()
	if maxUploadMB > 0 {
		lim.MaxBytes = int64(maxUploadMB) << 20
	}
	return &app{
		db:          db,
		submissions: &reporting.Service{DB: db, Limits: lim},
	}
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
