// Package sheettest holds what the national parsers' tests share: small
// workbooks built from rows, and the check of a parser's error.
package sheettest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// Workbook builds a one-sheet xlsx from rows; a nil row is left empty.
func Workbook(t testing.TB, name string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r == nil {
			continue
		}
		if err := f.SetSheetRow(name, sheet.CellName(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WantInvalid checks that err is a *klimatrapport.Error of kind Invalid with
// the given problem code and cell and a message containing every fragment.
func WantInvalid(t testing.TB, err error, code, cell string, fragments ...string) {
	t.Helper()
	var ke *klimatrapport.Error
	if !errors.As(err, &ke) || ke.Kind != klimatrapport.Invalid {
		t.Fatalf("want *klimatrapport.Error of kind Invalid, got %T %v", err, err)
	}
	gotCode, place, ok := sheet.PlaceOf(err)
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

// Must returns what load (typically a sync.OnceValues) gives, or fails the
// test with its error.
func Must[T any](t testing.TB, load func() (T, error)) T {
	t.Helper()
	v, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
