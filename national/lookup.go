package national

import (
	"context"
	"sync"
)

// Lookup answers validation's questions from the stored national data: is
// a code a municipality or county, what is a municipality's code from its
// name, what are SMHI's figures for it (it implements submissions.Lookup).
// It caches per municipality and forgets everything when Invalidate is
// called after an import.
type Lookup struct {
	Store *Store

	mu    sync.Mutex
	codes map[string]bool                // nil until loaded
	smhi  map[string]map[smhiKey]float64 // per municipality
}

type smhiKey struct {
	year   int
	sector string
}

// Invalidate drops the caches.
func (r *Lookup) Invalidate() {
	r.mu.Lock()
	r.codes, r.smhi = nil, nil
	r.mu.Unlock()
}

// KnownCode reports whether code is a stored municipality or county; ok is
// false when no municipality list has been imported.
func (r *Lookup) KnownCode(ctx context.Context, code string) (known, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.codes == nil {
		munis, err := r.Store.Municipalities(ctx)
		if err != nil {
			return false, false
		}
		counties, err := r.Store.Counties(ctx)
		if err != nil {
			return false, false
		}
		r.codes = map[string]bool{}
		for _, m := range munis {
			r.codes[m.Code] = true
		}
		for _, c := range counties {
			r.codes[c.Code] = true
		}
	}
	if len(r.codes) == 0 {
		return false, false
	}
	return r.codes[code], true
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
