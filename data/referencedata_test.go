package referencedata

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

// TestBundled: every bundled file is embedded, is the same as the copy in
// shared/data the tests read, and README.md says what it is.
func TestBundled(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{Municipalities, Population}
	for _, r := range SMHI {
		names = append(names, r.File)
	}
	for _, name := range names {
		b, err := Read(name)
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", name, len(b), err)
			continue
		}
		if !bytes.Equal(b, samples.Read(t, name)) {
			t.Errorf("%s differs from shared/data/%s", name, name)
		}
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not describe %s", name)
		}
	}
	if _, err := Read("smhi/finns-inte.xlsx"); err == nil {
		t.Error("a file that is not bundled was read")
	}
}
