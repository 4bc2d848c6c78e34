package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/klimatkommunerna/klimatrapport"
)

// formulaScan is a formula scan running in its own goroutine.
type formulaScan struct {
	stop  atomic.Bool // the row loop ended early: the rest is not needed
	done  chan struct{}
	refs  []string
	count int
	err   error
}

// startFormulaScan starts scanning sheet s for formulas without a saved
// value; wait collects what it found.
func (p *parser) startFormulaScan(s sheetInfo) *formulaScan {
	fs := &formulaScan{done: make(chan struct{})}
	zf := findZip(p.zr, s.Path)
	if zf == nil {
		fs.err = corrupt(fmt.Errorf("bladet %s saknas", s.Name))
		close(fs.done)
		return fs
	}
	go func() {
		defer close(fs.done)
		defer func() {
			if rec := recover(); rec != nil {
				fs.err = corrupt(fmt.Errorf("%v", rec))
			}
		}()
		check := func() error {
			if fs.stop.Load() {
				return errStop
			}
			return p.check()
		}
		fs.err = scanFormulas(zf, check, func(ref string) {
			fs.count++
			if len(fs.refs) < maxItemsPerCode+1 {
				fs.refs = append(fs.refs, ref)
			}
		})
	}()
	return fs
}

// wait joins the scan and reports what it found.
func (fs *formulaScan) wait(p *parser, s sheetInfo, early bool) error {
	if early {
		fs.stop.Store(true)
	}
	<-fs.done
	if fs.err == errStop {
		fs.err = nil
	}
	for i, ref := range fs.refs {
		if i >= maxItemsPerCode {
			break
		}
		p.items.errorf(CodeFormula, s.Name, ref,
			"Cellen %s innehåller en formel utan sparat värde. Öppna filen i Excel eller LibreOffice, låt formlerna räknas om, spara och ladda upp filen igen – eller skriv in värdet i stället för formeln.",
			orRow(ref))
	}
	for i := maxItemsPerCode; i < fs.count; i++ {
		p.items.errorf(CodeFormula, "", "", "")
	}
	if fs.err != nil {
		if _, ok := fs.err.(*klimatrapport.Error); ok {
			return fs.err
		}
		return corrupt(fs.err)
	}
	return nil
}

// orRow names a cell for a message, or says it is not known.
func orRow(ref string) string {
	if ref == "" {
		return "(okänd cell)"
	}
	return ref
}

// maxFormulaCell is the most of one formula cell the scan holds while it
// looks for the cell's end: far more than Excel writes (8 192 characters of
// formula, 32 767 of value), so a longer one is refused, not buffered.
const maxFormulaCell = 1 << 20

// scanFormulas finds formula cells that have no saved value in a sheet's
// XML, without decoding the XML: it searches the bytes for <f> elements and
// looks at the enclosing <c> element only there, so a sheet without
// formulas costs one decompression and a byte search. report gets the cell
// reference ("" when the cell has none). It holds at most a chunk, the
// lookback and maxFormulaCell of the sheet.
func scanFormulas(f *zip.File, check func() error, report func(ref string)) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	const chunk = 1 << 20
	const keep = 64 << 10
	var (
		buf  []byte
		tmp  = make([]byte, chunk)
		done int // offset in buf up to which hits are handled
		eof  bool
	)
	for !eof {
		if err := check(); err != nil {
			return err
		}
		n, err := io.ReadFull(rc, tmp)
		buf = append(buf, tmp[:n]...)
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			eof = true
		default:
			return err
		}
		i := done
		for {
			p := indexFormula(buf, i)
			if p < 0 {
				if !eof {
					done = max(i, len(buf)-16) // a tag may straddle the chunk boundary
				}
				break
			}
			end := indexCellEnd(buf, p)
			if end < 0 {
				if !eof {
					done = p
					break
				}
				end = len(buf)
			}
			start := lastCellStart(buf[:p])
			if start >= 0 && !hasValue(buf[p:end]) {
				report(cellRef(buf[start:p]))
			}
			i = end
			done = end
		}
		if !eof && len(buf)-done > maxFormulaCell {
			return fail(klimatrapport.TooLarge, ProblemXMLToken,
				"Bladet har en cell med formel som är längre än %s; Excel tillåter högst 8 192 tecken i en formel. Öppna filen i Excel eller LibreOffice, spara den på nytt och ladda upp den igen.",
				megabytes(maxFormulaCell))
		}
		if !eof {
			cut := done - keep
			if cut > 0 {
				// keep lookback for the start tag of a cell cut in two
				buf = append(buf[:0], buf[cut:]...)
				done -= cut
			}
		}
	}
	return nil
}

// indexFormula finds the next formula start tag (<f>, <f ...>, <x:f>) at or
// after i.
func indexFormula(b []byte, i int) int {
	for i < len(b) {
		j := bytes.Index(b[i:], []byte("f"))
		if j < 0 {
			return -1
		}
		p := i + j
		if p+1 < len(b) && p > 0 {
			next := b[p+1]
			if next == '>' || next == ' ' || next == '/' {
				if b[p-1] == '<' {
					return p - 1
				}
				if b[p-1] == ':' {
					k := p - 2
					for k >= 0 && isNameByte(b[k]) {
						k--
					}
					if k >= 0 && b[k] == '<' && k < p-2 {
						return k
					}
				}
			}
		}
		i = p + 1
	}
	return -1
}

// isNameByte reports whether c may be part of an XML namespace prefix.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// indexCellEnd finds the end of the cell element that contains the formula
// at p: the next "</c>" or "</prefix:c>".
func indexCellEnd(b []byte, p int) int {
	for i := p; i < len(b); {
		j := bytes.Index(b[i:], []byte("c>"))
		if j < 0 {
			return -1
		}
		q := i + j
		k := q - 1
		if k >= 0 && b[k] == ':' {
			k--
			for k >= 0 && isNameByte(b[k]) {
				k--
			}
		}
		if k >= 1 && b[k] == '/' && b[k-1] == '<' {
			return q + 2
		}
		i = q + 2
	}
	return -1
}

// lastCellStart finds the start tag of the cell before p: "<c " or
// "<prefix:c ".
func lastCellStart(b []byte) int {
	for end := len(b); end > 0; {
		j := bytes.LastIndex(b[:end], []byte("c "))
		if j < 0 {
			return -1
		}
		k := j - 1
		if k >= 0 && b[k] == ':' {
			k--
			for k >= 0 && isNameByte(b[k]) {
				k--
			}
		}
		if k >= 0 && b[k] == '<' {
			return k
		}
		end = j
	}
	return -1
}

// hasValue reports whether a cell element's content holds a <v> or an
// inline string.
func hasValue(cell []byte) bool {
	for _, tag := range [][]byte{[]byte("v>"), []byte("v/>"), []byte("v "), []byte("is>")} {
		for i := 0; i < len(cell); {
			j := bytes.Index(cell[i:], tag)
			if j < 0 {
				break
			}
			p := i + j
			if p > 0 && (cell[p-1] == '<' || cell[p-1] == ':') {
				return true
			}
			i = p + 1
		}
	}
	return false
}

// cellRef extracts the r attribute from a cell's start tag.
func cellRef(b []byte) string {
	if i := bytes.IndexByte(b, '>'); i >= 0 {
		b = b[:i]
	}
	for _, q := range []string{` r="`, ` r='`} {
		if i := bytes.Index(b, []byte(q)); i >= 0 {
			rest := b[i+len(q):]
			if j := bytes.IndexByte(rest, q[len(q)-1]); j >= 0 && j < 16 {
				return string(rest[:j])
			}
		}
	}
	return ""
}
