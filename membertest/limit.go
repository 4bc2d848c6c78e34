package membertest

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// limitWindow is the span the limit on applications counts over.
const limitWindow = time.Hour

// settle is how long an attempt waits after writing itself before it
// counts: time for attempts that took their place before it (on any
// instance) to be written too. ClickHouse has no transaction to make the
// count exact; with the wait it is exact unless a write takes longer.
const settle = 200 * time.Millisecond

type attemptRow struct {
	Client    string    `ch:"client"`
	At        time.Time `ch:"at"`
	Seq       uint64    `ch:"seq"`
	AttemptID string    `ch:"attempt_id"`
}

type seenAttempt struct {
	Seq       uint64 `ch:"seq"`
	AttemptID string `ch:"attempt_id"`
}

// Reserve counts an application from client (its address) against perHour
// an hour and reports whether it may go ahead, else how long the client
// must wait. The count is kept in the database (application_attempts), so
// the limit holds across instances: the attempt is written first and,
// after settle, ranked among the client's attempts of the last hour by
// (seq, id), so that of several arriving at once on any instances exactly
// those within the limit go ahead. Refused attempts count too: a client that keeps
// sending stays refused until it pauses.
func (s *Service) Reserve(ctx context.Context, client string, perHour int) (bool, time.Duration, error) {
	now := s.now().UTC()
	own := attemptRow{Client: client, At: now.Truncate(time.Second), Seq: uint64(now.UnixNano()), AttemptID: uuid.NewString()}
	if err := s.DB.Insert(ctx, "application_attempts", []attemptRow{own}); err != nil {
		return false, 0, err
	}
	select {
	case <-time.After(settle):
	case <-ctx.Done():
		return false, 0, ctx.Err()
	}
	var seen []seenAttempt
	from := uint64(now.Add(-limitWindow).UnixNano())
	if err := s.DB.Select(ctx, &seen, `SELECT seq, attempt_id FROM application_attempts
		WHERE client = ? AND seq > ? ORDER BY seq, attempt_id`, client, from); err != nil {
		return false, 0, err
	}
	rank := slices.IndexFunc(seen, func(a seenAttempt) bool { return a.AttemptID == own.AttemptID })
	if rank < 0 { // not read back (a lagging replica): count it as the last
		rank = len(seen)
	}
	if rank < perHour {
		return true, 0, nil
	}
	// Free again when the attempt perHour places before this one leaves
	// the window.
	oldest := time.Unix(0, int64(seen[rank-perHour].Seq))
	return false, max(oldest.Add(limitWindow).Sub(now), time.Second), nil
}

// Cleanup drops the days of attempts older than the window (a day's
// partition at a time) and returns how many it dropped.
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	return storage.DropDaysBefore(ctx, s.DB, "application_attempts", s.now().Add(-limitWindow))
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
