package smhi

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// The shared sample files, relative to this package's directory. They are
// read in place and never copied into the repository.
const (
	smhiSample       = "../../../shared/data/smhi/smhi-co2-2024-04-18.xlsx"
	ggtSample        = "../../../shared/data/smhi/ggt-2026-04-15-sektorer.xlsx"
	municipalitiesCS = "../../../shared/data/scb/municipality_county.csv"
)

var (
	namesOnce sync.Once
	names     *scb.Names
	namesErr  error
)

func testNames(t testing.TB) *scb.Names {
	t.Helper()
	namesOnce.Do(func() {
		f, err := os.Open(municipalitiesCS)
		if err != nil {
			namesErr = err
			return
		}
		defer f.Close()
		names, namesErr = scb.LoadNames(f)
	})
	if namesErr != nil {
		t.Fatal(namesErr)
	}
	return names
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	realRowsOnce sync.Once
	realRows     []SMHIRow
	realMeta     SMHIMeta
	realErr      error
)

// parseReal parses the SMHI sample once for all tests.
func parseReal(t *testing.T) ([]SMHIRow, SMHIMeta) {
	t.Helper()
	n := testNames(t)
	realRowsOnce.Do(func() {
		f, err := os.Open(smhiSample)
		if err != nil {
			realErr = err
			return
		}
		defer f.Close()
		realMeta, realErr = ParseSMHI(f, n, func(r SMHIRow) error {
			realRows = append(realRows, r)
			return nil
		})
	})
	if realErr != nil {
		t.Fatal(realErr)
	}
	return realRows, realMeta
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
	if err == nil {
		t.Fatalf("want error %s, got nil", code)
	}
	var ke *klimatrapport.Error
	if !errors.As(err, &ke) || ke.Kind != klimatrapport.Invalid {
		t.Fatalf("want *klimatrapport.Error of kind Invalid, got %T %v", err, err)
	}
	gotCode, place, ok := PlaceOf(err)
	if !ok || gotCode != code {
		t.Errorf("code = %q, want %q (error %v)", gotCode, code, err)
	}
	if place.Cell != cell {
		t.Errorf("cell = %q, want %q (error %v)", place.Cell, cell, err)
	}
	msg := klimatrapport.MessageOf(err)
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("message %q lacks %q", msg, f)
		}
	}
	t.Logf("%s: %s", code, msg)
}
