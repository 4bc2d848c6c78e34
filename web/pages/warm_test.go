package pages_test

import (
	"bytes"
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
// municipality's page), within the memo's default bounds, and a request
// is served exactly that page.
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
		var renders int
		kept := map[string][]byte{}
		for _, path := range paths {
			b, err := snap.Body(publish.KeyOf("page:"+path, nil, nil), func() (*publish.Body, error) {
				renders++
				return &publish.Body{Bytes: []byte("not warmed")}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			kept[path] = b.Bytes
		}
		// The warmed set leaves the memo's default bounds room for more.
		entries, bodyBytes := snap.Kept()
		t.Logf("warmed: %d entries, %d bytes of pages", entries, bodyBytes)
		if entries > publish.DefaultMaxMemo/2 || bodyBytes > publish.DefaultMaxBodyBytes/2 {
			t.Errorf("the warmed set takes %d entries and %d bytes, more than half the defaults", entries, bodyBytes)
		}
		if renders != 0 {
			t.Errorf("%d of %d default pages were not rendered before the snapshot was published", renders, len(paths))
		}
		for _, path := range []string{"/", "/rangordning", "/kommun/1281", "/kommun/2584"} {
			if r := testworld.Get(t, f.url+path); r.Status != 200 || !bytes.Equal(r.Body, kept[path]) {
				t.Errorf("%s: %d, served the warmed page: %v", path, r.Status, bytes.Equal(r.Body, kept[path]))
			}
		}
	})
}
