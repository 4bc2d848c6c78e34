package smhi

import (
	"os"
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheettest"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// The shared sample files, read in place and never copied into the repository.
var (
	smhiSample       = samples.File(samples.SMHI)
	municipalitiesCS = samples.File(samples.Municipalities)
)

// testNames is SCB's real municipality list as place names.
func testNames(t testing.TB) *scb.Names {
	t.Helper()
	return sheettest.Must(t, loadNames)
}

var loadNames = sync.OnceValues(func() (*scb.Names, error) {
	f, err := os.Open(municipalitiesCS)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scb.LoadNames(f)
})

// realFile is SMHI's sample export as parsed.
type realFile struct {
	rows []Row
	meta Meta
}

var loadReal = sync.OnceValues(func() (realFile, error) {
	names, err := loadNames()
	if err != nil {
		return realFile{}, err
	}
	f, err := os.Open(smhiSample)
	if err != nil {
		return realFile{}, err
	}
	defer f.Close()
	var rf realFile
	rf.meta, err = Parse(f, names, func(r Row) error {
		rf.rows = append(rf.rows, r)
		return nil
	})
	return rf, err
})

// parseReal parses the SMHI sample once for all tests.
func parseReal(t *testing.T) ([]Row, Meta) {
	t.Helper()
	rf := sheettest.Must(t, loadReal)
	return rf.rows, rf.meta
}

var (
	workbook    = sheettest.Workbook
	wantInvalid = sheettest.WantInvalid
)
