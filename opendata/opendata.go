// Package opendata builds the bulk files of /oppna-data: every SMHI release
// in long form, and the members' reported figures, goals and measures, each
// as gzipped CSV (stable snake_case keys) and XLSX (Swedish labels, frozen
// header, a second sheet "Om filen"). Files are built in the background and
// kept on disk in Dir; readers get the last complete file and never wait
// for a build unless none exists yet (then identical requests share one
// build).
//
// Why disk rather than memory (internal/sizedcache): a release's files are
// a few MB each and there is one pair per release and substance, which grows
// with every import; on disk they cost no heap, survive nothing they should
// not (a build writes a temporary file and renames it, so a crash never
// leaves a partial file under a served name) and are served by
// http.ServeContent straight from the file. What is kept is bounded by
// the releases imported (immutable: built once per release id) plus one
// generation of the members' files (the previous generation's are removed
// once the next is complete).
package opendata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// Format is a file's format.
type Format string

const (
	CSVGz Format = "csv.gz"
	XLSX  Format = "xlsx"
)

// ContentType is what a file of format f is served as. The gzipped CSV is
// served as application/gzip with Content-Disposition: attachment, so that
// a browser saves the .csv.gz as it is; text/csv with Content-Encoding:
// gzip would be unpacked by the browser and saved as plain CSV.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/gzip"
}

// File is one built file.
type File struct {
	Name     string // e.g. smhi-<release id>.csv.gz
	Dataset  string // which dataset: "smhi-<id>", "medlemmar-utslapp", …
	Format   Format
	Rows     int
	Size     int64
	Modified time.Time
	ETag     string // strong: a hash of the bytes
	path     string
}

// Builder builds and keeps the files.
type Builder struct {
	National    *national.Store
	Submissions *submissions.Service
	Compliance  *compliance.Engine // the obligations per member and year
	Dir         string
	// PageAreas is how many areas' rows one query of a release reads;
	// 0: defaultPageAreas.
	PageAreas int

	mu      sync.Mutex
	files   map[string]File // name → the current complete file
	members uint64          // generation of the members' files (0: built on a request, before any snapshot asked)
	built   bool            // whether the members' files exist at all
	flight  singleflight.Group
	// The background rebuild (RefreshLater), under bgMu.
	bgMu       sync.Mutex
	refreshing bool               // one runs
	bgCancel   context.CancelFunc // stops the one running, if any
	bg         sync.WaitGroup     // ends when it has ended
	closed     bool               // Close was called: no more of them
}

const defaultPageAreas = 16

var nameRe = regexp.MustCompile(`^[a-z0-9-]{1,80}\.(csv\.gz|xlsx)$`)

// ValidName is whether name can be a file's name at all: short, lower
// case letters, digits and dashes, one of the two extensions.
func ValidName(name string) bool { return nameRe.MatchString(name) }

func (b *Builder) init() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.files == nil {
		b.files = map[string]File{}
	}
	return os.MkdirAll(b.Dir, 0o750)
}

// current returns the file named name, if built.
func (b *Builder) current(name string) (File, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f, ok := b.files[name]
	return f, ok
}

// Files lists the built files, sorted by name.
func (b *Builder) Files() []File {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]File, 0, len(b.files))
	for _, f := range b.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Open returns the file named name, opened, building the release files
// it belongs to when they are not built yet. An unknown name is NotFound.
func (b *Builder) Open(ctx context.Context, name string) (*os.File, File, error) {
	if !ValidName(name) {
		return nil, File{}, notFound(name)
	}
	if err := b.init(); err != nil {
		return nil, File{}, err
	}
	f, ok := b.current(name)
	if !ok {
		if err := b.buildMissing(ctx); err != nil {
			return nil, File{}, err
		}
		if f, ok = b.current(name); !ok {
			return nil, File{}, notFound(name)
		}
	}
	fh, err := os.Open(f.path)
	return fh, f, err
}

func notFound(name string) error {
	return kr.E(kr.NotFound, "Filen %q finns inte bland de öppna data. Se listan på /oppna-data.", name)
}

// buildMissing builds what is not built yet: the files of each release
// and, when none exist, the members' files. Concurrent callers share one
// build.
func (b *Builder) buildMissing(ctx context.Context) error {
	_, err, _ := b.flight.Do("missing", func() (any, error) {
		rels, err := b.National.Releases(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rels {
			if _, ok := b.current(releaseName(r, CSVGz)); ok {
				continue
			}
			if err := b.buildRelease(ctx, r); err != nil {
				return nil, err
			}
		}
		b.mu.Lock()
		built := b.built
		b.mu.Unlock()
		if !built {
			return nil, b.buildMembers(ctx, 0)
		}
		return nil, nil
	})
	return err
}

// Refresh builds the missing release files and, when gen is newer than the
// members' files, those again. It is what the publish warmer calls (in the
// background) when a snapshot is published.
func (b *Builder) Refresh(ctx context.Context, gen uint64) error {
	if err := b.init(); err != nil {
		return err
	}
	if err := b.buildMissing(ctx); err != nil {
		return err
	}
	if !b.stale(gen) {
		return nil
	}
	_, err, _ := b.flight.Do(fmt.Sprint("members-", gen), func() (any, error) { return nil, b.buildMembers(ctx, gen) })
	return err
}

// RefreshLater starts Refresh for gen in the background when the members'
// files are older than gen, unless a refresh is already running; readers
// keep the current files meanwhile. The files are brought up to date when
// they are asked for, not on every published snapshot: building them reads
// every release and every member's report, work no reader should pay for
// unless someone downloads them.
func (b *Builder) RefreshLater(gen uint64, log func(error)) {
	if !b.stale(gen) {
		return
	}
	b.bgMu.Lock()
	defer b.bgMu.Unlock()
	if b.closed || b.refreshing {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.refreshing, b.bgCancel = true, cancel
	b.bg.Add(1)
	go func() {
		defer b.bg.Done()
		defer cancel()
		defer func() {
			b.bgMu.Lock()
			b.refreshing = false
			b.bgMu.Unlock()
		}()
		if err := b.Refresh(ctx, gen); err != nil && ctx.Err() == nil && log != nil {
			log(err)
		}
	}()
}

// Close stops a background rebuild and waits until it has ended (its
// temporary file removed), so that the directory and the database can go
// after it; no rebuild starts after it. The files built stay.
func (b *Builder) Close() {
	b.bgMu.Lock()
	b.closed = true
	if b.bgCancel != nil {
		b.bgCancel()
	}
	b.bgMu.Unlock()
	b.bg.Wait()
}

// stale reports whether the members' files are missing or older than gen.
func (b *Builder) stale(gen uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.built || b.members < gen
}

func releaseName(r national.Release, f Format) string {
	return "smhi-" + r.ID + "." + string(f)
}

// write builds one file through fill into a temporary file in Dir, hashes
// it, renames it to its final name (with the hash in it, so a newer build
// never overwrites a file a reader has open) and makes it current; the file
// it replaces is removed.
func (b *Builder) write(dataset string, f Format, fill func(w io.Writer) (int, error)) error {
	tmp, err := os.CreateTemp(b.Dir, ".build-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	rows, err := fill(io.MultiWriter(tmp, h))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	path := filepath.Join(b.Dir, dataset+"-"+sum[:16]+"."+string(f))
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	file := File{Name: dataset + "." + string(f), Dataset: dataset, Format: f, Rows: rows, Size: st.Size(),
		Modified: st.ModTime().UTC().Truncate(time.Second), ETag: `"` + sum[:32] + `"`, path: path}
	b.mu.Lock()
	old, had := b.files[file.Name]
	b.files[file.Name] = file
	b.mu.Unlock()
	if had && old.path != path {
		os.Remove(old.path) // readers with it open keep reading it
	}
	return nil
}
