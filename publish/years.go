package publish

import (
	"strconv"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// CheckAsOf validates an as-of year (0 means the snapshot's default): at
// most the last year the trend accepts (analytics.EndYear).
func (snap *Snapshot) CheckAsOf(asOf int) (int, error) {
	if asOf == 0 {
		return snap.AsOf, nil
	}
	if asOf < kr.FirstYear || asOf > analytics.EndYear {
		return 0, kr.E(kr.Invalid, "as_of ska vara ett årtal mellan %d och %d.", kr.FirstYear, analytics.EndYear)
	}
	return asOf, nil
}

// ParseYear reads an optional year parameter ("" → 0).
func ParseYear(name, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < kr.FirstYear || y > 2100 {
		return 0, kr.E(kr.Invalid, "%s ska vara ett årtal mellan %d och 2100.", name, kr.FirstYear)
	}
	return y, nil
}
