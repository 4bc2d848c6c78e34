package publish

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// Service answers the dashboards' and the API's questions from an
// in-memory Snapshot of the published data, so that a page costs no
// database query once computed.
//
// Readers never wait for writers: Snapshot returns the last published
// snapshot at once, and one background goroutine (started by the first
// read, stopped by Close) builds the next when the data changes, renders
// the registered warmers' answers into it (AddWarmer) and then swaps it in.
// Changes close together are built once: the builder waits Debounce for
// more, runs one build at a time, and a change during a build makes one
// more after it. A failed build keeps the old snapshot and is retried with
// a growing pause. Only the very first snapshot is waited for.
//
// Freshness. A snapshot (and everything memoised in it: metrics, rankings,
// rendered pages) belongs to one data generation. It is outdated
//
//   - when this process commits a change: wire Invalidate to
//     national.Store.OnChange and members.Register.OnChange, and Touch to
//     submissions.Service.OnCommit (which is given the area); readers see
//     the change once the next snapshot is built (Refresh and WaitFor wait
//     for it; SnapshotFor waits for it on the committing area's own pages);
//   - when another instance has changed the data: at most every
//     ProbeInterval a request asks the builder to check a cheap fingerprint
//     of the data (the row counts of the append-only tables that make data
//     visible, and the submissions per area), which rebuilds when it
//     differs. Other instances' changes thus show within ProbeInterval and
//     a build;
//   - after MaxAge in any case (membership status depends on the date:
//     a snapshot of a new day is loaded in full).
//
// Only what changed is read again. A change of national data or of the
// members register (or a new day) makes a full load; a commit
// makes the next snapshot from the published one with only the committing
// areas' reports read again (the fingerprint names them, whichever
// instance committed), and keeps the answers about other areas (Key's
// areas): the aggregates (the overview, the rankings) and the committing
// areas' own pages are computed again.
type Service struct {
	Data    figures.Data
	Members *members.Register
	Now     func() time.Time
	Log     *slog.Logger // the builder's; nil is slog.Default()
	// ProbeInterval is how often the data fingerprint is checked: a
	// negative value never; 0 on every request, which then waits for the
	// snapshot with every change seen so far (always fresh: the tests').
	// Serve uses DefaultProbeInterval.
	ProbeInterval time.Duration
	// MaxAge bounds a snapshot's life; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// MaxMemo bounds the number of memoised results per snapshot; 0 means
	// DefaultMaxMemo. Past it, the least recently used results are dropped
	// to make room for new ones.
	MaxMemo int
	// MaxBodyBytes bounds the memory of rendered answers kept per snapshot
	// (Snapshot.Body: their bytes and gzip forms), evicting the least
	// recently used as for MaxMemo; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Debounce is how long the builder waits for more changes before it
	// builds; 0 means DefaultDebounce.
	Debounce time.Duration
	// WarmTimeout bounds the warmers' time per snapshot, after which it is
	// published as it is; 0 means DefaultWarmTimeout, negative no warming.
	WarmTimeout time.Duration

	cur       atomic.Pointer[Snapshot] // the published snapshot
	staged    atomic.Pointer[Snapshot] // built, being warmed: read-your-writes may read it (SnapshotFor)
	held      atomic.Pointer[error]    // what readers get instead while data is loaded (Hold)
	mu        sync.Mutex
	gen       uint64            // the data's generation: grows with each change
	full      bool              // a change since the last build needs a full load
	touched   map[string]uint64 // area → generation of its last commit here (read-your-writes)
	lastProbe time.Time
	probing   bool
	b         builder
}

// Defaults of Service. The answers rendered ahead (every municipality's
// page and metrics, the overview, the ranking) are pinned outside these
// bounds; the bounds are for everything else — a crawler's distinct
// pages — so that what it costs stays a few tens of MiB.
const (
	DefaultProbeInterval = 2 * time.Second
	DefaultMaxAge        = 10 * time.Minute
	DefaultMaxMemo       = 4096
	DefaultMaxBodyBytes  = 32 << 20
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Invalidate marks the data changed, all of it (national data, the members
// register), and wakes the builder; readers keep the published snapshot
// until the next one is built. It is cheap and safe to call from any
// goroutine (commit hooks).
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.full = true
	s.b.kick()
	s.mu.Unlock()
}

// Touch marks area's reports changed (a submission committed) and wakes
// the builder, which reads that area's reports again and keeps the rest.
func (s *Service) Touch(area string) {
	s.mu.Lock()
	s.gen++
	if s.touched == nil {
		s.touched = map[string]uint64{}
	}
	s.touched[area] = s.gen
	s.b.kick()
	s.mu.Unlock()
}

// ReadYourWritesWait bounds how long SnapshotFor waits for the snapshot
// with an area's own commit.
const ReadYourWritesWait = 2 * time.Second

// SnapshotFor is Snapshot for a reader who committed area's data (an
// officer looking at their own municipality's pages): when this instance
// has committed for area since the published snapshot, it waits (at most
// ReadYourWritesWait, without debounce) for the snapshot holding that
// commit, so that the uploader sees their submission at once: the new
// snapshot as soon as it is built, before the warmers have rendered its
// pages ahead for everyone else. Everyone else, and an empty area, gets
// Snapshot.
func (s *Service) SnapshotFor(ctx context.Context, area string) (*Snapshot, error) {
	s.mu.Lock()
	want := s.touched[area]
	s.mu.Unlock()
	snap, err := s.Snapshot(ctx)
	if err != nil || area == "" || snap.Generation >= want {
		return snap, err
	}
	wctx, cancel := context.WithTimeout(ctx, ReadYourWritesWait)
	defer cancel()
	if fresh, err := s.waitFor(wctx, want, true); err == nil {
		return fresh, nil
	}
	return snap, nil // the commit's snapshot is late: the published one, as everyone gets
}

// Snapshot returns the published snapshot without waiting for a build,
// except for the first one (and with ProbeInterval 0, for every change seen
// before the call). It asks the builder for a fingerprint check when
// ProbeInterval has passed, and for a new snapshot past MaxAge.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
	if err := s.holding(); err != nil {
		return nil, err
	}
	s.start()
	if s.ProbeInterval == 0 {
		if err := s.probeNow(ctx); err != nil {
			return nil, err
		}
		return s.WaitFor(ctx, s.Generation())
	}
	snap := s.cur.Load()
	if snap == nil {
		return s.WaitFor(ctx, 0)
	}
	maxAge := s.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now().Sub(snap.Loaded) >= maxAge && s.gen == snap.Generation {
		s.gen++ // a full load only when the day has changed too (next)
		s.b.kick()
	}
	if s.ProbeInterval > 0 && !s.probing && s.now().Sub(s.lastProbe) >= s.ProbeInterval {
		s.probing, s.lastProbe, s.b.probe = true, s.now(), true
		s.b.kick()
	}
	return snap, nil
}

// probeNow checks the data fingerprint at once and marks the data changed
// when it differs from the published snapshot's.
func (s *Service) probeNow(ctx context.Context) error {
	snap := s.cur.Load()
	if snap == nil {
		return nil
	}
	fp, err := readFingerprint(ctx, s.Data.National.DB)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if !fp.equal(snap.fingerprint) { // even with a build under way: it may have read the data before this change
		s.gen++
		s.b.kick()
	}
	s.mu.Unlock()
	return nil
}

func unavailable(err error) error {
	if kr.KindOf(err) != kr.Other {
		return err
	}
	return kr.Wrap(kr.Unavailable, err, "Databasen svarar inte just nu. Försök igen om en stund.")
}

// Snapshot is the published data at one moment, with memoised results.
// Everything in it is read-only once loaded.
type Snapshot struct {
	Generation uint64
	Loaded     time.Time
	Today      time.Time
	AsOf       int // the default current year C: the calendar year of Today

	Municipalities []kr.Municipality
	Counties       []kr.County
	Population     analytics.Populations
	Members        []members.Member // every member's current entry, ended ones too

	Release   national.Release // the SMHI release used; ID "" when there is none
	Substance string           // SMHI substance (GGT, CO2, …)
	Unit      string           // "ton CO2e", "ton CO2", …

	fingerprint fingerprint
	reports     reports
	muni        map[string]kr.Municipality
	names       map[string]string
	member      map[string]members.Member
	smhi        figures.SMHI       // municipalities, counties, "00"
	smhiSubs    figures.Subsectors // the GPC view's subsectors, municipalities
	previous    figures.SMHI       // the release before smhi's, for the revisions; Release.ID "" when none
	releases    []national.Release // every release of Substance, newest first
	memo        *memo
}

// Memo returns the result of build for key, computing it once per snapshot
// while it stays among the kept results (concurrent callers wait for the
// first). Errors are not kept. Memoised results do not outlive the
// snapshot.
func (snap *Snapshot) Memo(key string, build func() (any, error)) (any, error) {
	return snap.memoAbout(key, nil, build)
}

// memoAbout is Memo for a result that reads only the reports of areas: it
// is kept into the next snapshot when a commit changes other areas' only.
func (snap *Snapshot) memoAbout(key string, areas []string, build func() (any, error)) (any, error) {
	return snap.memo.do(key, areas, false, func() (any, int64, error) {
		v, err := build()
		return v, 0, err
	})
}

// Body returns the rendered answer for key, rendering it once per snapshot
// with build (or taking it from the snapshot before, when it is about
// areas whose reports have not changed since: Key). An answer rendered by
// a warmer (ctx is the warmer's) is compressed at once and kept whatever
// else is asked; the others share a byte budget (Service.MaxBodyBytes),
// past which the least recently used are dropped.
func (snap *Snapshot) Body(ctx context.Context, key Key, build func() (*Body, error)) (*Body, error) {
	warming := isWarming(ctx)
	v, err := snap.memo.do("body:"+key.text, key.codes, warming, func() (any, int64, error) {
		b, err := build()
		if err != nil {
			return nil, 0, err
		}
		if b.ETag == "" {
			sum := sha256.Sum256(b.Bytes)
			b.ETag = `"` + hex.EncodeToString(sum[:12]) + `"`
		}
		if cap(b.Bytes) > len(b.Bytes)+len(b.Bytes)/8 {
			b.Bytes = bytes.Clone(b.Bytes) // a renderer's buffer may have grown to twice the answer
		}
		return b, b.memory(), nil
	})
	if err != nil {
		return nil, err
	}
	b := v.(*Body)
	if warming {
		b.Gzipped() // no reader pays for compressing what was rendered ahead
	}
	return b, nil
}

// Kept returns how many results the snapshot keeps and the bytes of the
// rendered answers among them.
func (snap *Snapshot) Kept() (entries int, bodyBytes int64) { return snap.memo.stats() }

// Name returns the name of a municipality, county or "00" (Sverige).
func (snap *Snapshot) Name(code string) string { return snap.names[code] }

// Member returns code's entry in the members register, if it has one.
func (snap *Snapshot) Member(code string) (members.Member, bool) {
	m, ok := snap.member[code]
	return m, ok
}

// IsActiveMember reports whether code is an active member today.
func (snap *Snapshot) IsActiveMember(code string) bool {
	m, ok := snap.member[code]
	return ok && m.Active(snap.Today)
}

// ExampleMembers returns the names of the active members that are made
// up (members.Member.Example), by code: the pages that show them, or
// figures of all members together, say so.
func (snap *Snapshot) ExampleMembers() []string {
	var out []string
	for _, m := range snap.Members {
		if m.Example && m.Active(snap.Today) {
			out = append(out, cmp.Or(snap.names[m.Code], m.Code))
		}
	}
	return out
}

// ActiveMunicipalityMembers returns the codes of the active members that
// are municipalities (regions, identified by county codes, are left out of
// the members' figures: their area overlaps the municipalities'), sorted.
func (snap *Snapshot) ActiveMunicipalityMembers() []string {
	var out []string
	for _, m := range snap.Members {
		if m.Kind == members.KindMunicipality && m.Active(snap.Today) {
			if _, known := snap.muni[m.Code]; known {
				out = append(out, m.Code)
			}
		}
	}
	sort.Strings(out)
	return out
}

// SMHITotal returns SMHI's yearly totals for an area (municipality, county
// or "00").
func (snap *Snapshot) SMHITotal(code string) analytics.Series { return snap.smhi.Total[code] }

// LatestSMHIYear returns the last year of SMHI's national series (or of any
// municipality's), 0 when there is none.
func (snap *Snapshot) LatestSMHIYear() int {
	if p, ok := snap.smhi.Total["00"].Last(); ok {
		return p.Year
	}
	last := 0
	for _, s := range snap.smhi.Total {
		if p, ok := s.Last(); ok && p.Year > last {
			last = p.Year
		}
	}
	return last
}

// Reported returns the reported figures of the given areas (all with
// reports for nil), from the snapshot. The maps and figures are shared:
// callers must not change them.
func (snap *Snapshot) Reported(codes []string) map[string]*figures.Reported {
	if codes == nil {
		return snap.reports.series
	}
	out := make(map[string]*figures.Reported, len(codes))
	for _, c := range codes {
		if r := snap.reports.series[c]; r != nil {
			out[c] = r
		}
	}
	return out
}
