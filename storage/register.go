package storage

import (
	"strings"
	"sync"
	"time"
)

// Registers are append-only tables: every change is a new row with a larger
// version, history is kept, and the current state is the row with the highest
// version per key. ClickHouse 18.16 has no FINAL on MergeTree nor
// lightweight deletes, so this is how the service updates anything.

// Change is the bookkeeping every row of a register carries: who made the
// change, when, and its version. Embed it in a register's row struct; both
// engines read and write its columns as the row's own.
type Change struct {
	By      string    `ch:"changed_by"`
	At      time.Time `ch:"changed_at"`
	Version uint64    `ch:"version"`
}

// Clock hands out register versions: Unix nanoseconds, strictly increasing
// within the process even when two changes fall in the same nanosecond.
// The zero Clock is ready to use.
type Clock struct {
	mu   sync.Mutex
	last uint64
}

// Version returns the version for a change made at t.
func (c *Clock) Version(t time.Time) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := uint64(t.UnixNano())
	if v <= c.last {
		v = c.last + 1
	}
	c.last = v
	return v
}

// Change stamps a change made by by at at: the time to the second, as the
// registers store it, and the version from at.
func (c *Clock) Change(by string, at time.Time) Change {
	return Change{By: by, At: at.Truncate(time.Second), Version: c.Version(at)}
}

// Latest is the query for the current row of each key of a register:
//
//	SELECT keys…, argMax(col, version) AS col… FROM table where GROUP BY keys…
//
// A key or column is a name, or "EXPR AS name" (e.g. "toString(id) AS id");
// a column's EXPR is taken at the highest version. where is SQL written by the
// caller (with ? placeholders, never user text), or "". The caller may append
// ORDER BY, or wrap the query in another. No column may be named version:
// the alias would shadow the column every argMax reads (ClickHouse refuses an
// aggregate inside another).
func Latest(table string, keys, cols []string, where string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	names := make([]string, len(keys))
	for i, k := range keys {
		_, names[i] = splitAs(k)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
	}
	for _, c := range cols {
		expr, name := splitAs(c)
		if name == "version" {
			panic("storage.Latest: a column named version shadows the version column")
		}
		b.WriteString(", argMax(" + expr + ", version) AS " + name)
	}
	b.WriteString(" FROM " + table)
	if where != "" {
		b.WriteString(" " + where)
	}
	b.WriteString(" GROUP BY " + strings.Join(names, ", "))
	return b.String()
}

// splitAs splits "EXPR AS name" into its parts; a bare name is both.
func splitAs(s string) (expr, name string) {
	if e, n, ok := strings.Cut(s, " AS "); ok {
		return strings.TrimSpace(e), strings.TrimSpace(n)
	}
	return s, s
}
