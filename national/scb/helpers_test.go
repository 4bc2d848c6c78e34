package scb

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
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
	n, err := testNames()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// workbook builds a one-sheet xlsx from rows; a nil row is left empty.
func workbook(t *testing.T, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantInvalid checks that err is a *klimatrapport.Error of kind Invalid with
// the given code and cell and a message containing every fragment.
func wantInvalid(t *testing.T, err error, code, cell string, fragments ...string) {
	t.Helper()
	var ke *klimatrapport.Error
	if !errors.As(err, &ke) || ke.Kind != klimatrapport.Invalid {
		t.Fatalf("want *klimatrapport.Error of kind Invalid, got %T %v", err, err)
	}
	gotCode, place, ok := PlaceOf(err)
	if !ok || gotCode != code || place.Cell != cell {
		t.Errorf("code %q at %q, want %q at %q (error %v)", gotCode, place.Cell, code, cell, err)
	}
	msg := klimatrapport.MessageOf(err)
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message %q lacks %q", msg, f)
		}
	}
}
