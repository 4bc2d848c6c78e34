package smhi

import (
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Parse reads an export of SMHI's national emissions database
// (…/api/getexcelfile/?county=0&municipality=0&sub=…) with excelize and
// feeds its rows to a Reader, calling emit for each data row in file order.
// Every sheet with SMHI's header row is read; a sheet without one in its
// first rows is skipped. Place names are turned into codes with places.
//
// Errors are *klimatrapport.Error of kind Invalid with a Swedish message
// naming the sheet and the cell, with a *ParseError cause; an error returned
// by emit stops the parse and is returned as it is. Rows emitted before an
// error stand; a caller that must be all or nothing collects or stages them.
//
// The reader is read to its end before parsing (excelize needs random access
// to the zip); rows are then streamed.
func Parse(r io.Reader, places Places, emit func(Row) error) (Meta, error) {
	if places == nil {
		return Meta{}, invalid(CodeNoNames, "", 0, 0, "Ortnamnslistan saknas: SMHI-filen anger kommuner och län med namn, och de kan inte översättas till koder utan SCB:s kommunlista.")
	}
	book, err := xlsx.OpenReader(r, xlsx.Limits{}, xlsx.Values, excelize.Options{})
	if err != nil {
		return Meta{}, sheet.NotSpreadsheet(err)
	}
	f := book.File
	defer f.Close()
	rd := NewReader(places)
	sheets := f.GetSheetList()
	for _, name := range sheets {
		if err := readSheet(f, rd, name, emit); err != nil {
			return rd.Meta(), err
		}
	}
	meta := rd.Meta()
	if len(meta.Sheets) == 0 {
		first := ""
		if len(sheets) > 0 {
			first = sheets[0]
		}
		return meta, invalid(CodeMissingHeader, first, 0, 0,
			"Hittar ingen rubrikrad \"Huvudsektor | Undersektor | Län | Kommun | årtal\" i filen. "+
				"Filen ska vara en export från SMHI:s nationella emissionsdatabas med rubrikraden oförändrad.")
	}
	return meta, nil
}

// readSheet feeds one sheet's rows to the Reader.
func readSheet(f *excelize.File, rd *Reader, name string, emit func(Row) error) error {
	rows, err := f.Rows(name)
	if err != nil {
		return invalid(CodeNotSpreadsheet, name, 0, 0, "Bladet %q kunde inte läsas: %v", name, err)
	}
	defer rows.Close()
	rd.StartSheet(name)
	opts := excelize.Options{RawCellValue: true}
	for row := 1; rows.Next() && !rd.Done(); row++ {
		cells, err := rows.Columns(opts)
		if err != nil {
			return invalid(CodeNotSpreadsheet, name, row, 0, "Blad %q, rad %d kunde inte läsas: %v", name, row, err)
		}
		out, ok, err := rd.Row(row, cells)
		if err != nil {
			return err
		}
		if ok {
			if err := emit(out); err != nil {
				return err
			}
		}
	}
	if err := rows.Error(); err != nil {
		return invalid(CodeNotSpreadsheet, name, 0, 0, "Bladet %q kunde inte läsas: %v", name, err)
	}
	rd.EndSheet()
	return nil
}
