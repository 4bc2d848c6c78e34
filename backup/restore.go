package backup

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// target is a table in the database being written.
type target struct {
	t      *table
	before Sum // its rows before writing (only with Force)
}

// prepare migrates db, checks that it can take tables (same columns, same
// types) and that it is empty unless opts.Force, and sums what is there.
func prepare(ctx context.Context, db storage.DB, version uint32, tables []*table, opts Options) (map[string]*target, error) {
	ms, err := schema.Migrations()
	if err != nil {
		return nil, err
	}
	if latest := ms[len(ms)-1].Version; version > latest {
		return nil, fmt.Errorf("the source is at schema version %d, newer than this program's %d: use a newer klimatrapport", version, latest)
	}
	if _, err := schema.MigrateWith(ctx, db, schema.Options{Cluster: opts.Cluster}); err != nil {
		return nil, err
	}
	infos, err := listTables(ctx, db)
	if err != nil {
		return nil, err
	}
	byName := map[string]tableInfo{}
	var full []string
	counts := map[string]uint64{}
	for _, info := range infos {
		byName[info.Name] = info
		n, err := count(ctx, db, info.Name)
		if err != nil {
			return nil, err
		}
		counts[info.Name] = n
		if n > 0 {
			full = append(full, fmt.Sprintf("%s (%d rows)", info.Name, n))
		}
	}
	if len(full) > 0 && !opts.Force {
		return nil, fmt.Errorf("the target database %s is not empty: %s; write into an empty database, or force it (--force) to add the rows to those there",
			db.Database(), strings.Join(full, ", "))
	}
	out := map[string]*target{}
	for _, src := range tables {
		info, ok := byName[src.name]
		if !ok {
			return nil, fmt.Errorf("table %s does not exist in the target after migrating it (is the source from another program?)", src.name)
		}
		have := map[string]string{}
		for _, c := range info.Columns {
			have[c.Name] = c.Type
		}
		for _, c := range src.cols {
			typ, ok := have[c.Name]
			if !ok {
				return nil, fmt.Errorf("table %s: the target has no column %s", src.name, c.Name)
			}
			if typ != c.Type {
				return nil, fmt.Errorf("table %s, column %s: the source's type is %s, the target's %s", src.name, c.Name, c.Type, typ)
			}
		}
		t, err := newTable(src.name, src.cols, info.Key)
		if err != nil {
			return nil, err
		}
		tg := &target{t: t}
		if counts[src.name] > 0 {
			if tg.before, err = (&scanner{db: db, t: t, opts: opts}).sum(ctx); err != nil {
				return nil, err
			}
		}
		out[src.name] = tg
	}
	return out, nil
}

// writeOrder lists tables with the marker tables last.
func writeOrder(names []string) []string {
	var out, markers []string
	for _, n := range names {
		if isMarker(n) {
			markers = append(markers, n)
		} else {
			out = append(out, n)
		}
	}
	for _, m := range markerTables {
		for _, n := range markers {
			if n == m {
				out = append(out, n)
			}
		}
	}
	return out
}

// Restore loads the backup in dir into db. It checks the whole backup's
// files first and writes nothing if one is missing or damaged; it migrates
// db, refuses it if it holds rows (unless opts.Force), loads every table
// (marker tables last), checks each file's rows against the manifest as it
// reads them, and re-reads each table to compare its checksum.
func Restore(ctx context.Context, db storage.DB, dir string, opts Options) ([]TableResult, error) {
	// Check everything before writing anything.
	m, err := Check(dir)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var tables []*table
	manifests := map[string]TableManifest{}
	var names []string
	for _, tm := range m.Tables {
		t, err := newTable(tm.Name, tm.Columns, nil)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		tables = append(tables, t)
		manifests[tm.Name] = tm
		names = append(names, tm.Name)
	}
	targets, err := prepare(ctx, db, m.SchemaVersion, tables, opts)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	results, err := writeTables(ctx, db, names, targets, opts, func(name string, tg *target) (Sum, error) {
		return loadFile(ctx, db, dir, manifests[name], tg, opts)
	})
	if err != nil {
		return results, fmt.Errorf("restore: %w (the database now holds part of the backup)", err)
	}
	return results, nil
}

// writeTables writes every table into db, marker tables last, with write,
// which returns the sum of the rows it wrote, and verifies each against
// what db holds afterwards.
func writeTables(ctx context.Context, db storage.DB, names []string, targets map[string]*target, opts Options,
	write func(name string, tg *target) (Sum, error)) ([]TableResult, error) {
	var results []TableResult
	for _, name := range writeOrder(names) {
		tg := targets[name]
		written, err := write(name, tg)
		if err != nil {
			return results, fmt.Errorf("table %s: %w", name, err)
		}
		res, err := tg.verify(ctx, db, written, opts)
		if err != nil {
			return results, err
		}
		results = append(results, res)
		if opts.Progress != nil {
			opts.Progress(name, res.Rows)
		}
	}
	return results, nil
}

// loadFile inserts a table file's rows into db a page at a time.
func loadFile(ctx context.Context, db storage.DB, dir string, tm TableManifest, tg *target, opts Options) (Sum, error) {
	var sum Sum
	r, err := openTable(dir, tm, tg.t)
	if err != nil {
		return sum, err
	}
	defer r.Close()
	var buf []byte
	for {
		rows, err := r.next(int(opts.pageRows()), int(opts.pageBytes()))
		if err != nil || rows.Len() == 0 {
			return sum, err
		}
		if buf, err = addRows(&sum, tg.t, rows, buf); err != nil {
			return sum, err
		}
		if err := db.Insert(ctx, tg.t.name, rows.Interface()); err != nil {
			return sum, err
		}
	}
}

// Copy copies every table of from into to: it migrates to, refuses it if
// it holds rows (unless opts.Force), reads the marker tables first (into
// temporary files) and writes them last, and re-reads every table of to to
// compare its row count and checksum with what was read from from.
func Copy(ctx context.Context, from, to storage.DB, opts Options) ([]TableResult, error) {
	version, tables, err := readSource(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	var names []string
	byName := map[string]*table{}
	for _, t := range tables {
		names = append(names, t.name)
		byName[t.name] = t
	}
	targets, err := prepare(ctx, to, version, tables, opts)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	spool, err := os.MkdirTemp("", "klimatrapport-copy-")
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer os.RemoveAll(spool)

	// Marker tables first, into files: what they make visible is then
	// already in the other tables when those are read.
	spooled := map[string]*TableManifest{}
	for _, t := range tables {
		if !isMarker(t.name) {
			continue
		}
		tm, err := writeTable(ctx, &scanner{db: from, t: t, opts: opts}, spool, false)
		if err != nil {
			return nil, fmt.Errorf("copy: %w", err)
		}
		spooled[t.name] = tm
	}
	results, err := writeTables(ctx, to, names, targets, opts, func(name string, tg *target) (Sum, error) {
		if tm, ok := spooled[name]; ok {
			return loadFile(ctx, to, spool, *tm, tg, opts)
		}
		return copyTable(ctx, &scanner{db: from, t: byName[name], opts: opts}, to, tg)
	})
	if err != nil {
		return results, fmt.Errorf("copy: %w (the target now holds part of the source)", err)
	}
	return results, nil
}

// copyTable inserts the pages of a table into to and sums their rows.
func copyTable(ctx context.Context, s *scanner, to storage.DB, tg *target) (Sum, error) {
	var sum Sum
	var buf []byte
	err := s.scan(ctx, func(rows reflect.Value) error {
		var err error
		if buf, err = addRows(&sum, s.t, rows, buf); err != nil {
			return err
		}
		return to.Insert(ctx, tg.t.name, rows.Interface())
	})
	return sum, err
}
