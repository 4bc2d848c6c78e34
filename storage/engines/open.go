// Package engines opens the storage engine a DSN names, for the binary. It
// and storage/storagetest (for tests) are the only packages that link both
// engines, so that nothing else carries libchdb's binding and clickhouse-go.
package engines

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
	"github.com/klimatkommunerna/klimatrapport/storage/clickhouse"
)

// DefaultDSN is the embedded engine with its data in ./data.
const DefaultDSN = "chdb://./data"

// DefaultDatabase is the database the service uses when the DSN names none.
const DefaultDatabase = "klimatrapport"

// Open opens the database a DSN names:
//
//	chdb://PATH[?database=NAME]                      embedded chDB, data in PATH
//	clickhouse://USER:PASS@HOST:9000/DATABASE[?…]     a ClickHouse server
//
// database, when not empty, overrides the DSN's database (tests use it).
func Open(ctx context.Context, dsn, database string) (storage.DB, error) {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return nil, fmt.Errorf("storage: DSN %q has no scheme; use chdb://PATH or clickhouse://HOST:9000/DB", dsn)
	}
	switch scheme {
	case "chdb":
		path, query, _ := strings.Cut(rest, "?")
		if path == "" {
			return nil, fmt.Errorf("storage: DSN %q names no data path", dsn)
		}
		if database == "" {
			q, err := url.ParseQuery(query)
			if err != nil {
				return nil, fmt.Errorf("storage: DSN %q: %w", dsn, err)
			}
			database = q.Get("database")
		}
		if database == "" {
			database = DefaultDatabase
		}
		return chdb.Open(ctx, path, database)
	case "clickhouse", "tcp":
		return clickhouse.Open(ctx, dsn, database, clickhouse.DefaultPool())
	}
	return nil, fmt.Errorf("storage: unknown engine %q in DSN; use chdb:// or clickhouse://", scheme)
}

// Redact hides the password in a DSN for logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
