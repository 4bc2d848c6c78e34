package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// TableResult is what a command did to one table.
type TableResult struct {
	Name     string
	Rows     uint64 // rows written (restore, copy) or read (backup)
	Checksum string // the rows' checksum (Sum) as read from the source
}

// readSource returns a source database's schema version and tables, in the
// order they are read (markers first).
func readSource(ctx context.Context, db storage.DB) (uint32, []*table, error) {
	version, err := schema.Version(ctx, db)
	if err != nil {
		return 0, nil, fmt.Errorf("%s is not a klimatrapport database (no schema_migrations): %w", db.Database(), err)
	}
	infos, err := listTables(ctx, db)
	if err != nil {
		return 0, nil, err
	}
	tables := make([]*table, len(infos))
	for i, info := range infos {
		if tables[i], err = newTable(info.Name, info.Columns, info.Key); err != nil {
			return 0, nil, err
		}
	}
	return version, tables, nil
}

// Backup writes every table of db into dir, which must not exist or be
// empty, and returns the manifest.
func Backup(ctx context.Context, db storage.DB, dir string, opts Options) (*Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	version, tables, err := readSource(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m := &Manifest{Format: Format, FormatVersion: FormatVersion, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Tool: opts.Tool, SourceEngine: db.Engine(), SourceDatabase: db.Database(), SchemaVersion: version}
	for _, t := range tables {
		tm, err := writeTable(ctx, &scanner{db: db, t: t, opts: opts}, dir, opts.Gzip)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		m.Tables = append(m.Tables, *tm)
		if opts.Progress != nil {
			opts.Progress(t.name, tm.Rows)
		}
	}
	if err := writeManifest(dir, m); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// emptyDir creates dir or checks that it is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty; give a new directory", dir)
	}
	return nil
}
