// Package schema owns the database tables: versioned migrations
// (migrations/NNNN_name.sql, embedded), applied idempotently (Migrate,
// MigrateWith), and on a cluster rewritten ON CLUSTER with replicated
// engines (OnCluster). The Go shapes of the rows live with the packages that
// read and write them (submissions, members, accounts, national, …).
//
// Each migration is a list of statements separated by ";" at the end of a
// line. Statements use CREATE … IF NOT EXISTS (or are otherwise safe to
// repeat), so a migration interrupted half-way is simply applied again.
// Applied versions are recorded in schema_migrations.
package schema

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

//go:embed migrations/*.sql
var files embed.FS

// Migration is one versioned change.
type Migration struct {
	Version    uint32
	Name       string
	Statements []string
}

// Migrations returns every migration in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []Migration
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("schema: migration %s is not named NNNN_name.sql", n)
		}
		text, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: uint32(v), Name: name, Statements: split(string(text))})
	}
	return ms, nil
}

// split cuts a migration into statements at ";" ending a line, dropping
// comment lines.
func split(text string) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// migrationsTable records the applied migrations.
const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    UInt32,
    name       String,
    applied_at DateTime('UTC')
) ENGINE = MergeTree() ORDER BY version`

type applied struct {
	Version uint32 `ch:"version"`
}

type record struct {
	Version   uint32    `ch:"version"`
	Name      string    `ch:"name"`
	AppliedAt time.Time `ch:"applied_at"`
}

// Migrate applies the migrations not yet recorded and returns how many it
// applied. Safe to run again, and from several processes at once.
func Migrate(ctx context.Context, db storage.DB) (int, error) {
	return MigrateWith(ctx, db, Options{})
}

// MigrateWith is Migrate with options: with opts.Cluster set, the database
// and every table are created ON CLUSTER with replicated engines (see
// OnCluster).
func MigrateWith(ctx context.Context, db storage.DB, opts Options) (int, error) {
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	exec := db.Exec
	if opts.Cluster != "" {
		if db.Engine() == "chdb" {
			return 0, fmt.Errorf("schema: cluster %q: the embedded engine (chdb://) has no cluster; use clickhouse://", opts.Cluster)
		}
		exec = func(ctx context.Context, stmt string, args ...any) error {
			s, err := OnCluster(stmt, opts.Cluster)
			if err != nil {
				return err
			}
			return db.Exec(ctx, s, args...)
		}
	}
	// On a cluster, DDL waits for every server; skip the bootstrap when it
	// is done so that a service restarts while a replica is down.
	bootstrap := true
	if opts.Cluster != "" {
		var have []struct {
			N uint64 `ch:"n"`
		}
		if err := db.Select(ctx, &have, "SELECT count() AS n FROM system.tables WHERE database = ? AND name = 'schema_migrations'", db.Database()); err != nil {
			return 0, fmt.Errorf("schema: %w", err)
		}
		bootstrap = len(have) == 0 || have[0].N == 0
		if bootstrap {
			if err := exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db.Database()); err != nil {
				return 0, fmt.Errorf("schema: %w", err)
			}
		}
	}
	if bootstrap {
		if err := exec(ctx, migrationsTable); err != nil {
			return 0, fmt.Errorf("schema: %w", err)
		}
	}
	var done []applied
	if err := db.Select(ctx, &done, "SELECT DISTINCT version FROM schema_migrations"); err != nil {
		return 0, fmt.Errorf("schema: %w", err)
	}
	have := map[uint32]bool{}
	for _, a := range done {
		have[a.Version] = true
	}
	n := 0
	for _, m := range ms {
		if have[m.Version] {
			continue
		}
		for _, stmt := range m.Statements {
			if err := exec(ctx, stmt); err != nil {
				return n, fmt.Errorf("schema: migration %04d_%s: %w", m.Version, m.Name, err)
			}
		}
		rec := []record{{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC().Truncate(time.Second)}}
		if err := db.Insert(ctx, "schema_migrations", rec); err != nil {
			return n, fmt.Errorf("schema: recording %04d: %w", m.Version, err)
		}
		n++
	}
	return n, nil
}

// Version returns the highest applied migration version (0 for none).
func Version(ctx context.Context, db storage.DB) (uint32, error) {
	var rows []applied
	if err := db.Select(ctx, &rows, "SELECT max(version) AS version FROM schema_migrations"); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	return rows[0].Version, nil
}
