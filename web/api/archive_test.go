package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// TestArchiveQuestionsCapped: with every turn at the archive questions
// taken, another is refused as busy (503 with a Retry-After, a Swedish
// message) after ArchiveWait rather than queued; a caller that gives up
// gets its own error.
func TestArchiveQuestionsCapped(t *testing.T) {
	a := &API{ArchiveParallel: 2, ArchiveWait: 20 * time.Millisecond}
	for range 2 {
		if _, err := a.archiveTurn(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	_, err := a.archiveEmissions(context.Background(), figures.EmissionsQuery{Release: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	if kr.KindOf(err) != kr.Busy || web.StatusOf(kr.KindOf(err)) != http.StatusServiceUnavailable || kr.RetryAfterOf(err) <= 0 || kr.MessageOf(err) != busyArchive {
		t.Fatalf("a question past the cap: %v (status %d, retry after %v)", err, web.StatusOf(kr.KindOf(err)), kr.RetryAfterOf(err))
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("waited %v for a turn, want about ArchiveWait", waited)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := a.archiveEmissions(ctx, figures.EmissionsQuery{}); err != context.Canceled {
		t.Errorf("a caller that gave up: %v", err)
	}
}
