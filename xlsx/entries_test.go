package xlsx

import (
	"bytes"
	"testing"
)

// TestCheckEntries counts directory signatures across the chunks it reads:
// one cut by a chunk boundary and one just after it count once each.
func TestCheckEntries(t *testing.T) {
	const chunk = 1 << 20
	file := func(n int, at ...int) []byte {
		b := make([]byte, 3*chunk)
		for _, p := range at {
			copy(b[p:], centralHeader)
		}
		for i := range n - len(at) {
			copy(b[2*chunk+8+i*4:], centralHeader)
		}
		return b
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"at the cap", file(maxEntries), ""},
		{"over the cap", file(maxEntries + 1), CodeEntries},
		{"at the cap, one cut by a chunk boundary", file(maxEntries, chunk-2), ""},
		{"at the cap, one at a chunk's start", file(maxEntries, chunk), ""},
		{"over the cap, two at the boundary", file(maxEntries+1, chunk-2, chunk+2), CodeEntries},
	} {
		if got := CodeOf(CheckEntries(bytes.NewReader(c.b), int64(len(c.b)))); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
