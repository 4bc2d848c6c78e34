//go:build linux

// Package chdb runs ClickHouse in-process through libchdb (chDB), the
// service's default engine: `chdb://PATH` keeps its data in PATH.
//
// libchdb opens one data path per process, and a connection runs one
// statement at a time, so every DB opened on the same path shares one
// connection and calls are serialised. Each DB has its own database; tests
// isolate themselves that way.
//
// Values never enter SQL text: "?" placeholders become {pN:Type} query
// parameters that libchdb binds (chdb_query_with_params_n), inserts send
// rows as RowBinary from a temporary file, and results come back as
// JSONEachRow and are decoded with encoding/json.
//
// libchdb never sees the process's stdin: descriptor 0 is /dev/null around
// each call into the library (stdin.go).
package chdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/internal/row"
)

// engine is one open libchdb connection, shared by every DB on its path.
type engine struct {
	path    string
	conn    unsafe.Pointer // chdb_connection* as returned by chdb_connect
	handle  unsafe.Pointer // *conn: the chdb_connection passed to queries
	turn    turn           // serialises statements, requests' and the builder's first
	current string         // database selected with USE
	refs    int
	columns sync.Map    // "db.table" → map[column]type
	stdin   *stdinGuard // keeps the process's stdin away from libchdb
}

var (
	enginesMu sync.Mutex
	open      *engine // at most one path per process
)

// DB is a database inside a chDB data path.
type DB struct {
	e        *engine
	database string
	closed   bool
	mu       sync.Mutex
}

// Open opens (creating if needed) the data directory path and the database
// in it. A second Open of the same path shares the connection; a different
// path fails until every DB on the first is closed.
func Open(ctx context.Context, path, database string) (*DB, error) {
	if !storage.IsIdent(database) {
		return nil, fmt.Errorf("chdb: invalid database name %q", database)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("chdb: data path: %w", err)
	}
	a, err := load()
	if err != nil {
		return nil, err
	}

	enginesMu.Lock()
	e := open
	switch {
	case e != nil && e.path != abs:
		enginesMu.Unlock()
		return nil, fmt.Errorf("chdb: %s is open in this process; chDB opens one data path at a time", e.path)
	case e == nil:
		e, err = connect(a, abs)
		if err != nil {
			enginesMu.Unlock()
			return nil, err
		}
		open = e
	}
	e.refs++
	enginesMu.Unlock()

	db := &DB{e: e, database: database}
	if _, err := db.runIn(ctx, "", "CREATE DATABASE IF NOT EXISTS "+database, nil, "JSONEachRow"); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func connect(a *api, path string) (*engine, error) {
	args := [][]byte{cstring("clickhouse"), cstring("--path=" + path)}
	argv := make([]unsafe.Pointer, len(args))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i := range args {
		pin.Pin(&args[i][0])
		argv[i] = unsafe.Pointer(&args[i][0])
	}
	pin.Pin(&argv[0])
	guard, err := newStdinGuard()
	if err != nil {
		return nil, err
	}
	var conn unsafe.Pointer
	guard.run(func() {
		withGoSignalHandlers(func() { conn = a.connect(int32(len(args)), unsafe.Pointer(&argv[0])) })
	})
	if conn == nil || *(*unsafe.Pointer)(conn) == nil {
		guard.close()
		return nil, fmt.Errorf("chdb: cannot open %s (is another process using it?)", path)
	}
	return &engine{path: path, conn: conn, handle: *(*unsafe.Pointer)(conn), stdin: guard}, nil
}

// Close releases this DB; the connection closes with the last DB on its path.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	enginesMu.Lock()
	defer enginesMu.Unlock()
	e := db.e
	e.refs--
	if e.refs > 0 {
		return nil
	}
	e.turn.acquire(context.Background(), true) // wait for a running statement
	e.stdin.run(func() { lib.closeConn(e.conn) })
	e.stdin.close()
	e.conn, e.handle = nil, nil
	open = nil
	return nil
}

// Database returns the database name.
func (db *DB) Database() string { return db.database }

// Engine returns "chdb".
func (db *DB) Engine() string { return "chdb" }

// Path returns the data directory.
func (db *DB) Path() string { return db.e.path }

// Ping runs SELECT 1.
func (db *DB) Ping(ctx context.Context) error {
	_, err := db.run(ctx, "SELECT 1", nil, "JSONEachRow")
	return err
}

// Exec runs a statement.
func (db *DB) Exec(ctx context.Context, query string, args ...any) error {
	q, params, err := bind(query, args)
	if err != nil {
		return err
	}
	_, err = db.run(ctx, q, params, "JSONEachRow")
	return err
}

// Select runs a query and decodes its rows into dest (*[]T).
func (db *DB) Select(ctx context.Context, dest any, query string, args ...any) error {
	q, params, err := bind(query, args)
	if err != nil {
		return err
	}
	out, err := db.run(ctx, q, params, "JSONEachRow")
	if err != nil {
		return err
	}
	return decodeRows(out, dest)
}

// Insert writes rows into table as one INSERT … FROM INFILE in RowBinary
// (see rowbinary.go). The temporary file is removed afterwards.
func (db *DB) Insert(ctx context.Context, table string, rows any) error {
	rv, st, err := row.ForInsert(table, rows)
	if err != nil || rv.Len() == 0 {
		return err
	}
	types, err := db.columnTypes(ctx, table)
	if err != nil {
		return err
	}
	encoders := make([]encoder, len(st.Fields))
	for i, f := range st.Fields {
		t, ok := types[f.Column]
		if !ok {
			return fmt.Errorf("chdb: table %s has no column %s", table, f.Column)
		}
		if encoders[i], err = encoderFor(t); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, 64*rv.Len())
	for i := 0; i < rv.Len(); i++ {
		r := rv.Index(i)
		for j, f := range st.Fields {
			if buf, err = encoders[j](buf, r.FieldByIndex(f.Index)); err != nil {
				return fmt.Errorf("chdb: %s.%s row %d: %w", table, f.Column, i, err)
			}
		}
	}
	tmp, err := os.CreateTemp("", "klimatrapport-insert-*.bin")
	if err != nil {
		return fmt.Errorf("chdb: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(buf)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("chdb: %w", werr)
	}
	// The file name is ours (CreateTemp), never user text; it is quoted anyway.
	q := "INSERT INTO " + table + " (" + strings.Join(st.Columns, ", ") + ") FROM INFILE '" + quoteEscape(tmp.Name()) + "' FORMAT RowBinary"
	_, err = db.run(ctx, q, nil, "JSONEachRow")
	return err
}

// columnTypes returns table's column types (cached per engine), which
// decide each value's RowBinary encoding.
func (db *DB) columnTypes(ctx context.Context, table string) (map[string]string, error) {
	key := db.database + "." + table
	if v, ok := db.e.columns.Load(key); ok {
		return v.(map[string]string), nil
	}
	var cols []struct {
		Name string `ch:"name"`
		Type string `ch:"type"`
	}
	if err := db.Select(ctx, &cols, "SELECT name, type FROM system.columns WHERE database = ? AND table = ?", db.database, table); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("chdb: table %s.%s does not exist", db.database, table)
	}
	types := make(map[string]string, len(cols))
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	db.e.columns.Store(key, types)
	return types, nil
}

// ErrClosed is returned by calls on a closed DB.
var ErrClosed = errors.New("chdb: database is closed")

// run executes one statement in db's database and returns its output.
func (db *DB) run(ctx context.Context, query string, params []param, format string) ([]byte, error) {
	return db.runIn(ctx, db.database, query, params, format)
}

// runIn executes one statement in database ("" keeps the current one).
func (db *DB) runIn(ctx context.Context, database, query string, params []param, format string) ([]byte, error) {
	db.mu.Lock()
	closed := db.closed
	db.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	e := db.e
	if err := e.turn.acquire(ctx, storage.IsRequest(ctx) || storage.IsAhead(ctx)); err != nil {
		return nil, err
	}
	defer e.turn.release()
	if database != "" && e.current != database {
		if _, err := e.query("USE "+database, nil, format); err != nil {
			return nil, err
		}
		e.current = database
	}
	out, err := e.query(query, params, format)
	if err != nil {
		return nil, err
	}
	// libchdb cannot be interrupted; a statement that outlived its deadline
	// still reports the deadline so callers behave as with the server.
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return out, nil
}

// query runs one statement on the connection; the caller holds the turn.
func (e *engine) query(query string, params []param, format string) ([]byte, error) {
	if e.handle == nil {
		return nil, ErrClosed
	}
	q := []byte(query)
	if len(q) == 0 {
		q = []byte{' '}
	}
	f := []byte(format)
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(&q[0])
	pin.Pin(&f[0])
	var res unsafe.Pointer
	e.stdin.run(func() { res = e.call(unsafe.Pointer(&q[0]), len(query), f, params, &pin) })
	if res == nil {
		return nil, errors.New("chdb: query returned no result")
	}
	defer lib.destroyQueryResult(res)
	if msg := goString(lib.resultError(res)); msg != "" {
		return nil, &QueryError{Message: msg}
	}
	n := lib.resultLength(res)
	if n == 0 {
		return nil, nil
	}
	buf := lib.resultBuffer(res)
	return bytes.Clone(unsafe.Slice((*byte)(buf), n)), nil
}

// call passes the statement (n bytes at the pinned q), its output format f
// and its parameters to libchdb.
func (e *engine) call(q unsafe.Pointer, n int, f []byte, params []param, pin *runtime.Pinner) unsafe.Pointer {
	if len(params) == 0 {
		return lib.queryN(e.handle, q, uintptr(n), unsafe.Pointer(&f[0]), uintptr(len(f)))
	}
	names := make([]unsafe.Pointer, len(params))
	nameLens := make([]uintptr, len(params))
	values := make([]unsafe.Pointer, len(params))
	valueLens := make([]uintptr, len(params))
	for i, p := range params {
		name, value := []byte(p.name), append([]byte(p.value), 0)
		pin.Pin(&name[0])
		pin.Pin(&value[0])
		names[i], nameLens[i] = unsafe.Pointer(&name[0]), uintptr(len(name))
		values[i], valueLens[i] = unsafe.Pointer(&value[0]), uintptr(len(value)-1)
	}
	pin.Pin(&names[0])
	pin.Pin(&nameLens[0])
	pin.Pin(&values[0])
	pin.Pin(&valueLens[0])
	return lib.queryWithParamsN(e.handle, q, uintptr(n), unsafe.Pointer(&f[0]), uintptr(len(f)),
		unsafe.Pointer(&names[0]), unsafe.Pointer(&nameLens[0]), unsafe.Pointer(&values[0]), unsafe.Pointer(&valueLens[0]), uintptr(len(params)))
}

// QueryError is an error reported by ClickHouse for a statement.
type QueryError struct{ Message string }

func (e *QueryError) Error() string { return "chdb: " + e.Message }
