package main

import (
	"context"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/app"
)

// janitor removes leftovers of interrupted uploads at start and then
// regularly: those older than after; and the days of login attempts,
// member-test attempts and session visits nothing reads any more.
func janitor(ctx context.Context, e *env, a *app.App, after time.Duration) {
	every := min(time.Hour, max(after, time.Second))
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := a.Submissions.Cleanup(ctx, after)
		if err != nil {
			e.log.Warn("cleanup of interrupted uploads failed", "err", err)
		} else if n > 0 {
			e.log.Info("removed leftovers of interrupted uploads", "submissions", n)
		}
		if n, err := a.Throttle.Cleanup(ctx); err != nil {
			e.log.Warn("cleanup of old login attempts failed", "err", err)
		} else if n > 0 {
			e.log.Info("removed old login attempts", "days", n)
		}
		if n, err := a.MemberTest.Cleanup(ctx); err != nil {
			e.log.Warn("cleanup of old member-test attempts failed", "err", err)
		} else if n > 0 {
			e.log.Info("removed old member-test attempts", "days", n)
		}
		if n, err := a.Accounts.CleanupVisits(ctx); err != nil {
			e.log.Warn("cleanup of old session visits failed", "err", err)
		} else if n > 0 {
			e.log.Info("removed old session visits", "days", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
