package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve refuses a questions file for the member test that cannot be used,
// before it opens anything.
func TestMemberTestFlag(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "fragor.json")
	os.WriteFile(bad, []byte(`{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "essay", "weight": 1, "text": "T", "fix": "F"}]}]}`), 0o600)
	code, _, errs := runCLI(t, "serve", "--member-test", bad, "--addr", freeAddr(t))
	if code != 2 || !strings.Contains(errs, "Frågefilen "+bad+" kan inte användas: området \"a\": frågan \"q\": okänd sort \"essay\"") {
		t.Errorf("serve --member-test %s: exit %d\n%s", bad, code, errs)
	}
}
