package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/engines"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// TestRequestsBesideBusyBackground holds every connection of the server
// engine's background pool with long queries and asks, through the real
// router, for an officer's page and the readiness check: the session lookup and the submission
// history run on the request pool and answer, where with one pool they
// wait for a connection until the deadline. Only a ClickHouse server has
// two pools; chDB runs every call on its one connection.
func TestRequestsBesideBusyBackground(t *testing.T) {
	ctx := context.Background()
	name := storagetest.NewDatabaseName()
	pools := engines.Pools{Requests: 2, Background: 2}
	db, err := engines.OpenPools(ctx, storagetest.ServerDSN(t), name, pools)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Error(err)
		}
		db.Close()
	})
	if _, err := schema.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	w := testworld.Over(t, db, testworld.Options{})
	ts := w.Serve(t, "")
	secret := officerSession(t, w)
	if _, err := w.Published.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	// Every background connection runs a query of some 30 s, cancelled
	// when the test ends.
	busy, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	t.Cleanup(func() { stop(); wg.Wait() })
	marker := "busy_" + name
	for range pools.Background {
		wg.Go(func() {
			var rows []struct {
				S uint8 `ch:"s"`
			}
			db.Select(busy, &rows, "SELECT sleepEachRow(1) AS s, '"+marker+"' AS m FROM numbers(30) SETTINGS max_block_size = 1")
		})
	}
	waitRunning(t, db, marker, pools.Background)

	deadline, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(deadline, http.MethodGet, ts.URL+"/rapportera", nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: secret})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /rapportera signed in, with the background pool busy: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /rapportera signed in: status %d", res.StatusCode)
	}
	// The readiness check asks the request pool too: busy background
	// work does not take the instance out of a load balancer.
	if r := testworld.Get(t, ts.URL+"/readyz"); r.Status != http.StatusOK {
		t.Errorf("GET /readyz with the background pool busy: %d %s", r.Status, r.Body)
	}
}

// officerSession creates an officer's account in w and returns the secret
// of a session of it, as its cookie carries it.
func officerSession(t testing.TB, w *testworld.World) string {
	t.Helper()
	ctx := context.Background()
	acc, err := w.Accounts.Create(ctx, kr.System(), "anna@example.se", kr.RoleOfficer, "1281", "ett långt lösenord 1")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := w.Accounts.StartSession(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// waitRunning waits until n queries naming marker run on the server.
func waitRunning(t *testing.T, db storage.DB, marker string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(storage.ForRequest(context.Background()), 20*time.Second)
	defer cancel()
	for {
		var rows []struct {
			N uint64 `ch:"n"`
		}
		err := db.Select(ctx, &rows, "SELECT count() AS n FROM system.processes WHERE position(query, ?) > 0 AND position(query, 'system.processes') = 0", marker)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 1 && int(rows[0].N) >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the background queries did not start: %v", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestBackgroundPriority checks that the server accepts the pools'
// priorities (18.16 and current releases have the setting) and that each
// pool's queries carry their own.
func TestBackgroundPriority(t *testing.T) {
	ctx := context.Background()
	name := storagetest.NewDatabaseName()
	db, err := engines.OpenPools(ctx, storagetest.ServerDSN(t), name, engines.DefaultPools())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec(ctx, "DROP DATABASE IF EXISTS "+name); db.Close() })
	for _, c := range []struct {
		ctx  context.Context
		want string
	}{{storage.ForRequest(ctx), "1"}, {ctx, "2"}, {storage.ForBackground(storage.ForRequest(ctx)), "2"}} {
		var rows []struct {
			V string `ch:"value"`
		}
		if err := db.Select(c.ctx, &rows, "SELECT value FROM system.settings WHERE name = 'priority'"); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || strings.TrimSpace(rows[0].V) != c.want {
			t.Errorf("priority %v, want %s", rows, c.want)
		}
	}
}
