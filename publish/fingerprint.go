package publish

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// fingerprint is a cheap summary of the data the snapshot shows, read from
// the database: the row counts of the append-only tables that make national
// data and the register visible or change them, and the number of
// submissions per municipality. The builder compares it with the published
// snapshot's to see whether (and whose) data changed, also when another
// instance wrote it.
type fingerprint struct {
	tables      string            // "counties=21;members=4;…"
	submissions map[string]uint64 // municipality (or region) code → submissions stored
}

// fingerprintTables are the append-only tables whose new rows change what
// every page shows (a new SMHI release, a member, SCB's registers).
var fingerprintTables = []string{"smhi_releases", "members", "municipalities", "counties", "population"}

func readFingerprint(ctx context.Context, db storage.DB) (fingerprint, error) {
	var parts []string
	for _, t := range fingerprintTables {
		parts = append(parts, "SELECT '"+t+"' AS t, '' AS code, count() AS n FROM "+t)
	}
	parts = append(parts, "SELECT 'submissions' AS t, municipality_code AS code, count() AS n FROM submissions GROUP BY municipality_code")
	var rows []struct {
		T    string `ch:"t"`
		Code string `ch:"code"`
		N    uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &rows, strings.Join(parts, " UNION ALL ")); err != nil {
		return fingerprint{}, unavailable(err)
	}
	f := fingerprint{submissions: map[string]uint64{}}
	counts := map[string]uint64{}
	for _, r := range rows {
		if r.T == "submissions" {
			f.submissions[r.Code] = r.N
		} else {
			counts[r.T] = r.N
		}
	}
	var b strings.Builder
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&b, "%s=%d;", t, counts[t])
	}
	f.tables = b.String()
	return f, nil
}

func (f fingerprint) equal(g fingerprint) bool {
	return f.tables == g.tables && maps.Equal(f.submissions, g.submissions)
}

// changedAreas returns the areas whose submissions differ between prev and
// f, sorted.
func (f fingerprint) changedAreas(prev fingerprint) []string {
	var out []string
	for code, n := range f.submissions {
		if prev.submissions[code] != n {
			out = append(out, code)
		}
	}
	for code := range prev.submissions {
		if _, ok := f.submissions[code]; !ok {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}
