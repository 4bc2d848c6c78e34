package pages_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// defaultPages are the pages warmed into every new snapshot: the overview,
// the ranking and every municipality's, with their default parameters.
func defaultPages(snap *publish.Snapshot) []string {
	paths := []string{"/", "/rangordning"}
	for _, m := range snap.Municipalities {
		paths = append(paths, "/kommun/"+m.Code)
	}
	return paths
}

// TestWarmedPagesAreKept: a new snapshot is published with the default
// pages already rendered into it (the overview, the ranking and every
// municipality's page), they stay kept however many other answers a
// crawler makes the memo hold, and a request is served exactly that page.
func TestWarmedPagesAreKept(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		f.Published.WarmTimeout = time.Minute
		if _, err := f.Published.Refresh(ctx); err != nil { // the first is published before it is warmed
			t.Fatal(err)
		}
		snap, err := f.Published.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		paths := defaultPages(snap)
		if len(paths) != 292 {
			t.Fatalf("%d pages to check, want 292", len(paths))
		}
		// A crawler then fills the memo past its bounds with answers of its
		// own: the pages rendered ahead are still memory hits.
		crawl := bytes.Repeat([]byte("x"), 8<<10)
		for i := range publish.DefaultMaxMemo + 100 {
			if _, err := snap.Body(ctx, publish.KeyOf(fmt.Sprintf("page:/jamfor-crawl-%d", i), nil, nil), func() (*publish.Body, error) {
				return &publish.Body{Bytes: crawl}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		entries, bodyBytes := snap.Kept()
		t.Logf("warmed, then crawled: %d entries, %d bytes", entries, bodyBytes)
		var renders int
		kept := map[string][]byte{}
		for _, path := range paths {
			b, err := snap.Body(ctx, publish.KeyOf("page:"+path, nil, nil), func() (*publish.Body, error) {
				renders++
				return &publish.Body{Bytes: []byte("not warmed")}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			kept[path] = b.Bytes
		}
		if renders != 0 {
			t.Errorf("%d of %d default pages were not kept: not rendered before the snapshot was published, or pushed out by the crawl", renders, len(paths))
		}
		for _, path := range []string{"/", "/rangordning", "/kommun/1281", "/kommun/2584"} {
			if r := testworld.Get(t, f.url+path); r.Status != 200 || !bytes.Equal(r.Body, kept[path]) {
				t.Errorf("%s: %d, served the warmed page: %v", path, r.Status, bytes.Equal(r.Body, kept[path]))
			}
		}
	})
}
