package workbook

import (
	"archive/zip"
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

// readSmall reads at most limit bytes of a small zip part.
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
