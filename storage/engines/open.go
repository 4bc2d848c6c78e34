// Package engines opens the storage engine a DSN names, for the binary. It
// and storage/storagetest (for tests) are the only packages that link both
// engines, so that nothing else carries libchdb's binding and clickhouse-go.
//
// On a ClickHouse server the database is two pools of connections, each
// with its own limit (Pools): one for requests (calls whose context is
// marked storage.ForRequest) and one for everything else, the background
// work (uploads' inserts, imports, the snapshot builder's loads, the
// janitor), so that background work holding every connection of its pool
// never makes a signed-in visitor, an officer's history or a template
// pre-fill wait for a connection. The background pool's queries also run
// with a lower ClickHouse priority. chDB has one connection for everything;
// there the public readers never touch the database (pages come from the
// published snapshot) and the signed-in ones rarely (sessions are cached).
package engines

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
)

// DefaultDSN is the embedded engine with its data in ./data.
const DefaultDSN = "chdb://./data"

// DefaultDatabase is the database the service uses when the DSN names none.
const DefaultDatabase = "klimatrapport"

// Pools are the connection limits of the two pools on a ClickHouse server.
type Pools struct {
	Requests   int // connections for requests' calls (storage.ForRequest)
	Background int // connections for everything else
}

// DefaultPools suit one service instance: as many connections in all as
// one pool had before, most for background work, which holds them longer.
func DefaultPools() Pools { return Pools{Requests: 8, Background: 12} }

// Open opens the database a DSN names with DefaultPools (see OpenPools).
func Open(ctx context.Context, dsn, database string) (storage.DB, error) {
	return OpenPools(ctx, dsn, database, DefaultPools())
}

// OpenPools opens the database a DSN names:
//
//	chdb://PATH[?database=NAME]                      embedded chDB, data in PATH
//	clickhouse://USER:PASS@HOST:9000/DATABASE[?…]     a ClickHouse server
//
// database, when not empty, overrides the DSN's database (tests use it).
// On a server, pools sets the connection limits (a zero limit: the
// default's).
func OpenPools(ctx context.Context, dsn, database string, pools Pools) (storage.DB, error) {
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
		return openServer(ctx, dsn, database, pools)
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
