package pages_test

import (
	"net/url"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// Allocations per uncached render, measured when the bounds were set:
// /jamfor with 12 municipalities about 2 850, /rangordning with a sort key
// or order not rendered before about 2 050. With the table partial in
// html/template, every ranking formatting its 3 000 figures anew and three
// boxed numbers per chart point they were some 15 400 and 87 700. The
// bounds leave room for small changes, not for that cost to come back.
const (
	maxAllocsJamfor12    = 4500
	maxAllocsRangordning = 3500
)

// TestRenderAllocations bounds the allocations of rendering a page no
// snapshot has kept, which track its CPU cost without depending on the
// machine's speed: /jamfor with 12 municipalities (a new set each run) and
// /rangordning (a new sort key or order each run, its metrics computed).
func TestRenderAllocations(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		r := newRenderer(f)
		defer r.svc.Close()
		codes := municipalityCodes(t, r.svc)
		r.get(t, "/rangordning") // the metrics of the year, computed once per snapshot
		jamfor := randomSets(codes, 12, nil)
		if n := testing.AllocsPerRun(10, func() { r.get(t, jamfor(r)) }); n > maxAllocsJamfor12 {
			t.Errorf("/jamfor with 12 municipalities: %.0f allocations per uncached render, want at most %d", n, maxAllocsJamfor12)
		} else {
			t.Logf("/jamfor with 12 municipalities: %.0f allocations per uncached render", n)
		}
		var rankings []string
		for _, key := range append([]string{"namn"}, metricNames()...) {
			for _, order := range []string{"desc", "asc"} {
				rankings = append(rankings, "/rangordning?"+url.Values{"sortera": {key}, "ordning": {order}}.Encode())
			}
		}
		i := 0
		if n := testing.AllocsPerRun(10, func() { r.get(t, rankings[i]); i++ }); n > maxAllocsRangordning {
			t.Errorf("/rangordning: %.0f allocations per uncached render, want at most %d", n, maxAllocsRangordning)
		} else {
			t.Logf("/rangordning: %.0f allocations per uncached render", n)
		}
	})
}
