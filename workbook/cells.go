package workbook

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Cell references, and the header rows of the sheets the package writes.

// cellName is excelize.CoordinatesToCellName without the error.
func cellName(col, row int) string {
	s, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return ""
	}
	return s
}

// colName is excelize.ColumnNumberToName without the error: 1 is "A".
func colName(col int) string {
	s, _ := excelize.ColumnNumberToName(col)
	return s
}

// colLetters caches column names for the columns a sheet may have.
var colLetters = func() []string {
	out := make([]string, 16385)
	for i := 1; i < len(out); i++ {
		out[i] = colName(i)
	}
	return out
}()

// ref is a fast cellName for 1-based col and row.
func ref(col, row int) string {
	if col < 1 || col >= len(colLetters) || row < 1 {
		return ""
	}
	var b [16]byte
	s := append(b[:0], colLetters[col]...)
	s = strconv.AppendInt(s, int64(row), 10)
	return string(s)
}

// splitCell reads "F12" as column 6, row 12 without allocating.
func splitCell(c string) (col, row int) {
	i := 0
	for i < len(c) && c[i] >= 'A' && c[i] <= 'Z' {
		col = col*26 + int(c[i]-'A'+1)
		i++
	}
	for ; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return 0, 0
		}
		row = row*10 + int(c[i]-'0')
	}
	return col, row
}

// quoteSheet quotes a sheet name for a reference: 'Utsläpp'!T2.
func quoteSheet(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// headerCells writes a header row: titles in row 1, each column's width
// (14 when widths has none for it) and style over the whole row.
func headerCells(f *excelize.File, sheet string, titles []string, widths []float64, style int) error {
	for i, h := range titles {
		if err := f.SetCellStr(sheet, cellName(i+1, 1), h); err != nil {
			return err
		}
		w := 14.0
		if i < len(widths) {
			w = widths[i]
		}
		c := colName(i + 1)
		if err := f.SetColWidth(sheet, c, c, w); err != nil {
			return err
		}
	}
	return f.SetCellStyle(sheet, "A1", cellName(len(titles), 1), style)
}
