package storage_test

import (
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// Several claims on one key at the same moment, as from several instances:
// exactly one wins; once it is released the next claim wins, and a claim on
// another key is never held up.
func TestClaimsEarliestWins(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Migrated(t, e)
			c := storage.Claims{DB: db, Scope: "test", Settle: storage.DefaultSettle}
			var mu sync.Mutex
			var won []string
			var wg sync.WaitGroup
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id, ok, err := c.Acquire(ctx, "k")
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						won = append(won, id)
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if len(won) != 1 {
				t.Fatalf("%d claims won at once, want 1", len(won))
			}
			if _, ok, err := c.Acquire(ctx, "k"); err != nil || ok {
				t.Fatalf("a claim won while another holds the key (err %v)", err)
			}
			if _, ok, err := c.Acquire(ctx, "other"); err != nil || !ok {
				t.Fatalf("a claim on another key lost (err %v)", err)
			}
			if err := c.Release(ctx, "k", won[0]); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := c.Acquire(ctx, "k"); err != nil || !ok {
				t.Fatalf("the claim after a release lost (err %v)", err)
			}
		})
	}
}
