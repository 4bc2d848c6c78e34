package clustersuite

import (
	"errors"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// The login throttle and sessions hold across two instances: a session
// started on one is valid on the other and, ended, on neither; wrong
// passwords spread over both instances are counted together.
func TestClusterLoginAndSessions(t *testing.T) {
	c := newCluster(t)
	dbs := []storage.DB{c.instance(t), c.instance(t)}
	c.migrate(t, dbs[0])
	var w [2]*testworld.World
	for i, db := range dbs {
		w[i] = testworld.Over(t, db, testworld.Options{})
		w[i].Accounts.CacheTTL = time.Millisecond
	}
	const email, password = "anna@lund.se", "korrekt häst batteri häftstift"
	if _, err := w[0].Accounts.Create(ctx, kr.System(), email, kr.RoleOfficer, "1281", password); err != nil {
		t.Fatal(err)
	}
	acc, err := w[0].Throttle.Login(ctx, accounts.Attempt{Email: email, Password: password, Remote: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := w[0].Accounts.StartSession(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := w[1].Accounts.Session(ctx, secret); err != nil || !ok {
		t.Fatalf("a session started on instance 1 is not valid on instance 2 (err %v)", err)
	}
	if err := w[0].Accounts.EndSession(ctx, secret); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if _, ok, err := w[1].Accounts.Session(ctx, secret); err != nil || ok {
		t.Fatalf("a session ended on instance 1 is still valid on instance 2 (err %v)", err)
	}

	free := accounts.NewThrottle(nil).Account.Free
	for i := range free {
		_, err := w[i%2].Throttle.Login(ctx, accounts.Attempt{Email: email, Password: "fel", Remote: "192.0.2.2"})
		if !errors.Is(err, accounts.ErrBadLogin) {
			t.Fatalf("wrong password %d: %v, want ErrBadLogin", i+1, err)
		}
	}
	refused := 0
	for i := range 2 {
		if _, err := w[i].Throttle.Login(ctx, accounts.Attempt{Email: email, Password: password, Remote: "192.0.2.3"}); kr.KindOf(err) == kr.Throttled {
			refused++
		} else {
			t.Errorf("instance %d let a login through after %d wrong passwords spread over both (err %v)", i+1, free, err)
		}
	}
	figure(t, "login throttle over two instances: %d wrong passwords spread, then %d of 2 logins refused; sessions shared: yes", free, refused)
}
