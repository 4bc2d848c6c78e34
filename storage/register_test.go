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
