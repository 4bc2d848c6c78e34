package submissions

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/sizedcache"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// The annotated copy of a stored submission: the officer's own file with
// the problem cells marked and commented and the list of items first
// (workbook.AnnotateReview, its footer naming the file and the day it was
// uploaded and checked). Building it opens the whole workbook, so it is as
// expensive as a parse and is done in a turn of the same cap (work.go). A
// submission's file and report never change, so its copy is built once
// and kept, and requests for it that arrive while it is built wait for
// that one build. A file the parser refused as a file (not a workbook,
// corrupt, over a limit) is never opened again to annotate it.

// DefaultAnnotatedCacheBytes bounds the annotated copies kept when
// Service.AnnotatedCacheBytes is 0: a few dozen ordinary reports, or two
// or three of the largest files accepted.
const DefaultAnnotatedCacheBytes = 64 << 20

// annotateTimeout bounds one build: its wait for a turn, reading the file
// and annotating it. The build outlives the request that started it (others
// may wait for it), so it has a deadline of its own.
const annotateTimeout = 2 * time.Minute

// entryOverhead is what a kept entry weighs besides its bytes, so that
// kept refusals (no bytes) count too.
const entryOverhead = 512

// Annotated returns the submission id, if actor may read it, and its
// annotated copy. A submission rejected because its file could not be read
// at all has none: kr.Conflict, saying so (its original file can still be
// downloaded). A busy service answers kr.Busy.
func (s *Service) Annotated(ctx context.Context, actor kr.Actor, id string) (kr.Submission, []byte, error) {
	sub, err := s.Readable(ctx, actor, id)
	if err != nil {
		return sub, nil, err
	}
	if it, ok := fileProblem(sub.Items); ok {
		return sub, nil, kr.E(kr.Conflict, "Det finns ingen uppmärkt kopia av den här filen, eftersom själva filen inte gick att läsa: %s "+
			"Originalfilen kan fortfarande laddas ned.", it.Message)
	}
	b, err := s.annotated.get(ctx, sub.ID, s.annotatedCacheBytes(), func(ctx context.Context) ([]byte, error) {
		return s.annotate(ctx, sub)
	})
	return sub, b, err
}

// AnnotatedBuilds is how many annotated copies this service has built
// since it started: with every copy kept, one per submission asked for.
func (s *Service) AnnotatedBuilds() int64 { return s.annotated.builds.Load() }

func (s *Service) annotatedCacheBytes() int64 {
	if s.AnnotatedCacheBytes > 0 {
		return s.AnnotatedCacheBytes
	}
	return DefaultAnnotatedCacheBytes
}

// annotate builds sub's annotated copy in a turn of the cap; its file is
// read from the database only then.
func (s *Service) annotate(ctx context.Context, sub kr.Submission) ([]byte, error) {
	release, err := s.turn(ctx, busyAnnotated)
	if err != nil {
		return nil, err
	}
	defer release()
	file, err := s.File(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	review := workbook.Review{FileName: sub.FileName, Checked: sub.UploadedAt}
	if err := workbook.AnnotateReview(bytes.NewReader(file), int64(len(file)), sub.Items, review, &b); err != nil {
		return nil, kr.Wrap(kr.Invalid, err, "Filen går inte att märka upp: den kunde inte läsas som en Excel-arbetsbok.")
	}
	return b.Bytes(), nil
}

// fileProblem returns the error item saying that the file itself could not
// be read (workbook.IsFileProblem), if there is one. An error item without
// a code is counted as one too: nothing says the file was read.
func fileProblem(items kr.Items) (kr.Item, bool) {
	for _, it := range items {
		if it.Severity == kr.SeverityError && (it.Code == "" || workbook.IsFileProblem(it.Code)) {
			return it, true
		}
	}
	return kr.Item{}, false
}

// annotatedCopies are the annotated copies built, by submission id, and
// the refusals of files that could not be annotated (as lasting as the
// file). They are bounded by their total size, the least recently used
// going first: the copies are as large as the files, so a count would
// bound nothing. The cache is made when first used with a bound, and made
// anew (empty) should Service.AnnotatedCacheBytes change.
type annotatedCopies struct {
	mu     sync.Mutex
	bound  int64
	kept   *sizedcache.Cache[string, annotatedCopy]
	flight singleflight.Group
	builds atomic.Int64 // how many copies were built
}

type annotatedCopy struct {
	content []byte
	err     error
}

func (c annotatedCopy) weight() int64 { return int64(len(c.content)) + entryOverhead }

// cache returns the kept copies, bounded by max bytes. The count only backs
// up the size bound: max / entryOverhead entries of no bytes at all fill
// the size first.
func (a *annotatedCopies) cache(max int64) *sizedcache.Cache[string, annotatedCopy] {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.kept == nil || a.bound != max {
		a.kept, a.bound = sizedcache.New[string](int(max/entryOverhead)+1, max, annotatedCopy.weight), max
	}
	return a.kept
}

// get returns id's copy, kept or built now by build. Concurrent requests
// for one id wait for one build; each stops waiting when its own context
// ends, and the build goes on for the others.
func (a *annotatedCopies) get(ctx context.Context, id string, max int64, build func(context.Context) ([]byte, error)) ([]byte, error) {
	kept := a.cache(max)
	if c, ok := kept.Get(id); ok {
		return c.content, c.err
	}
	ch := a.flight.DoChan(id, func() (any, error) {
		if c, ok := kept.Get(id); ok { // built while this request waited
			return c, nil
		}
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), annotateTimeout)
		defer cancel()
		a.builds.Add(1)
		b, err := build(bctx)
		c := annotatedCopy{content: b, err: err}
		if err == nil || kr.KindOf(err) == kr.Invalid {
			kept.Add(id, c)
		}
		return c, nil
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		c := r.Val.(annotatedCopy)
		return c.content, c.err
	}
}
