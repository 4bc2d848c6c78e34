package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"path"
	"slices"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// kinds are the relationship types (the last element of the type URI, the
// same in transitional and strict files) whose targets each Need keeps.
var kinds = map[Need]map[string]bool{
	Values: {"officeDocument": true, "worksheet": true, "sharedStrings": true, "styles": true},
	Rewrite: {"officeDocument": true, "worksheet": true, "sharedStrings": true, "styles": true,
		"theme": true, "comments": true, "vmlDrawing": true, "drawing": true, "image": true, "chart": true,
		"chartUserShapes": true, "chartStyle": true, "chartColorStyle": true, "themeOverride": true,
		"table": true, "printerSettings": true, "core-properties": true, "extended-properties": true,
		"custom-properties": true},
}

const contentTypes = "[content_types].xml"

// The namespaces of the package parts Open may write anew.
const (
	relsNS  = "http://schemas.openxmlformats.org/package/2006/relationships"
	typesNS = "http://schemas.openxmlformats.org/package/2006/content-types"
)

// xmlRels is a relationships part.
type xmlRels struct {
	XMLName xml.Name
	Rels    []xmlRel `xml:"Relationship"`
}

type xmlRel struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr,omitempty"`
}

// xmlTypes is [Content_Types].xml.
type xmlTypes struct {
	XMLName   xml.Name
	Defaults  []xmlDefault  `xml:"Default"`
	Overrides []xmlOverride `xml:"Override"`
}

type xmlDefault struct {
	Extension   string `xml:"Extension,attr"`
	ContentType string `xml:"ContentType,attr"`
}

type xmlOverride struct {
	PartName    string `xml:"PartName,attr"`
	ContentType string `xml:"ContentType,attr"`
}

// selectParts keeps the parts the relationships lead to from the package
// root through the kinds the Need reads, each vetted, and the content
// types. A workbook without relationships is looked for where Excel puts
// it.
func (o *opener) selectParts() error {
	for _, start := range []string{"", "xl/workbook.xml"} {
		if o.hasWorkbook() {
			break
		}
		if start != "" {
			o.workbook = start
		}
		pending := []string{start}
		for len(pending) > 0 {
			name := pending[0]
			pending = pending[1:]
			if err := o.follow(name, &pending); err != nil {
				return err
			}
		}
	}
	if !o.hasWorkbook() {
		return refusal(kr.Invalid, CodeNotWorkbook, "Filen är en zip-fil men ingen Excel-arbetsbok. Ladda ner mallen, fyll i den och ladda upp den som .xlsx.")
	}
	for _, name := range fixedParts[o.need] {
		if err := o.follow(name, new([]string)); err != nil {
			return err
		}
	}
	return o.keepContentTypes()
}

// fixedParts are the parts excelize reads where Excel puts them, whether
// or not a relationship leads there.
var fixedParts = map[Need][]string{
	Values:  {"xl/sharedstrings.xml", "xl/styles.xml"},
	Rewrite: {"xl/sharedstrings.xml", "xl/styles.xml", "xl/theme/theme1.xml"},
}

// hasWorkbook reports whether a workbook part is kept.
func (o *opener) hasWorkbook() bool {
	for _, f := range o.order {
		if path.Base(normName(f.Name)) == "workbook.xml" {
			return true
		}
	}
	return false
}

// follow keeps the part name (none for the package root) and its
// relationships, and adds the targets of the kinds kept to pending.
func (o *opener) follow(name string, pending *[]string) error {
	if name != "" {
		f := o.files[name]
		if f == nil || o.kept[name] {
			return nil
		}
		if _, err := o.vet(f, false); err != nil {
			return err
		}
		if err := o.keepAs(f, nil); err != nil {
			return err
		}
	}
	relsName := path.Join(path.Dir(name), "_rels", path.Base(name)+".rels")
	if name == "" {
		relsName = "_rels/.rels"
	}
	f := o.files[relsName]
	if f == nil || o.kept[relsName] {
		return nil
	}
	b, err := o.vet(f, true)
	if err != nil {
		return err
	}
	var rels xmlRels
	if xml.Unmarshal(b, &rels) != nil {
		return o.keepAs(f, nil) // unreadable relationships lead nowhere; excelize decides
	}
	kept := rels.Rels[:0:0]
	for _, r := range rels.Rels {
		if r.TargetMode == "External" {
			kept = append(kept, r)
			continue
		}
		if !kinds[o.need][r.Type[strings.LastIndex(r.Type, "/")+1:]] {
			continue
		}
		kept = append(kept, r)
		target := resolve(path.Dir(name), r.Target)
		if name == "" && strings.HasSuffix(r.Type, "/officeDocument") {
			o.workbook = target
		}
		*pending = append(*pending, target)
	}
	if o.need != Rewrite || len(kept) == len(rels.Rels) {
		return o.keepAs(f, nil)
	}
	rels.Rels = kept
	rels.XMLName = xml.Name{Space: relsNS, Local: "Relationships"}
	out, err := xml.Marshal(rels)
	if err != nil {
		return err
	}
	return o.keepAs(f, append([]byte(xml.Header), out...))
}

// resolve is the part a relationship's target names, from the directory
// of its source.
func resolve(dir, target string) string {
	t := strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(t, "/") {
		return normName(t)
	}
	if dir == "." {
		dir = ""
	}
	return normName(path.Join(dir, t))
}

// keepAs keeps a vetted part, written anew as b when b is set.
func (o *opener) keepAs(f *zip.File, b []byte) error {
	name := normName(f.Name)
	o.kept[name] = true
	o.order = append(o.order, f)
	if b != nil {
		o.rewritten[name] = b
	}
	return nil
}

// keepContentTypes keeps [Content_Types].xml; for a Rewrite, without the
// overrides of parts left out, which would name parts the copy lacks.
func (o *opener) keepContentTypes() error {
	f := o.files[contentTypes]
	if f == nil {
		return nil
	}
	b, err := o.vet(f, o.need == Rewrite)
	if err != nil || o.need != Rewrite {
		if err == nil {
			err = o.keepAs(f, nil)
		}
		return err
	}
	var types xmlTypes
	if xml.Unmarshal(b, &types) != nil {
		return o.keepAs(f, nil)
	}
	n := len(types.Overrides)
	types.Overrides = slices.DeleteFunc(types.Overrides, func(ov xmlOverride) bool { return !o.kept[normName(ov.PartName)] })
	if len(types.Overrides) == n {
		return o.keepAs(f, nil)
	}
	types.XMLName = xml.Name{Space: typesNS, Local: "Types"}
	out, err := xml.Marshal(types)
	if err != nil {
		return err
	}
	return o.keepAs(f, append([]byte(xml.Header), out...))
}
