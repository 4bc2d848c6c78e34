package national

import (
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

func TestComparedReleases(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	rels := []Release{{ID: "c", ReleaseDate: day("2026-06-01")}, {ID: "b", ReleaseDate: day("2025-06-01")}, {ID: "a", ReleaseDate: day("2024-06-01")}}
	for _, tc := range []struct {
		from, to     string
		older, newer string
	}{
		{"", "", "b", "c"},
		{"2024-06-01", "", "a", "c"},
		{"2024-12-31", "2025-07-01", "a", "b"},
		{"", "2025-06-01", "a", "b"},
		{"", "2024-07-01", "", "a"},
		{"2026-01-01", "2026-01-01", "b", "b"},
	} {
		o, n, err := ComparedReleases(rels, tc.from, tc.to)
		if err != nil || o.ID != tc.older || n.ID != tc.newer {
			t.Errorf("from %q to %q: %q, %q, %v; want %q, %q", tc.from, tc.to, o.ID, n.ID, err, tc.older, tc.newer)
		}
	}
	for _, tc := range []struct{ from, to string }{
		{"2025-13-01", ""}, {"", "1 juni"}, {"2026-01-01", "2025-01-01"}, {"2020-01-01", ""}, {"", "2024-05-31"},
	} {
		if _, _, err := ComparedReleases(rels, tc.from, tc.to); kr.KindOf(err) != kr.Invalid {
			t.Errorf("from %q to %q: %v, want invalid", tc.from, tc.to, err)
		}
	}
	if o, n, err := ComparedReleases(rels[2:], "", ""); err != nil || o.ID != "" || n.ID != "a" {
		t.Errorf("one release: %q, %q, %v", o.ID, n.ID, err)
	}
}
