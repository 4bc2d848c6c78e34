package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/klimatkommunerna/klimatrapport/backup"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
)

// chdbLocation returns the absolute data path and database of a chdb://
// DSN; ok is false for other engines.
func chdbLocation(dsn string) (path, database string, ok bool) {
	rest, found := strings.CutPrefix(dsn, "chdb://")
	if !found {
		return "", "", false
	}
	p, query, _ := strings.Cut(rest, "?")
	database = engines.DefaultDatabase
	if q, err := url.ParseQuery(query); err == nil && q.Get("database") != "" {
		database = q.Get("database")
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p, database, true
}

// openExisting opens a database to read without creating a chDB data
// directory where there is none.
func openExisting(ctx context.Context, dsn string) (storage.DB, error) {
	if path, _, ok := chdbLocation(dsn); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no chDB data at %s: %w", path, err)
		}
	}
	return engines.Open(ctx, dsn, "")
}

func tableProgress(e *env, what string) func(string, uint64) {
	return func(table string, rows uint64) {
		e.log.Info(what, "table", table, "rows", rows)
	}
}

func printTables(w io.Writer, res []backup.TableResult) uint64 {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tCHECKSUM")
	var total uint64
	for _, r := range res {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Name, r.Rows, r.Checksum)
		total += r.Rows
	}
	tw.Flush()
	return total
}

func cmdCopy(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "copy", "--from DSN --to DSN [--force] [--cluster NAME]")
	from := fs.String("from", "", "the database to copy: chdb://PATH or clickhouse://USER:PASS@HOST:9000/DATABASE (required)")
	to := fs.String("to", "", "the database to fill; created and migrated if needed, and it must hold no rows unless --force (required)")
	force := fs.Bool("force", false, "write into a database that already holds rows: its rows are kept and the copy is added to them")
	var target database
	fs.clusterFlag(&target)
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *from == "" || *to == "" {
		return fs.usageError("--from and --to are required")
	}
	if code, ok := copyable(e, *from, *to); !ok {
		return code
	}
	src, err := openExisting(ctx, *from)
	if err != nil {
		return fs.failed(fmt.Errorf("--from: %w", err))
	}
	defer src.Close()
	dst, err := engines.Open(ctx, *to, "")
	if err != nil {
		return fs.failed(fmt.Errorf("--to: %w", err))
	}
	defer dst.Close()
	e.log.Info("copying", "from", engines.Redact(*from), "to", engines.Redact(*to))
	res, err := backup.Copy(ctx, src, dst, backup.Options{Force: *force, Cluster: target.cluster, Progress: tableProgress(e, "copied and verified")})
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport %v\n", err)
		return exitRejected
	}
	total := printTables(e.stdout, res)
	fmt.Fprintf(e.stdout, "Copied %d rows in %d tables from %s to %s; every table verified (rows and checksum).\n",
		total, len(res), engines.Redact(*from), engines.Redact(*to))
	return exitOK
}

// copyable reports a usage error when one run cannot copy from to to: the
// same database, or two chDB data paths (one process opens one).
func copyable(e *env, from, to string) (int, bool) {
	fp, fdb, fchdb := chdbLocation(from)
	tp, tdb, tchdb := chdbLocation(to)
	switch {
	case from == to || (fchdb && tchdb && fp == tp && fdb == tdb):
		fmt.Fprintln(e.stderr, "klimatrapport copy: --from and --to are the same database")
		return exitUsage, false
	case fchdb && tchdb && fp != tp:
		fmt.Fprintf(e.stderr, `klimatrapport copy: chDB opens one data path per process, so one run cannot read
chdb://%s and write chdb://%s. Copy in two steps through a backup:

  klimatrapport backup --db %s --out DIR
  klimatrapport restore --from DIR --db %s
`, fp, tp, from, to)
		return exitUsage, false
	}
	return exitOK, true
}

func cmdBackup(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "backup", "--out DIR [--db DSN] [--gzip=false]")
	out := fs.String("out", "", "a new (or empty) directory for the backup (required)")
	db := fs.dbFlag()
	gz := fs.Bool("gzip", true, "compress the table files")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if code, ok := fs.required(*out, "--out DIR"); !ok {
		return code
	}
	src, err := openExisting(ctx, db.dsn)
	if err != nil {
		return fs.failed(err)
	}
	defer src.Close()
	m, err := backup.Backup(ctx, src, *out, backup.Options{Gzip: *gz, Tool: "klimatrapport " + versionString(), Progress: tableProgress(e, "backed up")})
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport %v\n", err)
		return exitRejected
	}
	res := make([]backup.TableResult, len(m.Tables))
	for i, t := range m.Tables {
		res[i] = backup.TableResult{Name: t.Name, Rows: t.Rows, Checksum: t.RowsChecksum}
	}
	total := printTables(e.stdout, res)
	fmt.Fprintf(e.stdout, "Backed up %d rows in %d tables (schema version %d) to %s.\n", total, len(res), m.SchemaVersion, *out)
	return exitOK
}

func cmdRestore(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "restore", "--from DIR [--db DSN] [--force] [--check] [--cluster NAME]")
	from := fs.String("from", "", "the backup directory (required)")
	db := fs.dbFlag()
	force := fs.Bool("force", false, "write into a database that already holds rows: its rows are kept and the backup's are added")
	check := fs.Bool("check", false, "only verify the backup (manifest, files, every row); touch no database")
	fs.clusterFlag(db)
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if code, ok := fs.required(*from, "--from DIR"); !ok {
		return code
	}
	if *check {
		return checkBackup(fs, *from)
	}
	if _, err := backup.ReadManifest(*from); err != nil {
		return fs.failed(err)
	}
	dst, err := engines.Open(ctx, db.dsn, "")
	if err != nil {
		return fs.failed(err)
	}
	defer dst.Close()
	res, err := backup.Restore(ctx, dst, *from, backup.Options{Force: *force, Cluster: db.cluster, Progress: tableProgress(e, "restored and verified")})
	if err != nil {
		fmt.Fprintf(e.stderr, "klimatrapport %v\n", err)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(e.stderr, "klimatrapport restore: interrupted; the database holds part of the backup")
		}
		return exitRejected
	}
	total := printTables(e.stdout, res)
	fmt.Fprintf(e.stdout, "Restored %d rows in %d tables into %s/%s; every table verified (rows and checksum).\n",
		total, len(res), dst.Engine(), dst.Database())
	return exitOK
}

// checkBackup verifies the backup in dir without a database.
func checkBackup(fs *cmdFlags, dir string) int {
	m, err := backup.Check(dir)
	if err != nil {
		return fs.failed(err)
	}
	var total uint64
	for _, t := range m.Tables {
		total += t.Rows
	}
	fmt.Fprintf(fs.e.stdout, "The backup in %s is complete and intact: %d rows in %d tables, schema version %d, made %s from %s.\n",
		dir, total, len(m.Tables), m.SchemaVersion, m.CreatedAt.Format("2006-01-02 15:04 MST"), m.SourceEngine)
	return exitOK
}
