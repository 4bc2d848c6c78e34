package submissions_test

import (
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// TestParsingIsCapped: with room for one parse at a time and one held in
// the middle of its parse, a second upload waits its queue time and is
// refused as busy, with a wait to retry after and a Swedish message, and
// nothing of it is stored; the held one then completes.
func TestParsingIsCapped(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := testworld.Over(t, db, testworld.Options{})
		s := w.Submissions
		s.Parallel, s.QueueTimeout = 1, 200*time.Millisecond
		held := w.StallFirstUpload()
		first := make(chan error, 1)
		go func() {
			_, err := s.Submit(ctx, lundOfficer, submissions.Upload{FileName: "lund.xlsx", Content: templateFile(t, lundReport(2025))})
			first <- err
		}()
		<-held.Stalled

		start := time.Now()
		_, err := s.Submit(ctx, malmoOfficer, submissions.Upload{FileName: "malmo.xlsx", Content: templateFile(t, malmoReport(2025))})
		waited := time.Since(start)
		if kr.KindOf(err) != kr.Busy || kr.RetryAfterOf(err) <= 0 {
			t.Fatalf("second upload while the first is parsed: %v (kind %v, retry after %v), want busy with a wait",
				err, kr.KindOf(err), kr.RetryAfterOf(err))
		}
		if msg := kr.MessageOf(err); !strings.Contains(msg, "Försök igen") || !strings.Contains(msg, "Ingenting") {
			t.Errorf("busy message %q does not say to retry and that nothing was stored", msg)
		}
		if waited < 150*time.Millisecond || waited > 5*time.Second {
			t.Errorf("the refused upload waited %v, want about its queue time", waited)
		}
		if versions, err := s.List(ctx, "1280"); err != nil || len(versions) != 0 {
			t.Fatalf("the refused upload left %d versions (%v)", len(versions), err)
		}
		var n []struct {
			N uint64 `ch:"n"`
		}
		if err := db.Select(ctx, &n, "SELECT count() AS n FROM inventory_values WHERE municipality_code = '1280'"); err != nil || n[0].N != 0 {
			t.Fatalf("the refused upload wrote values: %v %v", n, err)
		}

		held.Resume()
		if err := <-first; err != nil {
			t.Fatalf("the held upload: %v", err)
		}
		// Its turn given back, the next upload goes through.
		if res := submit(t, s, malmoOfficer, templateFile(t, malmoReport(2025))); !res.Accepted() {
			t.Fatalf("an upload after the turn was given back: %+v", res.Submission.Items)
		}
	})
}

// malmoReport is lundReport for Malmö.
func malmoReport(year int) *kr.Report {
	rep := lundReport(year)
	rep.Details.Code, rep.Details.Name, rep.Details.Email = "1280", "Malmö stad", "mats@malmo.se"
	return rep
}
