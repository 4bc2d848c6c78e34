package sizedcache

import (
	"strconv"
	"testing"
)

// TestBounds: entries and bytes never exceed their bounds; the least
// recently used go first; a replaced value's size leaves with it; a value
// larger than the budget is not kept.
func TestBounds(t *testing.T) {
	c := New[string, []byte](10, 100, func(b []byte) int64 { return int64(len(b)) })
	for i := range 50 {
		c.Add(strconv.Itoa(i), make([]byte, i%30))
		if n, b := c.Stats(); n > 10 || b > 100 {
			t.Fatalf("after %d adds: %d entries, %d bytes", i+1, n, b)
		}
	}
	c.Add("a", make([]byte, 40))
	c.Add("b", make([]byte, 40))
	c.Get("a") // a is now more recent than b
	c.Add("c", make([]byte, 40))
	if _, ok := c.Get("b"); ok {
		t.Error("the least recently used entry was kept")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a recently used entry was evicted")
	}
	c.Add("a", make([]byte, 1))
	if _, b := c.Stats(); b != 41 {
		t.Errorf("after replacing a: %d bytes, want 41", b)
	}
	c.Add("huge", make([]byte, 101))
	if _, ok := c.Get("huge"); ok {
		t.Error("a value over the whole budget was kept")
	}
}

// TestRemove: a removed entry is returned once and its bytes leave the
// count.
func TestRemove(t *testing.T) {
	c := New[string, []byte](10, 100, func(b []byte) int64 { return int64(len(b)) })
	c.Add("a", make([]byte, 30))
	c.Add("b", make([]byte, 20))
	if v, ok := c.Remove("a"); !ok || len(v) != 30 {
		t.Fatalf("Remove(a) = %d bytes, %v", len(v), ok)
	}
	if _, ok := c.Remove("a"); ok {
		t.Error("a removed twice")
	}
	if n, b := c.Stats(); n != 1 || b != 20 {
		t.Errorf("after the removal: %d entries, %d bytes; want 1, 20", n, b)
	}
}
