package submissions

import (
	"context"
	"errors"
	"runtime"
	"time"

	"golang.org/x/sync/semaphore"

	kr "github.com/klimatkommunerna/klimatrapport"
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

// workers is the semaphore of the expensive work, sized when first used.
func (s *Service) workers() *semaphore.Weighted {
	s.workOnce.Do(func() {
		n := s.Parallel
		if n <= 0 {
			n = max(1, runtime.NumCPU()/2)
		}
		s.work = semaphore.NewWeighted(int64(n))
	})
	return s.work
}

// turn waits for a turn at the expensive work and returns the function
// that gives it back. A caller that gave up gets its context's error; one
// that waited QueueTimeout (or its deadline) gets kr.Busy with busy, the
// Swedish message, and a wait to retry after.
func (s *Service) turn(ctx context.Context, busy string) (func(), error) {
	wait := s.QueueTimeout
	if wait <= 0 {
		wait = DefaultQueueTimeout
	}
	qctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	w := s.workers()
	if err := w.Acquire(qctx, 1); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, kr.Later(kr.Busy, busyRetry, busy)
	}
	return func() { w.Release(1) }, nil
}
