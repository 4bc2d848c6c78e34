package klimatrapport_test

import (
	"fmt"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
)

func TestRetryAfterFollowsTheChain(t *testing.T) {
	busy := kr.Later(kr.Busy, 3*time.Second, "Tjänsten är upptagen.")
	wrapped := kr.Wrap(kr.Other, fmt.Errorf("submit: %w", busy), "")
	if got := kr.RetryAfterOf(wrapped); got != 3*time.Second {
		t.Errorf("RetryAfterOf(wrapped) = %v, want 3s", got)
	}
	if got := kr.KindOf(wrapped); got != kr.Busy {
		t.Errorf("KindOf(wrapped) = %v, want busy", got)
	}
	if got := kr.RetryAfterOf(kr.E(kr.Invalid, "x")); got != 0 {
		t.Errorf("RetryAfterOf(no wait) = %v, want 0", got)
	}
	if kr.Throttled.String() != "throttled" || kr.Busy.String() != "busy" {
		t.Errorf("kind names: %q %q", kr.Throttled, kr.Busy)
	}
}
