package xlsx

import (
	"strings"
	"testing"
)

func TestWrappedHeight(t *testing.T) {
	for _, c := range []struct {
		width float64
		texts []string
		want  float64
	}{
		{72, []string{""}, LineHeight},
		{72, []string{"kort"}, LineHeight},
		{72, []string{strings.Repeat("x", 67)}, LineHeight},
		{72, []string{strings.Repeat("x", 68)}, 2 * LineHeight},
		{72, []string{strings.Repeat("ä", 165)}, 3 * LineHeight},            // counted in characters, not bytes
		{72, []string{"a\nb\nc", strings.Repeat("x", 100)}, 3 * LineHeight}, // the tallest of the cells
		{10, []string{strings.Repeat("x", 10000)}, maxRowHeight},
	} {
		if got := WrappedHeight(c.width, c.texts...); got != c.want {
			t.Errorf("WrappedHeight(%v, %.20q) = %v, want %v", c.width, c.texts, got, c.want)
		}
	}
}
