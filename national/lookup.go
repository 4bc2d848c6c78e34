package national

import (
	"context"
	"sync"
)

// Lookup answers validation's questions from the stored national data: is
// a code a municipality or county, what is a municipality's code from its
// name (both through the store's cached place names, Store.Names), what are
// SMHI's figures for it (it implements submissions.Lookup). It caches SMHI's
// figures per municipality and forgets them when Invalidate is called after
// an import.
type Lookup struct {
	Store *Store

	mu   sync.Mutex
	smhi map[string]map[smhiKey]float64 // per municipality
}

type smhiKey struct {
	year   int
	sector string
}

// Invalidate drops the cache.
func (r *Lookup) Invalidate() {
	r.mu.Lock()
	r.smhi = nil
	r.mu.Unlock()
}

// KnownCode reports whether code is a stored municipality or county; ok is
// false when no municipality list has been imported.
func (r *Lookup) KnownCode(ctx context.Context, code string) (known, ok bool) {
	names, err := r.Store.Names(ctx)
	if err != nil {
		return false, false
	}
	_, muni := names.MunicipalityByCode(code)
	_, county := names.CountyByCode(code)
	return muni || county, true
}

// SMHISector returns SMHI's figure for all greenhouse gases (GGT, newest
// release) for a municipality, year and main sector.
func (r *Lookup) SMHISector(ctx context.Context, code string, year int, sector string) (float64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.smhi == nil {
		r.smhi = map[string]map[smhiKey]float64{}
	}
	m, ok := r.smhi[code]
	if !ok {
		m = map[smhiKey]float64{}
		vals, _, err := r.Store.Values(ctx, Query{Codes: []string{code}, BySector: true, Substance: AllGHG})
		if err != nil {
			return 0, false
		}
		for _, v := range vals {
			m[smhiKey{int(v.Year), v.Sector}] = v.Tonnes
		}
		r.smhi[code] = m
	}
	v, ok := m[smhiKey{year, sector}]
	return v, ok
}

// CodeForName resolves a municipality name through the stored list.
func (r *Lookup) CodeForName(name string) (string, bool) {
	names, err := r.Store.Names(context.Background())
	if err != nil {
		return "", false
	}
	return names.Municipality(name)
}

// CodeForCounty resolves a county name through the stored list.
func (r *Lookup) CodeForCounty(name string) (string, bool) {
	names, err := r.Store.Names(context.Background())
	if err != nil {
		return "", false
	}
	return names.County(name)
}
