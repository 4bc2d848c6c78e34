package members_test

import (
	"context"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestJoinAndUpdate(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		clock := d("2026-01-01")
		r := &members.Register{DB: db, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
		m, err := r.Join(ctx, kr.System, members.Member{Code: "1281", Joined: d("2026-02-01"),
			Officer: members.Contact{Name: "Anna Andersson", Email: "anna@lund.se"}}, true, 0)
		if err != nil || m.ObserverUntil == nil || m.ObserverUntil.Format(time.DateOnly) != "2027-02-01" || m.Officer.Email != "anna@lund.se" {
			t.Fatalf("join: %+v %v", m, err)
		}
		if _, err := r.Join(ctx, kr.System, members.Member{Code: "1281", Joined: d("2026-03-01")}, false, 0); kr.KindOf(err) != kr.Conflict {
			t.Errorf("join twice: %v", err)
		}
		if _, err := r.Join(ctx, kr.System, members.Member{Code: "1280", Joined: d("2026-03-01"),
			Official: members.Contact{Email: "inte en adress"}}, false, 0); kr.KindOf(err) != kr.Invalid {
			t.Errorf("bad e-mail: %v", err)
		}
		official := members.Contact{Name: " Bertil Berg ", Email: "bertil@lund.se"}
		m, err = r.Update(ctx, kr.System, "1281", members.Change{Official: &official, ClearObserver: true})
		if err != nil || m.Official.Name != "Bertil Berg" || m.ObserverUntil != nil || m.Officer.Email != "anna@lund.se" {
			t.Fatalf("update: %+v %v", m, err)
		}
		for _, c := range []members.Change{{}, {ClearObserver: true, ObserverUntil: &clock}} {
			if _, err := r.Update(ctx, kr.System, "1281", c); kr.KindOf(err) != kr.Invalid {
				t.Errorf("%+v: %v", c, err)
			}
		}
		if _, err := r.Update(ctx, kr.System, "0180", members.Change{ClearObserver: true}); kr.KindOf(err) != kr.NotFound {
			t.Errorf("update a non-member: %v", err)
		}
		early := d("2020-01-01")
		if _, err := r.Update(ctx, kr.System, "1281", members.Change{ObserverUntil: &early}); kr.KindOf(err) != kr.Invalid {
			t.Errorf("observer period ending before joining: %v", err)
		}
		hist, err := r.History(ctx, "1281")
		if err != nil || len(hist) != 2 || hist[0].Official.Name != "" || hist[1].Official.Name != "Bertil Berg" {
			t.Fatalf("history: %+v %v", hist, err)
		}
	})
}
