//go:build !linux

package chdb

import (
	"context"
	"errors"
)

var errPlatform = errors.New("chdb: embedded ClickHouse is available on Linux x86-64 only; use --db clickhouse://…")

// DB is unavailable off Linux: libchdb ships for linux-x64 only.
type DB struct{}

// Open fails on this platform.
func Open(ctx context.Context, path, database string) (*DB, error) { return nil, errPlatform }

func (*DB) Exec(context.Context, string, ...any) error        { return errPlatform }
func (*DB) Select(context.Context, any, string, ...any) error { return errPlatform }
func (*DB) Insert(context.Context, string, any) error         { return errPlatform }
func (*DB) Ping(context.Context) error                        { return errPlatform }
func (*DB) Database() string                                  { return "" }
func (*DB) Engine() string                                    { return "chdb" }
func (*DB) Close() error                                      { return nil }
