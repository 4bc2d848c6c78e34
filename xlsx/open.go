package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Need says which parts of a workbook the caller reads.
type Need int

const (
	// Values is for reading cell values: the workbook, its sheets, the
	// shared strings and the styles.
	Values Need = iota
	// Rewrite is for changing the workbook and writing it back: besides
	// the values' parts, what the copy keeps of the original (theme,
	// comments and their drawings, drawings, images, charts, tables,
	// printer settings, document properties).
	Rewrite
)

// Book is an opened workbook: excelize's File over the kept parts, and
// those parts as they are in the file (each vetted), for callers that
// stream a part themselves.
type Book struct {
	File  *excelize.File
	Parts *zip.Reader
}

// Open reads the .xlsx in r within lim and opens the parts need asks for
// with excelize (opts are passed on; its unzip limits are set from lim).
//
// Before excelize sees anything, every kept part is inflated once through
// a counter (the total, a part's and the compression ratio's caps, checked
// on the bytes as they come, never on the sizes the zip declares) and the
// XML guard; the kept parts are then copied, still compressed, into a new
// zip that excelize opens. Everything else in the file (macros, embedded
// files, custom XML, parts no relationship leads to) is left out unread.
//
// A refusal is a *kr.Error of kind Invalid or TooLarge with a Swedish
// message and a Refusal cause (CodeOf gives its code); any other error is
// excelize's, for a file that passed the guards and still cannot be read.
func Open(r io.ReaderAt, size int64, lim Limits, need Need, opts excelize.Options) (*Book, error) {
	lim = lim.withDefaults()
	if err := CheckEntries(r, size); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, refusal(kr.Invalid, CodeTruncated,
			"Filen är ofullständig eller skadad (zip-arkivet tar slut för tidigt), troligen avbröts en nedladdning eller uppladdning. "+msgSaveAgain)
	}
	if err := checkDeclared(zr, lim); err != nil {
		return nil, err
	}
	o := &opener{lim: lim, need: need, files: map[string]*zip.File{}, kept: map[string]bool{}, rewritten: map[string][]byte{}}
	for _, f := range zr.File {
		if n := normName(f.Name); o.files[n] == nil {
			o.files[n] = f
		}
	}
	if err := o.selectParts(); err != nil {
		return nil, err
	}
	filtered, err := o.write()
	if err != nil {
		return nil, err
	}
	opts.UnzipSizeLimit, opts.UnzipXMLSizeLimit = lim.Total, lim.Stream
	f, err := excelize.OpenReader(bytes.NewReader(filtered), opts)
	if err != nil {
		return nil, err
	}
	// The kept entries of the file's own zip: the new one is excelize's
	// copy's to hold, and is dropped here.
	return &Book{File: f, Parts: &zip.Reader{File: o.order}}, nil
}

// OpenReader is Open over a file read from r, of which it reads no more
// than the total cap and a little: a zip larger than that cannot unpack to
// less.
func OpenReader(r io.Reader, lim Limits, need Need, opts excelize.Options) (*Book, error) {
	lim = lim.withDefaults()
	b, err := io.ReadAll(io.LimitReader(r, lim.Total+1<<20+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > lim.Total+1<<20 {
		return nil, overTotal(lim.Total)
	}
	return Open(bytes.NewReader(b), int64(len(b)), lim, need, opts)
}

// checkDeclared refuses a zip whose own directory already says it is over
// the total cap, or holds a part that inflates beyond the ratio cap: these
// are refused before anything is inflated. Sizes that claim less are not
// believed: the counter checks the bytes.
func checkDeclared(zr *zip.Reader, lim Limits) error {
	var total uint64
	for _, f := range zr.File {
		total += min(f.UncompressedSize64, 1<<52) // no overflow with a million of them
	}
	if total > uint64(lim.Total) {
		return overDeclared(total, lim.Total)
	}
	for _, f := range zr.File {
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(1, f.CompressedSize64) > uint64(lim.Ratio) {
			return overRatio(lim.Ratio)
		}
	}
	return nil
}

// normName is a part name as looked up: lower case, forward slashes, no
// leading slash.
func normName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/"))
}

// opener is the state of one Open: the parts found, those kept (in the
// order they are written) and the total inflated so far.
type opener struct {
	lim       Limits
	need      Need
	files     map[string]*zip.File // by normName, the first of a name
	kept      map[string]bool
	order     []*zip.File
	rewritten map[string][]byte // kept parts written anew (filtered relationships, content types)
	workbook  string            // the workbook part, as the package's relationships name it
	total     int64
}

// write is the zip of the kept parts: copied as they were compressed, or
// written anew when filtered.
func (o *opener) write() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range o.order {
		if b, ok := o.rewritten[normName(f.Name)]; ok {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(b); err != nil {
				return nil, err
			}
			continue
		}
		h := f.FileHeader
		w, err := zw.CreateRaw(&h)
		if err != nil {
			return nil, err
		}
		raw, err := f.OpenRaw()
		if err != nil {
			return nil, corrupt()
		}
		if _, err := io.Copy(w, raw); err != nil {
			return nil, corrupt()
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// vet inflates a part through the counter and, for XML, the guard, and
// returns its bytes when keep is set.
func (o *opener) vet(f *zip.File, keep bool) ([]byte, error) {
	name := normName(f.Name)
	whole := !strings.HasPrefix(name, "xl/worksheets/sheet") && name != "xl/sharedstrings.xml"
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt()
	}
	defer rc.Close()
	c := &counter{r: rc, o: o, packed: int64(min(f.CompressedSize64, 1<<62)), part: o.lim.Total}
	if whole {
		c.part = o.lim.Part
	}
	var sinks []io.Writer
	if isXML(name) {
		g := &guard{}
		if whole {
			g.maxElements = o.lim.Elements
		}
		switch name {
		case "xl/sharedstrings.xml":
			g.counted, g.maxCounted, g.overCount = []byte("si"), o.lim.Strings, tooManyStrings
		case o.workbook:
			g.counted, g.maxCounted, g.overCount = []byte("sheet"), o.lim.Sheets, tooManySheets
		}
		sinks = append(sinks, g)
	}
	var kept bytes.Buffer
	if keep {
		sinks = append(sinks, &kept)
	}
	if _, err := io.CopyBuffer(io.MultiWriter(append(sinks, io.Discard)...), c, make([]byte, 32<<10)); err != nil {
		var st stopped
		if errors.As(err, &st) {
			return nil, st.err
		}
		if errors.As(err, new(*kr.Error)) {
			return nil, err
		}
		return nil, corrupt()
	}
	return kept.Bytes(), nil
}

// isXML reports whether a part is XML by its name, as package parts are
// named.
func isXML(name string) bool {
	switch path.Ext(name) {
	case ".xml", ".rels", ".vml":
		return true
	}
	return false
}

// stopped carries the error of Limits.Check out of a read.
type stopped struct{ err error }

func (s stopped) Error() string { return s.err.Error() }

// counter counts a part's inflated bytes against the part's cap, the
// total and the compression ratio as they are read.
type counter struct {
	r      io.Reader
	o      *opener
	packed int64 // compressed bytes: what the part can take of the file at most
	part   int64 // this part's cap
	n      int64
}

func (c *counter) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.o.total += int64(n)
	if c.o.lim.Check != nil {
		if err := c.o.lim.Check(); err != nil {
			return n, stopped{err}
		}
	}
	switch {
	case c.o.total > c.o.lim.Total:
		return n, overTotal(c.o.lim.Total)
	case c.n > c.part:
		return n, overPart(c.part)
	case c.n > ratioFloor && c.n/max(1, c.packed) > c.o.lim.Ratio:
		return n, overRatio(c.o.lim.Ratio)
	}
	return n, err
}
