package submissions

import (
	"context"
	"runtime"
	"time"
)

// The cap on expensive work. Parsing an upload and building an annotated
// copy each take a core and the parser's memory for as long as they run,
// reading a stored file its size a few times over; a
// file made to be expensive makes every bit of that count. So this process
// does at most Service.Parallel of them at once (half the processors:
// readers keep the other half), whoever asks (the API,
// the upload page, a future caller), and a request that cannot get a turn
// within Service.QueueTimeout is refused as busy rather than queued
// without bound: the queue would hold its file and its connection.

// DefaultQueueTimeout is how long a request waits for a turn when
// Service.QueueTimeout is 0.
const DefaultQueueTimeout = 20 * time.Second

// busyRetry is the wait a busy refusal asks the caller to keep before
// trying again: long enough for the files ahead of it to be read.
const busyRetry = time.Minute

const (
	busySubmit    = "Tjänsten läser många filer just nu. Försök igen om en minut. Ingenting av filen har sparats."
	busyAnnotated = "Tjänsten läser många filer just nu, så den uppmärkta kopian kunde inte göras. Försök igen om en minut."
	busyFile      = "Tjänsten läser många filer just nu, så filen kunde inte hämtas. Försök igen om en minut."
)

// turn waits for a turn at the expensive work and returns the function
// that gives it back. A caller that gave up gets its context's error; one
// that waited QueueTimeout (or its deadline) gets kr.Busy with busy, the
// Swedish message, and a wait to retry after.
func (s *Service) turn(ctx context.Context, busy string) (func(), error) {
	n := s.Parallel
	if n <= 0 {
		n = max(1, runtime.NumCPU()/2)
	}
	wait := s.QueueTimeout
	if wait <= 0 {
		wait = DefaultQueueTimeout
	}
	return s.work.Take(ctx, n, wait, busyRetry, busy)
}
