package main

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// cleanup is one of the janitor's jobs: what it removes (for the log) and
// the call that removes it, returning how many it removed.
type cleanup struct {
	what string
	run  func(context.Context) (int, error)
}

// janitor removes leftovers of interrupted uploads at start and then
// regularly: those older than after; and the days of login attempts,
// member-test attempts, session visits and upload claims nothing reads any
// more.
func janitor(ctx context.Context, e *env, a *app.App, after time.Duration) {
	every := min(time.Hour, max(after, time.Second))
	jobs := []cleanup{
		{"leftovers of interrupted uploads", func(ctx context.Context) (int, error) { return a.Submissions.Cleanup(ctx, after) }},
		{"days of old login attempts", a.Throttle.Cleanup},
		{"days of old member-test attempts", a.MemberTest.Cleanup},
		{"days of old session visits", a.Accounts.CleanupVisits},
		{"days of old upload claims", storage.Claims{DB: a.DB}.Cleanup},
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, j := range jobs {
			if n, err := j.run(ctx); err != nil {
				e.log.Warn("cleanup failed", "what", j.what, "err", err)
			} else if n > 0 {
				e.log.Info("removed "+j.what, "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
