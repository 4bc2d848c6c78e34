package storage

import (
	"testing"
	"time"
)

func TestLatest(t *testing.T) {
	got := Latest("members", []string{"code"}, []string{"toString(kind) AS kind", "joined"}, "WHERE code = ?")
	want := "SELECT code, argMax(toString(kind), version) AS kind, argMax(joined, version) AS joined FROM members WHERE code = ? GROUP BY code"
	if got != want {
		t.Errorf("Latest:\n got %s\nwant %s", got, want)
	}
	got = Latest("accounts", []string{"toString(id) AS id"}, []string{"email"}, "")
	want = "SELECT toString(id) AS id, argMax(email, version) AS email FROM accounts GROUP BY id"
	if got != want {
		t.Errorf("Latest:\n got %s\nwant %s", got, want)
	}
}

func TestClockStrictlyIncreasing(t *testing.T) {
	var c Clock
	at := time.Unix(1700000000, 0)
	a, b := c.Version(at), c.Version(at)
	if b <= a {
		t.Errorf("same instant: %d then %d, want increasing", a, b)
	}
	if c.Version(at.Add(-time.Hour)) <= b {
		t.Error("a clock step backwards gave a smaller version")
	}
	if v := c.Version(at.Add(time.Hour)); v != uint64(at.Add(time.Hour).UnixNano()) {
		t.Errorf("later instant: got %d, want its nanoseconds", v)
	}
}

func TestClockChange(t *testing.T) {
	var c Clock
	at := time.Date(2026, 5, 1, 12, 0, 0, 999_000_000, time.UTC)
	ch := c.Change("anna", at)
	if ch.By != "anna" || !ch.At.Equal(at.Truncate(time.Second)) || ch.Version != uint64(at.UnixNano()) {
		t.Errorf("change %+v", ch)
	}
	if next := c.Change("anna", at); next.Version <= ch.Version {
		t.Errorf("a second change at the same instant has version %d after %d", next.Version, ch.Version)
	}
}
