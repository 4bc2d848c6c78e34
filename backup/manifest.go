package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

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
		if !storage.IsIdent(t.Name) || seen[t.Name] {
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
