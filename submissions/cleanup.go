package submissions

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// dataTables hold rows tagged with a submission id.
var dataTables = []string{"inventory_values", "goals", "action_plans", "measures", "submission_files"}

// deleteSubmissionData removes the data rows of submissions that will never
// be accepted. The rows are invisible already; this only frees space.
// Rejected submissions keep their file; crashed ones lose it too.
func deleteSubmissionData(ctx context.Context, db storage.DB, ids []string, withFiles bool) error {
	for _, t := range dataTables {
		if t == "submission_files" && !withFiles {
			continue
		}
		if err := db.Exec(ctx, "ALTER TABLE "+t+" DELETE WHERE has(?, toString(submission_id))", ids); err != nil {
			return err
		}
	}
	return nil
}

// Cleanup removes leftovers of uploads interrupted by a crash: data rows
// whose submission has no submissions row and began more than olderThan ago
// (submission ids are UUIDv7, which carry their creation time). It returns
// how many submissions it cleaned.
//
// On a cluster the orphans are found on the replica this instance reads,
// so the round is skipped while that replica lags (storage.Lagging): a
// submissions row not yet fetched there would make an accepted upload look
// interrupted. The deletion names the ids found, so that every replica
// deletes the same rows whatever it holds.
func (s *Service) Cleanup(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := s.now().Add(-olderThan)
	if lag, err := storage.Lagging(ctx, s.DB); err != nil {
		return 0, unavailable(err)
	} else if lag {
		return 0, nil
	}
	type orphan struct {
		ID string `ch:"id"`
	}
	var orphans []orphan
	for _, t := range dataTables {
		// ids compared as text: ClickHouse 18.16 gets NOT IN wrong for UUIDs.
		var found []orphan
		if err := s.DB.Select(ctx, &found, "SELECT DISTINCT toString(submission_id) AS id FROM "+t+
			" WHERE toString(submission_id) NOT IN (SELECT toString(id) FROM submissions)"); err != nil {
			return 0, unavailable(err)
		}
		orphans = append(orphans, found...)
	}
	var ids []string
	seen := map[string]bool{}
	for _, o := range orphans {
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		u, err := uuid.Parse(o.ID)
		if err != nil || u.Version() != 7 {
			continue
		}
		sec, nsec := u.Time().UnixTime()
		if time.Unix(sec, nsec).Before(cutoff) {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := deleteSubmissionData(ctx, s.DB, ids, true); err != nil {
		return 0, unavailable(err)
	}
	return len(ids), nil
}
