package scb

import (
	"os"
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheettest"
)

// The shared sample files, read in place and never copied into the repository.
var (
	municipalitiesCS = samples.File(samples.Municipalities)
)

var testNames = sync.OnceValues(func() (*Names, error) {
	f, err := os.Open(municipalitiesCS)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadNames(f)
})

// names is SCB's real municipality list as Names.
func names(t testing.TB) *Names {
	t.Helper()
	return sheettest.Must(t, testNames)
}

var (
	workbook    = sheettest.Workbook
	wantInvalid = sheettest.WantInvalid
)
