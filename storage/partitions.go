package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// DropDaysBefore drops the partitions of table older than before's day and
// returns how many it dropped. It is how tables that grow with traffic
// (login attempts, session visits) are kept small: they are partitioned by
// day (PARTITION BY toYYYYMMDD(column)), because ClickHouse 18.16 has no
// TTL, and dropping a whole partition costs nothing like a DELETE.
func DropDaysBefore(ctx context.Context, db DB, table string, before time.Time) (int, error) {
	if !IsIdent(table) {
		return 0, fmt.Errorf("storage: %q is not a table name", table)
	}
	var parts []struct {
		Partition string `ch:"partition"`
	}
	if err := db.Select(ctx, &parts, "SELECT DISTINCT partition FROM system.parts WHERE database = ? AND table = ? AND active",
		db.Database(), table); err != nil {
		return 0, err
	}
	keepFrom, _ := strconv.Atoi(before.UTC().Format("20060102"))
	n := 0
	for _, p := range parts {
		day, err := strconv.Atoi(p.Partition)
		if err != nil || day >= keepFrom {
			continue
		}
		// day is a number read back as one, not text from anyone.
		if err := db.Exec(ctx, "ALTER TABLE "+table+" DROP PARTITION "+strconv.Itoa(day)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
