package submissions_test

// The expensive work: the cap every parse and annotation waits for, and the
// annotated copy and original file that it guards.

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

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

// TestAnnotatedBuiltOnce: the annotated copy of a stored submission is
// built once, however often and however many at once ask for it, and it
// is the officer's file with its problems marked; those who may not read
// the submission are told it does not exist.
func TestAnnotatedBuiltOnce(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		rep := lundReport(2025)
		rep.Goals[0].BaseYear = 2031 // after the target year: an error on the goal's row
		res := submit(t, s, lundOfficer, templateFile(t, rep))
		if res.Accepted() {
			t.Fatal("a goal with its base year after its target year was accepted")
		}
		copies := make([][]byte, 6)
		var wg sync.WaitGroup
		for i := range copies {
			wg.Go(func() {
				_, b, err := s.Annotated(ctx, lundOfficer, res.Submission.ID)
				if err != nil {
					t.Error(err)
				}
				copies[i] = b
			})
		}
		wg.Wait()
		_, again, err := s.Annotated(ctx, admin, res.Submission.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range append(copies, again) {
			if len(b) == 0 || !bytes.Equal(b, copies[0]) {
				t.Fatalf("copies differ: %d and %d bytes", len(b), len(copies[0]))
			}
		}
		if n := s.AnnotatedBuilds(); n != 1 {
			t.Errorf("%d builds for %d requests, want 1", n, len(copies)+1)
		}
		f, err := excelize.OpenReader(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("the annotated copy does not open: %v", err)
		}
		defer f.Close()
		if comments, err := f.GetComments("Mål"); err != nil || len(comments) == 0 {
			t.Errorf("no comment on the goal: %v %v", comments, err)
		}
		if _, _, err := s.Annotated(ctx, malmoOfficer, res.Submission.ID); kr.KindOf(err) != kr.NotFound {
			t.Errorf("Malmö's officer asking for Lund's copy: %v, want not found", err)
		}

		// The copies kept are bounded by their size: with room for one,
		// a second submission's copy pushes the first out.
		s.AnnotatedCacheBytes = int64(len(again)) + 1024
		rep.Goals[0].Name = "Ett annat mål"
		other := submit(t, s, lundOfficer, templateFile(t, rep))
		for _, id := range []string{other.Submission.ID, res.Submission.ID} {
			if _, _, err := s.Annotated(ctx, lundOfficer, id); err != nil {
				t.Fatal(err)
			}
		}
		if n := s.AnnotatedBuilds(); n != 3 {
			t.Errorf("%d builds, want 3: the first copy was not pushed out by the second", n)
		}
	})
}

// TestNoAnnotatedCopyOfUnreadableFile: a submission rejected because its
// file could not be read at all has no annotated copy: its file is never
// opened again for one, the answer says why in Swedish, and the original
// can still be downloaded.
func TestNoAnnotatedCopyOfUnreadableFile(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		for _, content := range [][]byte{
			[]byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"),
			append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 4096)...), // a zip cut short
		} {
			res := submit(t, s, lundOfficer, content)
			if res.Accepted() || len(res.Submission.Items) != 1 {
				t.Fatalf("unreadable file: %+v", res.Submission)
			}
			_, b, err := s.Annotated(ctx, lundOfficer, res.Submission.ID)
			if kr.KindOf(err) != kr.Conflict || b != nil || !strings.Contains(kr.MessageOf(err), "ingen uppmärkt kopia") ||
				!strings.Contains(kr.MessageOf(err), "Originalfilen") {
				t.Errorf("%s: %d bytes, %v (%v)", res.Submission.Items[0].Code, len(b), err, kr.KindOf(err))
			}
			if _, f, err := s.Original(ctx, lundOfficer, res.Submission.ID); err != nil || !bytes.Equal(f, content) {
				t.Errorf("the original of an unreadable file: %d bytes, %v", len(f), err)
			}
			if _, _, err := s.Original(ctx, malmoOfficer, res.Submission.ID); kr.KindOf(err) != kr.NotFound {
				t.Errorf("Malmö's officer asking for Lund's original: %v, want not found", err)
			}
		}
		if n := s.AnnotatedBuilds(); n != 0 {
			t.Errorf("%d annotated copies built of unreadable files", n)
		}
	})
}
