package scb

import (
	"os"
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/national/internal/sheettest"
)

// The shared sample files, relative to this package's directory. They are
// read in place and never copied into the repository.
const (
	municipalitiesCS = "../../../shared/data/scb/municipality_county.csv"
	populationSample = "../../../shared/data/scb/be0101-population-2024.xlsx"
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
	readFile    = sheettest.ReadFile
)
