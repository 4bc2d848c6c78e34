package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
)

// sheetInfo is one sheet of the workbook, as workbook.xml lists it.
type sheetInfo struct {
	Name string
	Path string // zip path of its XML part
	Kind sheetKind
}

// findZip returns the zip entry named name, ignoring case and slashes.
func findZip(zr *zip.Reader, name string) *zip.File {
	name = strings.ToLower(strings.TrimPrefix(name, "/"))
	for _, f := range zr.File {
		if strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/")) == name {
			return f
		}
	}
	return nil
}

func readSmall(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// readWorkbook lists the sheets with their XML parts, and whether the
// workbook uses the 1904 date system. It reads only the small workbook and
// relationship parts.
func readWorkbook(zr *zip.Reader) ([]sheetInfo, bool, error) {
	wbPath := "xl/workbook.xml"
	if f := findZip(zr, "_rels/.rels"); f != nil {
		if b, err := readSmall(f, 1<<20); err == nil {
			var rels xmlRels
			if xml.Unmarshal(b, &rels) == nil {
				for _, r := range rels.Rels {
					if strings.HasSuffix(r.Type, "/officeDocument") && findZip(zr, strings.TrimPrefix(r.Target, "/")) != nil {
						wbPath = strings.TrimPrefix(r.Target, "/")
					}
				}
			}
		}
	}
	wf := findZip(zr, wbPath)
	if wf == nil {
		return nil, false, io.ErrUnexpectedEOF
	}
	b, err := readSmall(wf, 8<<20)
	if err != nil {
		return nil, false, err
	}
	var wb xmlWorkbook
	if err := xml.Unmarshal(b, &wb); err != nil {
		return nil, false, err
	}
	dir := path.Dir(wbPath)
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	targets := map[string]string{}
	if f := findZip(zr, relsPath); f != nil {
		if b, err := readSmall(f, 8<<20); err == nil {
			var rels xmlRels
			if xml.Unmarshal(b, &rels) == nil {
				for _, r := range rels.Rels {
					t := strings.ReplaceAll(r.Target, "\\", "/")
					if strings.HasPrefix(t, "/") {
						t = strings.TrimPrefix(t, "/")
					} else {
						t = path.Join(dir, t)
					}
					targets[r.ID] = t
				}
			}
		}
	}
	var out []sheetInfo
	for _, s := range wb.Sheets {
		out = append(out, sheetInfo{Name: s.Name, Path: targets[s.RID], Kind: classifySheet(s.Name)})
	}
	d := strings.ToLower(wb.Pr.Date1904)
	return out, d == "1" || d == "true", nil
}

// scanFormulas finds formula cells that have no saved value in a sheet's
// XML, without decoding the XML: it searches the bytes for <f> elements and
// looks at the enclosing <c> element only there, so a sheet without
// formulas costs one decompression and a byte search. report gets the cell
// reference ("" when the cell has none).
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
