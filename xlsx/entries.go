package xlsx

import (
	"bytes"
	"io"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// maxEntries caps a zip's entries. archive/zip allocates a File with its
// name for each entry of the central directory before anything else can
// be checked, about 600 bytes each: a 20 MB upload holds 190 000 empty
// ones. Excel writes a few dozen parts; a workbook with many sheets and
// pictures, a few hundred.
const maxEntries = 10000

// centralHeader is the signature of a central directory entry.
var centralHeader = []byte("PK\x01\x02")

// CheckEntries refuses a zip with more than maxEntries entries before
// archive/zip reads its directory. It counts the directory entries'
// signatures in the file, a chunk at a time: every entry has one, so the
// count is never below what archive/zip would allocate (a signature that
// happens to sit in compressed data only counts against the file).
func CheckEntries(r io.ReaderAt, size int64) error {
	const chunk = 1 << 20
	buf := make([]byte, chunk+len(centralHeader)-1)
	n := 0
	for off := int64(0); off < size; off += chunk {
		m, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && err != io.EOF {
			return nil // archive/zip will say what is wrong with the file
		}
		// a chunk overlaps the next by one byte less than a signature: a
		// signature cut by the boundary is counted here, and only here
		n += bytes.Count(buf[:m], centralHeader)
		if n > maxEntries {
			return refusal(kr.TooLarge, CodeEntries, "Filen består av fler än "+swedish.Plain(maxEntries)+
				" delar, långt fler än en arbetsbok har. "+msgSaveAgain)
		}
	}
	return nil
}
