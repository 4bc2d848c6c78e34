package testworld

import (
	"context"
	"sync/atomic"

	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// StalledLookup is a submissions.Lookup that stalls the first validation
// asking it about a code until Resume: an upload held in the middle of its
// parse for as long as a test wants. Stalled is closed once it is held.
type StalledLookup struct {
	submissions.Lookup
	Stalled chan struct{}
	first   atomic.Bool
	resume  chan struct{}
}

// StallFirstUpload makes the service's next upload stall in its
// validation (see StalledLookup).
func (w *World) StallFirstUpload() *StalledLookup {
	l := &StalledLookup{Lookup: w.Submissions.Lookup, Stalled: make(chan struct{}), resume: make(chan struct{})}
	w.Submissions.Lookup = l
	return l
}

// Resume lets the stalled upload go on.
func (l *StalledLookup) Resume() { close(l.resume) }

// KnownCode implements submissions.Lookup.
func (l *StalledLookup) KnownCode(ctx context.Context, code string) (bool, bool) {
	if l.first.CompareAndSwap(false, true) {
		close(l.Stalled)
		<-l.resume
	}
	return l.Lookup.KnownCode(ctx, code)
}
