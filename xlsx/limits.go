package xlsx

import "cmp"

// Limits bound what Open reads of one file. A zero field takes its default.
type Limits struct {
	// Total caps the uncompressed bytes of the whole zip as declared, and
	// of the parts kept as actually read; default 100 MiB.
	Total int64
	// Part caps one part that excelize holds whole in memory: every part
	// but the sheets under xl/worksheets/ and the shared strings, which it
	// streams from a temporary file once they are over Stream; default
	// 32 MiB (never more than Total).
	Part int64
	// Ratio is the most a part over 1 MiB may inflate per compressed byte;
	// default 200.
	Ratio int64
	// Elements caps the elements of an XML part excelize decodes whole
	// (styles, the workbook, relationships, comments); default 200 000.
	Elements int
	// Strings caps the shared strings (xl/sharedStrings.xml's si
	// elements), which excelize indexes all; default 300 000.
	Strings int
	// Sheets caps the sheets the workbook lists; default 1 000 (the
	// template has five, SMHI's export about ten).
	Sheets int
	// Check, when set, is called as the parts are read; its error (the
	// caller's deadline, a request gone) stops Open and is returned as is.
	Check func() error
	// Stream is excelize's UnzipXMLSizeLimit: sheets and shared strings
	// larger than this are streamed from a temporary file; default 16 MiB
	// (never more than Total).
	Stream int64
}

// ratioFloor is the size below which a part's compression ratio is not
// checked: small parts of repeated markup compress well and cost nothing.
const ratioFloor = 1 << 20

// DefaultLimits are the limits used for zero fields.
func DefaultLimits() Limits {
	return Limits{Total: 100 << 20, Part: 32 << 20, Ratio: 200, Elements: 200000, Strings: 300000, Sheets: 1000, Stream: 16 << 20}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	l.Total = cmp.Or(max(l.Total, 0), d.Total)
	l.Part = min(cmp.Or(max(l.Part, 0), d.Part), l.Total)
	l.Ratio = cmp.Or(max(l.Ratio, 0), d.Ratio)
	l.Elements = cmp.Or(max(l.Elements, 0), d.Elements)
	l.Strings = cmp.Or(max(l.Strings, 0), d.Strings)
	l.Sheets = cmp.Or(max(l.Sheets, 0), d.Sheets)
	l.Stream = min(cmp.Or(max(l.Stream, 0), d.Stream), l.Total)
	return l
}
