package members_test

import (
	"context"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

func d(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

// register is a register on db whose clock advances a second at each reading.
func register(db storage.DB) *members.Register {
	clock := d("2026-01-01")
	return &members.Register{DB: db, Now: func() time.Time { clock = clock.Add(time.Second); return clock }}
}

func TestRegister(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		r := register(db)
		lund, err := r.Add(ctx, kr.System(), "1281", d("2019-05-01"), false, 0)
		if err != nil || lund.Kind != members.KindMunicipality || lund.ObserverUntil != nil {
			t.Fatalf("add: %+v %v", lund, err)
		}
		obs, err := r.Add(ctx, kr.System(), "12", d("2026-02-01"), true, 0)
		if err != nil || obs.Kind != members.KindRegion || obs.ObserverUntil == nil || obs.ObserverUntil.Format(time.DateOnly) != "2027-02-01" {
			t.Fatalf("observer region: %+v %v", obs, err)
		}
		if !obs.Observer(d("2026-12-31")) || obs.Observer(d("2027-02-01")) {
			t.Error("observer period wrong")
		}
		if _, err := r.Add(ctx, kr.System(), "1281", d("2020-01-01"), false, 0); kr.KindOf(err) != kr.Conflict {
			t.Errorf("adding a member twice: %v", err)
		}
		for _, bad := range []string{"128", "12345", "1281'--", ""} {
			if _, err := r.Add(ctx, kr.System(), bad, d("2020-01-01"), false, 0); kr.KindOf(err) != kr.Invalid {
				t.Errorf("code %q: %v", bad, err)
			}
		}
		lund.Officer = members.Contact{Name: "Anna Andersson", Email: "anna@lund.se"}
		lund.Official = members.Contact{Name: "Bertil Berg", Email: "bertil@lund.se"}
		if _, err := r.Save(ctx, kr.System(), lund); err != nil {
			t.Fatal(err)
		}
		if _, err := r.End(ctx, kr.System(), "1281", d("2026-06-30")); err != nil {
			t.Fatal(err)
		}
		got, ok, err := r.Get(ctx, "1281")
		if err != nil || !ok || got.Ended == nil || got.Officer.Email != "anna@lund.se" || !got.Active(d("2026-06-29")) || got.Active(d("2026-06-30")) {
			t.Fatalf("after end: %+v %v", got, err)
		}
		hist, _ := r.History(ctx, "1281")
		if len(hist) != 3 || hist[0].Officer.Email != "" {
			t.Fatalf("history keeps every change: %d entries", len(hist))
		}
		all, _ := r.All(ctx)
		if len(all) != 2 {
			t.Fatalf("all: %d", len(all))
		}
	})
}

func TestJoinAndUpdate(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		r := register(db)
		m, err := r.Join(ctx, kr.System(), members.Member{Code: "1281", Joined: d("2026-02-01"),
			Officer: members.Contact{Name: "Anna Andersson", Email: "anna@lund.se"}}, true, 0)
		if err != nil || m.ObserverUntil == nil || m.ObserverUntil.Format(time.DateOnly) != "2027-02-01" || m.Officer.Email != "anna@lund.se" {
			t.Fatalf("join: %+v %v", m, err)
		}
		if _, err := r.Join(ctx, kr.System(), members.Member{Code: "1281", Joined: d("2026-03-01")}, false, 0); kr.KindOf(err) != kr.Conflict {
			t.Errorf("join twice: %v", err)
		}
		if _, err := r.Join(ctx, kr.System(), members.Member{Code: "1280", Joined: d("2026-03-01"),
			Official: members.Contact{Email: "inte en adress"}}, false, 0); kr.KindOf(err) != kr.Invalid {
			t.Errorf("bad e-mail: %v", err)
		}
		official := members.Contact{Name: " Bertil Berg ", Email: "bertil@lund.se"}
		m, err = r.Update(ctx, kr.System(), "1281", members.Change{Official: &official, ClearObserver: true})
		if err != nil || m.Official.Name != "Bertil Berg" || m.ObserverUntil != nil || m.Officer.Email != "anna@lund.se" {
			t.Fatalf("update: %+v %v", m, err)
		}
		later := d("2027-06-01")
		for _, c := range []members.Change{{}, {ClearObserver: true, ObserverUntil: &later}} {
			if _, err := r.Update(ctx, kr.System(), "1281", c); kr.KindOf(err) != kr.Invalid {
				t.Errorf("%+v: %v", c, err)
			}
		}
		if _, err := r.Update(ctx, kr.System(), "0180", members.Change{ClearObserver: true}); kr.KindOf(err) != kr.NotFound {
			t.Errorf("update a non-member: %v", err)
		}
		early := d("2020-01-01")
		if _, err := r.Update(ctx, kr.System(), "1281", members.Change{ObserverUntil: &early}); kr.KindOf(err) != kr.Invalid {
			t.Errorf("observer period ending before joining: %v", err)
		}
		hist, err := r.History(ctx, "1281")
		if err != nil || len(hist) != 2 || hist[0].Official.Name != "" || hist[1].Official.Name != "Bertil Berg" {
			t.Fatalf("history: %+v %v", hist, err)
		}
	})
}

// TestRejoinAndClearObserver: a member whose membership ended and who joins
// again is a member again, and an observer period removed stays removed:
// the current entry's empty dates are empty, not the last dates set.
func TestRejoinAndClearObserver(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		r := register(db)
		if _, err := r.Add(ctx, kr.System(), "1281", d("2019-05-01"), true, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Update(ctx, kr.System(), "1281", members.Change{ClearObserver: true}); err != nil {
			t.Fatal(err)
		}
		if m, _, err := r.Get(ctx, "1281"); err != nil || m.ObserverUntil != nil {
			t.Fatalf("the observer period removed: %+v %v", m, err)
		}
		if _, err := r.End(ctx, kr.System(), "1281", d("2024-06-30")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Join(ctx, kr.System(), members.Member{Code: "1281", Joined: d("2025-01-01")}, false, 0); err != nil {
			t.Fatal(err)
		}
		m, _, err := r.Get(ctx, "1281")
		if err != nil || m.Ended != nil || !m.Active(d("2026-01-01")) {
			t.Fatalf("joined again: %+v %v", m, err)
		}
		if _, err := r.End(ctx, kr.System(), "1281", d("2026-06-30")); err != nil {
			t.Errorf("ending the new membership: %v", err)
		}
	})
}

// TestHostileEntries: what a request may put in an entry is checked before
// anything is written, with a Swedish message: a kind that is neither, a
// control character or an overlong name, a code with a newline.
func TestHostileEntries(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		r := register(db)
		long := strings.Repeat("å", 1001)
		for _, m := range []members.Member{
			{Code: "0180", Kind: "superuser", Joined: d("2020-01-01")},
			{Code: "0180\n", Joined: d("2020-01-01")},
			{Code: "0180", Joined: d("2020-01-01"), Officer: members.Contact{Name: long}},
			{Code: "0180", Joined: d("2020-01-01"), Official: members.Contact{Name: "Eva\x00"}},
			{Code: "0180", Joined: d("2020-01-01"), Officer: members.Contact{Name: "Eva", Email: "eva@" + long + ".se"}},
			// Dates a ClickHouse Date cannot hold.
			{Code: "0180", Joined: d("1969-12-31")},
			{Code: "0180", Joined: d("2020-01-01"), Ended: ptr(d("2106-01-01"))},
			{Code: "0180", Joined: d("2020-01-01"), ObserverUntil: ptr(d("2200-01-01"))},
		} {
			if _, err := r.Save(ctx, kr.System(), m); kr.KindOf(err) != kr.Invalid || kr.MessageOf(err) == "" {
				t.Errorf("%.60v: %v, want invalid", m, err)
			}
		}
		if all, err := r.All(ctx); err != nil || len(all) != 0 {
			t.Errorf("hostile entries were written: %v %v", all, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestExampleMark: a member marked as example data carries the mark in
// every read of the register, through later changes of its entry and in a
// register opened afresh on the same database; others do not, and marking
// twice writes one mark.
func TestExampleMark(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		r := register(db)
		for range 2 {
			if err := r.MarkExample(ctx, kr.System(), "1281"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Add(ctx, kr.System(), "1281", d("2019-05-01"), false, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Add(ctx, kr.System(), "0180", d("2019-05-01"), false, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Update(ctx, kr.System(), "1281", members.Change{Officer: &members.Contact{Name: "Anna"}}); err != nil {
			t.Fatal(err)
		}
		fresh := &members.Register{DB: db}
		lund, _, err := fresh.Get(ctx, "1281")
		if err != nil || !lund.Example {
			t.Fatalf("Lund after a change, read afresh: example %v, %v", lund.Example, err)
		}
		all, err := fresh.All(ctx)
		if err != nil || len(all) != 2 || all[0].Code != "0180" || all[0].Example || !all[1].Example {
			t.Fatalf("all: %+v %v", all, err)
		}
		var n []struct {
			N uint64 `ch:"n"`
		}
		if err := db.Select(ctx, &n, "SELECT count() AS n FROM example_members"); err != nil || n[0].N != 1 {
			t.Fatalf("marks: %+v %v", n, err)
		}
		if err := r.MarkExample(ctx, kr.Actor{Email: "a@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}, "0180"); kr.KindOf(err) != kr.Forbidden {
			t.Errorf("an officer marking: %v", err)
		}
	})
}
