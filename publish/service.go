package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strings"
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
//     national.Store.OnChange and members.Register.OnChange, and call it
//     from submissions.Service.OnCommit (which is given the code); readers
//     see the change once the next snapshot is built (Refresh and WaitFor
//     wait for it);
//   - when another instance has changed the data: at most every
//     ProbeInterval a request asks the builder to check a cheap fingerprint
//     of the data (the row counts of the append-only tables that make data
//     visible: submissions, smhi_releases, members, municipalities,
//     counties, population), which rebuilds when it differs. Other
//     instances' changes thus show within ProbeInterval and a build;
//   - after MaxAge in any case (membership status depends on the date).
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
	// MaxBodyBytes bounds the bytes of rendered answers kept per snapshot
	// (Snapshot.Body), evicting the least recently used as for MaxMemo;
	// 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Debounce is how long the builder waits for more changes before it
	// builds; 0 means DefaultDebounce.
	Debounce time.Duration
	// WarmTimeout bounds the warmers' time per snapshot, after which it is
	// published as it is; 0 means DefaultWarmTimeout, negative no warming.
	WarmTimeout time.Duration

	cur       atomic.Pointer[Snapshot] // the published snapshot
	mu        sync.Mutex
	gen       uint64 // the data's generation: grows with each change
	lastProbe time.Time
	probing   bool
	b         builder
}

// Defaults of Service. The memo holds the warmed default pages (every
// municipality's, the overview and the ranking, with what they compute)
// with room to spare for other answers.
const (
	DefaultProbeInterval = 2 * time.Second
	DefaultMaxAge        = 10 * time.Minute
	DefaultMaxMemo       = 8192
	DefaultMaxBodyBytes  = 128 << 20
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Invalidate marks the data changed and wakes the builder; readers keep
// the published snapshot until the next one is built. It is cheap and safe
// to call from any goroutine (commit hooks).
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.gen++
	s.b.kick()
	s.mu.Unlock()
}

// Snapshot returns the published snapshot without waiting for a build,
// except for the first one (and with ProbeInterval 0, for every change seen
// before the call). It asks the builder for a fingerprint check when
// ProbeInterval has passed, and for a new snapshot past MaxAge.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
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
		s.gen++
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
	fp, err := s.fingerprint(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if fp != snap.fingerprint { // even with a build under way: it may have read the data before this change
		s.gen++
		s.b.kick()
	}
	s.mu.Unlock()
	return nil
}

// fingerprintTables are the append-only tables whose new rows make data
// visible or change it; their row counts change whenever anything shown does.
var fingerprintTables = []string{"submissions", "smhi_releases", "members", "municipalities", "counties", "population"}

func (s *Service) fingerprint(ctx context.Context) (string, error) {
	var parts []string
	for _, t := range fingerprintTables {
		parts = append(parts, "SELECT '"+t+"' AS t, count() AS n FROM "+t)
	}
	var rows []struct {
		T string `ch:"t"`
		N uint64 `ch:"n"`
	}
	if err := s.Data.National.DB.Select(ctx, &rows, strings.Join(parts, " UNION ALL ")); err != nil {
		return "", unavailable(err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].T < rows[j].T })
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s=%d;", r.T, r.N)
	}
	return b.String(), nil
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

	fingerprint string
	data        figures.Data
	muni        map[string]kr.Municipality
	names       map[string]string
	member      map[string]members.Member
	smhi        figures.SMHI // municipalities, counties, "00"
	memo        *memo
}

func (s *Service) load(ctx context.Context, gen uint64) (*Snapshot, error) {
	fp, err := s.fingerprint(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	maxMemo, maxBytes := s.MaxMemo, s.MaxBodyBytes
	if maxMemo <= 0 {
		maxMemo = DefaultMaxMemo
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	snap := &Snapshot{Generation: gen, Loaded: now, Today: now, AsOf: now.Year(), fingerprint: fp, data: s.Data,
		muni: map[string]kr.Municipality{}, member: map[string]members.Member{}, memo: newMemo(maxMemo, maxBytes)}
	nat := s.Data.National
	if snap.Municipalities, err = nat.Municipalities(ctx); err != nil {
		return nil, unavailable(err)
	}
	if snap.Counties, err = nat.Counties(ctx); err != nil {
		return nil, unavailable(err)
	}
	for _, m := range snap.Municipalities {
		snap.muni[m.Code] = m
	}
	snap.names = figures.Names(snap.Municipalities, snap.Counties)
	if snap.Population, err = s.Data.Populations(ctx); err != nil {
		return nil, unavailable(err)
	}
	if s.Members != nil {
		if snap.Members, err = s.Members.All(ctx); err != nil {
			return nil, unavailable(err)
		}
		for _, m := range snap.Members {
			snap.member[m.Code] = m
		}
	}
	areas := []string{"00"}
	for _, c := range snap.Counties {
		areas = append(areas, c.Code)
	}
	if snap.smhi, err = s.Data.SMHI(ctx, nil, areas); err != nil {
		return nil, unavailable(err)
	}
	snap.Substance, snap.Unit, snap.Release = snap.smhi.Substance, snap.smhi.Unit, snap.smhi.Release
	return snap, nil
}

// Memo returns the result of build for key, computing it once per snapshot
// while it stays among the kept results (concurrent callers wait for the
// first). Errors are not kept.
func (snap *Snapshot) Memo(key string, build func() (any, error)) (any, error) {
	return snap.memoize(key, func() (any, int64, error) {
		v, err := build()
		return v, 0, err
	})
}

// Body returns the rendered answer for key, rendering it once per snapshot
// with build. Rendered answers share a byte budget (Service.MaxBodyBytes);
// past it the least recently used are dropped.
func (snap *Snapshot) Body(key string, build func() (*Body, error)) (*Body, error) {
	v, err := snap.memoize("body:"+key, func() (any, int64, error) {
		b, err := build()
		if err != nil {
			return nil, 0, err
		}
		if b.ETag == "" {
			sum := sha256.Sum256(b.Bytes)
			b.ETag = `"` + hex.EncodeToString(sum[:12]) + `"`
		}
		return b, int64(len(b.Bytes)), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Body), nil
}

func (snap *Snapshot) memoize(key string, build func() (any, int64, error)) (any, error) {
	return snap.memo.do(key, build)
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

// Reported returns the reported figures of the given municipalities (all
// with reports for nil), memoised.
func (snap *Snapshot) Reported(ctx context.Context, codes []string) (map[string]*figures.Reported, error) {
	key := "reported:*"
	if codes != nil && len(codes) == 0 {
		return map[string]*figures.Reported{}, nil
	}
	if codes != nil {
		sorted := append([]string(nil), codes...)
		sort.Strings(sorted)
		key = "reported:" + strings.Join(sorted, ",")
	}
	v, err := snap.Memo(key, func() (any, error) { return snap.data.ReportedSeries(ctx, codes, 0, 0) })
	if err != nil {
		return nil, err
	}
	return v.(map[string]*figures.Reported), nil
}
