package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"reflect"
)

// Table files: one per table, TabSeparated lines (see tsv.go), gzipped
// when Options.Gzip is set (the backup command's default), read and written
// a page at a time.

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
