package samples

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPath: every sample is found in shared/data beside the repository
// root, from this package's directory three levels below it
// (internal/testworld/samples).
func TestPath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(wd)))), "shared", "data")
	for _, rel := range []string{Municipalities, Population, SMHI, GGT} {
		p := Path(t, rel)
		if p != filepath.Join(want, rel) || File(rel) != p {
			t.Errorf("%s: %s (File %s), want it in %s", rel, p, File(rel), want)
		}
		if len(Read(t, rel)) == 0 {
			t.Errorf("%s is empty", rel)
		}
	}
}
