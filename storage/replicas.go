package storage

import "context"

// Lagging reports whether a replicated table of db's database on the
// server db is connected to is behind the others: parts or mutations still
// queued (queue_size), older than the newest elsewhere (absolute_delay), or
// cut off from ZooKeeper/Keeper (is_readonly). Work that decides from
// what it reads that rows are orphans must not run on such a replica. On
// one server or chDB there are no replicated tables: never lagging.
func Lagging(ctx context.Context, db DB) (bool, error) {
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &n, `SELECT count() AS n FROM system.replicas
		WHERE database = ? AND (queue_size > 0 OR absolute_delay > 0 OR is_readonly)`, db.Database()); err != nil {
		return false, err
	}
	return len(n) == 1 && n[0].N > 0, nil
}
