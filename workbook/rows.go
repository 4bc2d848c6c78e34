package workbook

import (
	"errors"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// eachRow streams a sheet, calling fn for every row that has a non-empty
// cell. cells are cleaned (trimmed) and read back from SafeText.
func (p *parser) eachRow(s sheetInfo, fn func(row int, cells []string) error) (err error) {
	// The formula scan decompresses the sheet a second time; it runs beside
	// the row loop, on another core when there is one.
	scan := p.startFormulaScan(s)
	early := true
	defer func() {
		if serr := scan.wait(p, s, early); err == nil {
			err = serr
		}
	}()
	rows, err := p.f.Rows(s.Name)
	if err != nil {
		return corrupt(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if n > p.lim.MaxRows {
			return fail(klimatrapport.TooLarge, ProblemTooManyRows,
				"Bladet %s har fler än %s rader; högst så många läses. Ta bort tomma rader och rader som inte hör till rapporten och försök igen.",
				quote(s.Name), swedish.Plain(float64(p.lim.MaxRows)))
		}
		if n&1023 == 0 {
			if err := p.check(); err != nil {
				return err
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return corrupt(err)
		}
		last := -1
		for i, c := range cells {
			if c == "" {
				continue
			}
			if c[0] == '\'' {
				c = unguard(c) // text that SafeText wrote, as in a prefilled template
			}
			if c[0] <= ' ' || c[len(c)-1] <= ' ' || c[len(c)-1] >= 0x80 || c[0] >= 0x80 {
				c = clean(c)
			}
			cells[i] = c
			if c != "" {
				last = i
			}
		}
		if last < 0 {
			continue
		}
		cells = cells[:last+1]
		if len(cells) > p.lim.MaxCols {
			return fail(klimatrapport.TooLarge, ProblemTooManyCols,
				"Bladet %s har innehåll i kolumn %s på rad %d; högst %d kolumner läses. Ta bort innehållet till höger om tabellen och försök igen.",
				quote(s.Name), colName(len(cells)), n, p.lim.MaxCols)
		}
		if err := fn(n, cells); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	early = false
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return fail(klimatrapport.TooLarge, ProblemTooManyRows,
				"Bladet %s har rader utanför Excels gräns. Spara filen på nytt i Excel eller LibreOffice och försök igen.", quote(s.Name))
		}
		return corrupt(err)
	}
	return p.check()
}

// cellAt is cell i of a row, or "" past its last filled cell.
func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}
