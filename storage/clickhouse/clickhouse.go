// Package clickhouse runs the service on a ClickHouse server over the native
// protocol with github.com/ClickHouse/clickhouse-go/v2: production's engine.
//
// clickhouse-go binds "?" arguments itself, escaping each value, and batch
// inserts send typed columns, so no value is ever spliced into SQL by us.
package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/internal/row"
)

// Pool settings; the DSN's own parameters (dial_timeout, read_timeout, …)
// take precedence where clickhouse-go reads them.
type Pool struct {
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	DialTimeout     time.Duration
	ReadTimeout     time.Duration
	// Priority is ClickHouse's priority setting for every query of the
	// pool (1 the most important; 0: none), unless the DSN sets it. While
	// a query with a lower value runs, the server pauses those with higher
	// values, so a request's query (1) goes ahead of background loads (2).
	Priority int
}

// DefaultPool returns the pool settings that suit one service instance
// with one pool.
func DefaultPool() Pool {
	return Pool{MaxOpenConns: 20, MaxIdleConns: 5, ConnMaxLifetime: time.Hour, DialTimeout: 5 * time.Second, ReadTimeout: 5 * time.Minute}
}

// DB is a database on a ClickHouse server.
type DB struct {
	conn     driver.Conn
	database string
}

// Open connects to the server named by dsn
// (clickhouse://USER:PASS@HOST:9000/DATABASE) and creates the database if it
// does not exist. database, when not empty, overrides the DSN's.
func Open(ctx context.Context, dsn, database string, pool Pool) (*DB, error) {
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: bad DSN: %w", err)
	}
	if database == "" {
		database = opts.Auth.Database
	}
	if database == "" {
		database = "default"
	}
	if !storage.IsIdent(database) {
		return nil, fmt.Errorf("clickhouse: invalid database name %q", database)
	}
	if !strings.Contains(dsn, "dial_timeout") {
		opts.DialTimeout = pool.DialTimeout
	}
	if !strings.Contains(dsn, "read_timeout") {
		opts.ReadTimeout = pool.ReadTimeout
	}
	// clickhouse-go binds arguments into the query text on servers without
	// server-side parameters (18.16), so allow long values such as comments.
	if opts.Settings == nil {
		opts.Settings = ch.Settings{}
	}
	if _, set := opts.Settings["max_query_size"]; !set {
		opts.Settings["max_query_size"] = 16 << 20
	}
	if _, set := opts.Settings["priority"]; !set && pool.Priority > 0 {
		opts.Settings["priority"] = pool.Priority
	}
	opts.MaxOpenConns = pool.MaxOpenConns
	opts.MaxIdleConns = pool.MaxIdleConns
	opts.ConnMaxLifetime = pool.ConnMaxLifetime

	// Create the database through a connection to "default", which exists.
	boot := *opts
	boot.Auth.Database = "default"
	boot.MaxOpenConns, boot.MaxIdleConns = 1, 1
	bc, err := ch.Open(&boot)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	err = bc.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+database)
	bc.Close()
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}

	opts.Auth.Database = database
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	return &DB{conn: conn, database: database}, nil
}

// Database returns the database name.
func (db *DB) Database() string { return db.database }

// Engine returns "clickhouse".
func (db *DB) Engine() string { return "clickhouse" }

// Ping checks the server.
func (db *DB) Ping(ctx context.Context) error { return db.conn.Ping(ctx) }

// Close closes the pool.
func (db *DB) Close() error { return db.conn.Close() }

// Exec runs a statement.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	return db.conn.Exec(ctx, query, args...)
}

// Select runs a query into dest (*[]T).
func (db *DB) Select(ctx context.Context, dest any, query string, args ...any) error {
	return db.conn.Select(ctx, dest, query, args...)
}

// Insert sends rows as one batch with an explicit column list (ClickHouse
// 18.16 needs it).
func (db *DB) Insert(ctx context.Context, table string, rows any) error {
	rv, st, err := row.ForInsert(table, rows)
	if err != nil || rv.Len() == 0 {
		return err
	}
	batch, err := db.conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(st.Columns, ", ")+")")
	if err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	defer batch.Abort()
	vals := make([]any, len(st.Fields))
	for i := 0; i < rv.Len(); i++ {
		r := rv.Index(i)
		for j, f := range st.Fields {
			vals[j] = r.FieldByIndex(f.Index).Interface()
		}
		if err := batch.Append(vals...); err != nil {
			return fmt.Errorf("clickhouse: %s row %d: %w", table, i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("clickhouse: %w", err)
	}
	return nil
}
