package submissions

import (
	"context"
	"fmt"
	"io"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/turns"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// Lookup answers validation's questions about the world outside the file.
// Every method may return "don't know" (ok false), and validation then skips
// the check that needs it.
type Lookup interface {
	// KnownCode reports whether a municipality or county code exists.
	KnownCode(ctx context.Context, code string) (known, ok bool)
	// SMHISector returns SMHI's figure (all greenhouse gases, tonnes CO2e)
	// for a municipality, year and main sector, from the newest release.
	SMHISector(ctx context.Context, code string, year int, sector string) (float64, bool)
	// CodeForName resolves a municipality name (SMHI's files carry names).
	CodeForName(name string) (string, bool)
	// CodeForCounty resolves a county name (a region's SMHI file).
	CodeForCounty(name string) (string, bool)
}

// Service handles submissions.
type Service struct {
	DB     storage.DB
	Lookup Lookup // may be nil: no checks against national data
	Limits workbook.Limits
	Now    func() time.Time
	// BufferValues is how many inventory values are held in memory before
	// they are written (tagged, invisible) ahead of the commit. Small files
	// never touch the database unless accepted.
	BufferValues int
	// OnCommit is called after a submission becomes visible (caches).
	OnCommit func(code string)
	// Parallel is how many files this process parses or annotates at once
	// (0: half the processors, at least one, so that the other half stays
	// with the readers during an upload storm); QueueTimeout how long a request waits for its
	// turn before it is refused as busy (0: DefaultQueueTimeout). See
	// work.go.
	Parallel     int
	QueueTimeout time.Duration
	// AnnotatedCacheBytes bounds the annotated copies kept in memory
	// (0: DefaultAnnotatedCacheBytes). See annotated.go.
	AnnotatedCacheBytes int64

	work      turns.Cap // the expensive work's (work.go)
	annotated annotatedCopies
	locks     keyedMutex
	seq       storage.Clock // orders submissions: strictly increasing even when the clock stands still or steps back
}

// Upload is one uploaded file: its bytes in Content or, when Content is
// nil, in File (Size bytes), for a file the request spooled to disk. Submit
// reads File only once the upload's turn to be parsed has come, so uploads
// waiting for their turn hold their files on disk, not in memory.
type Upload struct {
	FileName string
	Content  []byte
	File     io.ReaderAt
	Size     int64
	// Municipality, when set, is the code the uploader says the file is for;
	// the file must agree (CLI --municipality).
	Municipality string
}

// size is the upload's size in bytes.
func (up Upload) size() int64 {
	if up.Content != nil {
		return int64(len(up.Content))
	}
	return up.Size
}

// read brings the upload's bytes into Content.
func (up *Upload) read() error {
	if up.Content != nil {
		return nil
	}
	if up.File == nil {
		up.Content = []byte{}
		return nil
	}
	b := make([]byte, up.Size)
	if n, err := up.File.ReadAt(b, 0); n < len(b) {
		return kr.Wrap(kr.Invalid, fmt.Errorf("read %d of %d bytes: %w", n, len(b), err),
			"Filen kunde inte läsas i sin helhet. Försök ladda upp den igen.")
	}
	up.Content = b
	return nil
}

// Result is the outcome of Submit.
type Result struct {
	Submission kr.Submission `json:"submission"`
	// Existing is true when the identical file was already accepted for the
	// municipality; Submission is then that earlier submission.
	Existing bool `json:"existing"`
}

// Accepted reports whether the file is in.
func (r Result) Accepted() bool { return r.Submission.Status == kr.SubmissionAccepted }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// limits are the parser's limits, with place names resolved through the
// reference unless the limits bring a resolver of their own.
func (s *Service) limits() workbook.Limits {
	lim := s.Limits
	if lim.NameToCode == nil && s.Lookup != nil {
		lim.NameToCode = s.Lookup.CodeForName
	}
	if lim.CountyToCode == nil && s.Lookup != nil {
		lim.CountyToCode = s.Lookup.CodeForCounty
	}
	return lim
}

func (s *Service) bufferValues() int {
	if s.BufferValues > 0 {
		return s.BufferValues
	}
	return 50_000
}

func limitBytes(l workbook.Limits) int64 {
	if l.MaxBytes > 0 {
		return l.MaxBytes
	}
	return workbook.DefaultLimits().MaxBytes
}

func (s *Service) knownCode(ctx context.Context) func(string) bool {
	if s.Lookup == nil {
		return nil
	}
	return func(code string) bool {
		known, ok := s.Lookup.KnownCode(ctx, code)
		return !ok || known
	}
}

func (s *Service) smhi(ctx context.Context) func(string, int, string) (float64, bool) {
	if s.Lookup == nil {
		return nil
	}
	return func(code string, year int, sector string) (float64, bool) {
		return s.Lookup.SMHISector(ctx, code, year, sector)
	}
}

// uploaderCode is the code validation holds the file to: an officer's own
// municipality, else what the uploader asserted (empty: any).
func uploaderCode(actor kr.Actor, asserted string) string {
	if actor.Role == kr.RoleOfficer {
		return actor.Municipality
	}
	return asserted
}

func unavailable(err error) error {
	if err == nil || kr.KindOf(err) != kr.Other {
		return err
	}
	return kr.Wrap(kr.Unavailable, err, "Databasen svarar inte just nu, så filen kunde inte sparas. Ingenting av den har sparats. Försök igen om en stund.")
}
