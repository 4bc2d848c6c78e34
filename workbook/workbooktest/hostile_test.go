package workbooktest

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"
)

// TestHostileFiles checks that the attack files are small on the wire,
// quick to make, and that their zip entries hold what they claim: every
// entry that does not lie about its size inflates to its declared size
// with a matching checksum.
func TestHostileFiles(t *testing.T) {
	start := time.Now()
	files := HostileFiles()
	el := time.Since(start)
	t.Logf("%d files in %v", len(files), el)
	if el > 5*time.Second {
		t.Errorf("generation took %v", el)
	}
	for _, h := range files {
		t.Logf("%-70s %8.2f MB", h.Name, float64(len(h.Content))/1e6)
		if len(h.Content) > 20<<20 {
			t.Errorf("%s: %d bytes", h.Name, len(h.Content))
		}
		if h.Name == "truncated zip" {
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(h.Content), int64(len(h.Content)))
		if err != nil {
			t.Fatalf("%s: %v", h.Name, err)
		}
		for _, f := range zr.File {
			if f.UncompressedSize64 == 1024 || testing.Short() && f.UncompressedSize64 > 100<<20 {
				continue // the lying entries, and the gigabyte in -short
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, rc)
			if err != nil || uint64(n) != f.UncompressedSize64 {
				t.Errorf("%s: %s: %d bytes, %v", h.Name, f.Name, n, err)
			}
		}
	}
}
