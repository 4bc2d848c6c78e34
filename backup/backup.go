package backup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"time"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Format and FormatVersion identify a backup's manifest.
const (
	Format        = "klimatrapport-backup"
	FormatVersion = 1
	ManifestFile  = "manifest.json"
)

// Manifest describes a backup (see the package comment).
type Manifest struct {
	Format         string          `json:"format"`
	FormatVersion  int             `json:"format_version"`
	CreatedAt      time.Time       `json:"created_at"`
	Tool           string          `json:"tool,omitempty"`
	SourceEngine   string          `json:"source_engine"`
	SourceDatabase string          `json:"source_database"`
	SchemaVersion  uint32          `json:"schema_version"`
	Tables         []TableManifest `json:"tables"`
}

// TableManifest describes one table's file.
type TableManifest struct {
	Name         string   `json:"name"`
	Columns      []Column `json:"columns"`
	Rows         uint64   `json:"rows"`
	RowsChecksum string   `json:"rows_checksum"`
	File         string   `json:"file"`
	Compression  string   `json:"compression"`
	Bytes        int64    `json:"bytes"`
	SHA256       string   `json:"sha256"`
}

// TableResult is what a command did to one table.
type TableResult struct {
	Name     string
	Rows     uint64 // rows written (restore, copy) or read (backup)
	Checksum string // the rows' checksum (Sum) as read from the source
}

// readSource returns a source database's schema version and tables.
func readSource(ctx context.Context, db storage.DB) (uint32, []tableInfo, error) {
	version, err := schema.Version(ctx, db)
	if err != nil {
		return 0, nil, fmt.Errorf("%s is not a klimatrapport database (no schema_migrations): %w", db.Database(), err)
	}
	infos, err := listTables(ctx, db)
	return version, infos, err
}

// Backup writes every table of db into dir, which must not exist or be
// empty, and returns the manifest.
func Backup(ctx context.Context, db storage.DB, dir string, opts Options) (*Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	version, infos, err := readSource(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	m := &Manifest{Format: Format, FormatVersion: FormatVersion, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Tool: opts.Tool, SourceEngine: db.Engine(), SourceDatabase: db.Database(), SchemaVersion: version}
	for _, info := range infos {
		t, err := newTable(info.Name, info.Columns, info.Key)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
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

// writeTable writes one table's file.
func writeTable(ctx context.Context, s *scanner, dir string, gz bool) (*TableManifest, error) {
	tm := &TableManifest{Name: s.t.name, Columns: s.t.cols, File: s.t.name + ".tsv", Compression: "none"}
	if gz {
		tm.File += ".gz"
		tm.Compression = "gzip"
	}
	f, err := os.OpenFile(filepath.Join(dir, tm.File), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, h)}
	var w io.Writer = cw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(cw)
		w = zw
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var sum Sum
	var line []byte
	err = s.scan(ctx, func(rows reflect.Value) error {
		for i := 0; i < rows.Len(); i++ {
			var err error
			if line, err = s.t.appendRow(line[:0], rows.Index(i)); err != nil {
				return err
			}
			sum.Add(line)
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, err
		}
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	tm.Rows, tm.RowsChecksum = sum.Rows, sum.Hex()
	tm.Bytes, tm.SHA256 = cw.n, hex.EncodeToString(h.Sum(nil))
	return tm, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeManifest writes manifest.json atomically: a backup is complete once
// it is there.
func writeManifest(dir string, m *Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ManifestFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestFile)); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

var (
	fileRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)
	hexRe  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// ReadManifest reads and checks dir's manifest.json; it does not read the
// table files (Check does).
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: not a backup, or a backup that did not finish", dir, ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q, want %q", ManifestFile, m.Format, Format)
	}
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s: format version %d; this program reads version %d", ManifestFile, m.FormatVersion, FormatVersion)
	}
	seen := map[string]bool{}
	for _, t := range m.Tables {
		if !identRe.MatchString(t.Name) || seen[t.Name] {
			return nil, fmt.Errorf("%s: bad or repeated table name %q", ManifestFile, t.Name)
		}
		seen[t.Name] = true
		if !fileRe.MatchString(t.File) || t.File == ManifestFile {
			return nil, fmt.Errorf("%s: table %s: bad file name %q", ManifestFile, t.Name, t.File)
		}
		if t.Compression != "gzip" && t.Compression != "none" {
			return nil, fmt.Errorf("%s: table %s: unknown compression %q", ManifestFile, t.Name, t.Compression)
		}
		if !hexRe.MatchString(t.SHA256) || !hexRe.MatchString(t.RowsChecksum) {
			return nil, fmt.Errorf("%s: table %s: bad checksum", ManifestFile, t.Name)
		}
		if _, err := newTable(t.Name, t.Columns, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", ManifestFile, err)
		}
	}
	return &m, nil
}

// checkFiles checks every table file's size and SHA-256 against the
// manifest, without parsing it.
func checkFiles(dir string, m *Manifest) error {
	for _, t := range m.Tables {
		path := filepath.Join(dir, t.File)
		f, err := os.Open(path)
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("backup is incomplete: %s (table %s) is missing", t.File, t.Name)
		}
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", t.File, err)
		}
		if n != t.Bytes {
			return fmt.Errorf("backup is damaged: %s (table %s) has %d bytes, the manifest says %d", t.File, t.Name, n, t.Bytes)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != t.SHA256 {
			return fmt.Errorf("backup is damaged: %s (table %s) has SHA-256 %s, the manifest says %s", t.File, t.Name, got, t.SHA256)
		}
	}
	return nil
}

// tableReader reads one table file's rows, checking its SHA-256, row count
// and rows checksum as it goes.
type tableReader struct {
	tm    TableManifest
	t     *table
	f     *os.File
	src   io.Reader // the file through h
	h     hash.Hash
	done  bool
	zr    *gzip.Reader
	br    *bufio.Reader
	sum   Sum
	line  []byte
	check []byte
}

func openTable(dir string, tm TableManifest, t *table) (*tableReader, error) {
	f, err := os.Open(filepath.Join(dir, tm.File))
	if err != nil {
		return nil, err
	}
	r := &tableReader{tm: tm, t: t, f: f, h: sha256.New()}
	r.src = io.TeeReader(f, r.h)
	src := r.src
	if tm.Compression == "gzip" {
		if r.zr, err = gzip.NewReader(src); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", tm.File, err)
		}
		src = r.zr
	}
	r.br = bufio.NewReaderSize(src, 1<<20)
	return r, nil
}

func (r *tableReader) Close() error { return r.f.Close() }

// next reads up to maxRows rows or maxBytes of lines into a new
// []t.rowType; an empty slice means the end of the file, which is then
// checked against the manifest.
func (r *tableReader) next(maxRows int, maxBytes int) (reflect.Value, error) {
	rows := reflect.MakeSlice(reflect.SliceOf(r.t.rowType), 0, min(maxRows, 1024))
	size := 0
	for !r.done && rows.Len() < maxRows && size < maxBytes {
		line, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			r.line = append(r.line[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.br.ReadSlice('\n')
				r.line = append(r.line, line...)
			}
			line = r.line
		}
		if err == io.EOF {
			if len(line) > 0 {
				return rows, fmt.Errorf("%s: the last line has no newline: the file is cut short", r.tm.File)
			}
			r.done = true
			return rows, r.finish()
		}
		if err != nil {
			return rows, fmt.Errorf("%s: %w", r.tm.File, err)
		}
		line = line[:len(line)-1]
		rows = reflect.Append(rows, reflect.New(r.t.rowType).Elem())
		if r.check, err = r.t.parseRow(line, rows.Index(rows.Len()-1), r.check); err != nil {
			return rows, fmt.Errorf("%s, row %d: %w", r.tm.File, r.sum.Rows+1, err)
		}
		r.sum.Add(line)
		size += len(line)
	}
	return rows, nil
}

// finish checks the file's end against the manifest.
func (r *tableReader) finish() error {
	if r.zr != nil {
		if err := r.zr.Close(); err != nil {
			return fmt.Errorf("%s: %w", r.tm.File, err)
		}
	}
	if _, err := io.Copy(io.Discard, r.src); err != nil { // hash anything after the gzip stream too
		return err
	}
	if got := hex.EncodeToString(r.h.Sum(nil)); got != r.tm.SHA256 {
		return fmt.Errorf("backup is damaged: %s has SHA-256 %s, the manifest says %s", r.tm.File, got, r.tm.SHA256)
	}
	if r.sum.Rows != r.tm.Rows || r.sum.Hex() != r.tm.RowsChecksum {
		return fmt.Errorf("backup is damaged: %s holds %d rows with checksum %s, the manifest says %d rows with %s",
			r.tm.File, r.sum.Rows, r.sum.Hex(), r.tm.Rows, r.tm.RowsChecksum)
	}
	return nil
}

// Check verifies a backup without a database: the manifest, every file's
// size and SHA-256, and every row (parsed, counted and summed).
func Check(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if err := checkFiles(dir, m); err != nil {
		return nil, err
	}
	for _, tm := range m.Tables {
		t, err := newTable(tm.Name, tm.Columns, nil)
		if err != nil {
			return nil, err
		}
		r, err := openTable(dir, tm, t)
		if err != nil {
			return nil, err
		}
		for {
			rows, err := r.next(defaultPageRows, defaultPageBytes)
			if err != nil {
				r.Close()
				return nil, err
			}
			if rows.Len() == 0 {
				break
			}
		}
		r.Close()
	}
	return m, nil
}
