package engines

import (
	"context"
	"errors"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/clickhouse"
)

// ClickHouse's priorities of the two pools' queries: 1 is the most
// important, and a query with a higher value is paused while one with a
// lower value runs.
const (
	requestPriority    = 1
	backgroundPriority = 2
)

// openServer opens the two pools of a ClickHouse server.
func openServer(ctx context.Context, dsn, database string, pools Pools) (storage.DB, error) {
	def := DefaultPools()
	req, bg := clickhouse.DefaultPool(), clickhouse.DefaultPool()
	req.MaxOpenConns, req.Priority = orDefault(pools.Requests, def.Requests), requestPriority
	bg.MaxOpenConns, bg.Priority = orDefault(pools.Background, def.Background), backgroundPriority
	req.MaxIdleConns, bg.MaxIdleConns = min(req.MaxIdleConns, req.MaxOpenConns), min(bg.MaxIdleConns, bg.MaxOpenConns)
	requests, err := clickhouse.Open(ctx, dsn, database, req)
	if err != nil {
		return nil, err
	}
	background, err := clickhouse.Open(ctx, dsn, database, bg)
	if err != nil {
		requests.Close()
		return nil, err
	}
	return split{requests: requests, background: background}, nil
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// split is one database over two pools: a call whose context is marked
// storage.ForRequest runs on requests, any other on background.
type split struct{ requests, background storage.DB }

func (s split) pool(ctx context.Context) storage.DB {
	if storage.IsRequest(ctx) {
		return s.requests
	}
	return s.background
}

func (s split) Exec(ctx context.Context, query string, args ...any) error {
	return s.pool(ctx).Exec(ctx, query, args...)
}

func (s split) Select(ctx context.Context, dest any, query string, args ...any) error {
	return s.pool(ctx).Select(ctx, dest, query, args...)
}

func (s split) Insert(ctx context.Context, table string, rows any) error {
	return s.pool(ctx).Insert(ctx, table, rows)
}

// Ping asks on the request pool, whatever the context: the service is
// ready when it can answer requests, however busy its background work.
func (s split) Ping(ctx context.Context) error { return s.requests.Ping(ctx) }

func (s split) Database() string { return s.requests.Database() }

func (s split) Engine() string { return s.requests.Engine() }

func (s split) Close() error { return errors.Join(s.requests.Close(), s.background.Close()) }
