// Package storage owns the narrow interface the service uses to talk to
// ClickHouse, whichever engine runs it (DB), and what every user of it
// shares: the background BatchWriter, and the append-only registers'
// bookkeeping columns (Change), version Clock and latest-row query (Latest),
// and the rule for names written into SQL text (IsIdent).
//
// The engines live beside it: embedded chDB (storage/chdb), which sends
// inserts as RowBinary through INSERT … FROM INFILE, and a ClickHouse server
// (storage/clickhouse), which sends typed column batches. storage/chtype
// reads ClickHouse type names for chDB's encoder and for backup. This package does not
// import the engines: storage/engines.Open picks one by DSN for the binary,
// and storage/storagetest opens both for tests; nothing else opens them.
//
// SQL given to a DB is the same for both engines and must stay within what
// ClickHouse 18.16 and current releases both run. Values are never spliced
// into SQL text: they are passed as arguments, written as "?" placeholders,
// and each engine binds them its own safe way.
package storage

import (
	"context"
	"time"
)

// DB is a ClickHouse database.
type DB interface {
	// Exec runs a statement that returns no rows (DDL, ALTER, INSERT … SELECT).
	Exec(ctx context.Context, query string, args ...any) error

	// Select runs a query and sets dest to its rows; dest is a pointer to a slice
	// of structs whose fields carry `ch:"column"` tags. Column types must
	// match field types as clickhouse-go requires (UInt16 ↔ uint16,
	// Nullable(T) ↔ *T, Array(T) ↔ []T, DateTime and Date ↔ time.Time,
	// UUID ↔ string via toString in SQL); cast in SQL where they do not.
	Select(ctx context.Context, dest any, query string, args ...any) error

	// Insert appends rows to table. rows is a slice of structs with `ch`
	// tags; every tagged field is a column, named explicitly. One call is
	// one INSERT: it lands whole or not at all.
	Insert(ctx context.Context, table string, rows any) error

	// Ping checks that the database answers.
	Ping(ctx context.Context) error

	// Database is the name of the database queries run in.
	Database() string

	// Engine names the engine: "chdb" or "clickhouse".
	Engine() string

	// Close releases the connection.
	Close() error
}

// DefaultTimeout bounds every call made without a deadline of its own.
const DefaultTimeout = 60 * time.Second

// WithDeadline returns ctx with DefaultTimeout applied unless ctx already
// has a deadline.
func WithDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultTimeout)
}
