package main

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/internal/demo"
)

// demoPoll is how often serve --demo looks for the national data the
// example reports are derived from, while it is being imported.
const demoPoll = 2 * time.Second

// seedDemo registers the example members with their reports (serve
// --demo) once SCB's and SMHI's data are in the database: at once when
// they are, else as soon as an import (the first start's or a command's)
// has brought them. Seeding again adds nothing.
func seedDemo(ctx context.Context, e *env, a *app.App) {
	waiting := false
	for {
		sum, err := demo.Seed(ctx, a, time.Now())
		switch {
		case err == nil:
			e.log.Info("example members ready (Exempeldata)", "members_added", sum.Members, "reports_added", sum.Submissions,
				"real_members_left_alone", sum.RealMembers)
			return
		case kr.KindOf(err) != kr.Unavailable:
			e.log.Error("cannot seed the example members", "err", err)
			return
		case !waiting:
			e.log.Info("example members wait for the national data (SCB, SMHI)", "reason", kr.MessageOf(err))
			waiting = true
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(demoPoll):
		}
	}
}
