package publish

import (
	"context"
	"slices"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/members"
)

// next makes the snapshot of generation gen: from the published one prev
// when only reports changed (update), else in full (load). touched are the
// areas this instance committed for since prev; the fingerprint names the
// others'.
func (s *Service) next(ctx context.Context, prev *Snapshot, gen uint64, full bool, touched []string) (*Snapshot, error) {
	fp, err := readFingerprint(ctx, s.Data.National.DB)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if prev == nil || full || fp.tables != prev.fingerprint.tables || !sameDay(now, prev.Today) {
		return s.load(ctx, gen, fp, now)
	}
	changed := fp.changedAreas(prev.fingerprint)
	for _, c := range touched {
		if !slices.Contains(changed, c) {
			changed = append(changed, c)
		}
	}
	return s.update(ctx, prev, gen, fp, now, changed)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// memoBounds returns the memo's bounds, defaults filled in.
func (s *Service) memoBounds() (entries int, bytes int64) {
	entries, bytes = s.MaxMemo, s.MaxBodyBytes
	if entries <= 0 {
		entries = DefaultMaxMemo
	}
	if bytes <= 0 {
		bytes = DefaultMaxBodyBytes
	}
	return entries, bytes
}

// load reads a whole snapshot: SCB's registers and population, the members
// register, SMHI's published release, and every area's reports.
func (s *Service) load(ctx context.Context, gen uint64, fp fingerprint, now time.Time) (*Snapshot, error) {
	snap := &Snapshot{Generation: gen, Loaded: now, Today: now, AsOf: now.Year(), fingerprint: fp,
		muni: map[string]kr.Municipality{}, member: map[string]members.Member{}, memo: newMemo(s.memoBounds())}
	nat := s.Data.National
	var err error
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
	if snap.smhiSubs, err = s.Data.SMHISubsectors(ctx, snap.Release); err != nil {
		return nil, unavailable(err)
	}
	if err = s.loadPrevious(ctx, snap, areas); err != nil {
		return nil, unavailable(err)
	}
	if snap.reports, err = loadReports(ctx, s.Data, nil); err != nil {
		return nil, err
	}
	return snap, nil
}

// update makes the next snapshot from prev when only the reports of the
// changed areas differ: everything else is prev's (read-only, so shared),
// the changed areas' reports are read again, and prev's kept answers about
// other areas are carried over; aggregates are computed again.
func (s *Service) update(ctx context.Context, prev *Snapshot, gen uint64, fp fingerprint, now time.Time, changed []string) (*Snapshot, error) {
	snap := *prev
	snap.Generation, snap.Loaded, snap.Today, snap.AsOf, snap.fingerprint = gen, now, now, now.Year(), fp
	if len(changed) > 0 {
		fresh, err := loadReports(ctx, s.Data, changed)
		if err != nil {
			return nil, err
		}
		snap.reports = prev.reports.replaced(changed, fresh)
	}
	gone := map[string]bool{}
	for _, c := range changed {
		gone[c] = true
		if m, ok := prev.muni[c]; ok {
			gone[m.CountyCode] = true // a county's answers may sum its municipalities'
		}
	}
	entries, bytes := s.memoBounds()
	snap.memo = prev.memo.carried(entries, bytes, gone)
	return &snap, nil
}
