package analytics

import "math"

// ChangeSince returns the total change, in per cent, from the base year to the
// last year of s:
//
//	pct = 100 * (E_L - E_base) / E_base
//
// where L is the last year with data. ok is false when s is invalid, has no
// value for base, has no year after base, or E_base is not positive (a change
// relative to zero or a negative total means nothing).
//
// This is the plain total change ("−23 % sedan 1990"). What Klimatkollen calls
// "change since 2015" is the compound annual rate: use AnnualRate(s, 2015).
func ChangeSince(s Series, base int) (pct float64, ok bool) {
	if s.Valid() != nil {
		return 0, false
	}
	eb, found := s.Value(base)
	last, _ := s.Last()
	if !found || last.Year <= base || eb <= 0 {
		return 0, false
	}
	return 100 * (last.Tonnes - eb) / eb, true
}

// AnnualRate returns the compound annual rate of change, in per cent a year,
// from year from to the last year L of s (Klimatkollen's "change since 2015"
// with from = 2015):
//
//	pct = 100 * ((E_L / E_from)^(1/(L-from)) - 1)
//
// ok is false when s is invalid, has no value for from, has no year after
// from, E_from is not positive or E_L is negative. E_L = 0 gives −100 %.
func AnnualRate(s Series, from int) (pct float64, ok bool) {
	if s.Valid() != nil {
		return 0, false
	}
	ef, found := s.Value(from)
	if !found {
		return 0, false
	}
	last, _ := s.Last()
	return compoundRate(ef, last.Tonnes, last.Year-from)
}

// compoundRate is 100*((to/from)^(1/years) - 1): the constant yearly rate, in
// per cent, that turns from into to in the given number of years.
func compoundRate(from, to float64, years int) (float64, bool) {
	if years <= 0 || !(from > 0) || !(to >= 0) || math.IsInf(from, 0) || math.IsInf(to, 0) {
		return 0, false
	}
	return 100 * (math.Pow(to/from, 1/float64(years)) - 1), true
}
