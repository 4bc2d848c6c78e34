package xlsx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/workbook/workbooktest"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// officeFile is a workbook as an officer might send it: values, a comment
// and a picture on Blad1, plus parts no reader needs (custom XML with its
// relationship, a file no relationship leads to, a macro project).
func officeFile(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Kod")
	f.SetCellValue("Sheet1", "B1", 1281)
	f.SetCellValue("Sheet1", "B2", "åäö")
	if err := f.AddComment("Sheet1", excelize.Comment{Cell: "B1", Author: "Anna", Text: "Lund"}); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	if err := f.AddPictureFromBytes("Sheet1", "D4", &excelize.Picture{Extension: ".png", File: img.Bytes()}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name != "_rels/.rels" {
			zw.Copy(zf)
			continue
		}
		w, _ := zw.Create(zf.Name)
		io.WriteString(w, strings.Replace(partText(zf), "</Relationships>", `<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" Target="customXml/item1.xml"/></Relationships>`, 1))
	}
	for name, content := range map[string]string{"customXml/item1.xml": "<x/>", "xl/unknown/stray.bin": "stray", "xl/vbaProject.bin": "macros"} {
		w, _ := zw.Create(name)
		io.WriteString(w, content)
	}
	zw.Close()
	return out.Bytes()
}

// partText is a part of a zip made in the test, inflated.
func partText(zf *zip.File) string {
	rc, err := zf.Open()
	if err != nil {
		return "error: " + err.Error()
	}
	defer rc.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, rc); err != nil {
		return "error: " + err.Error()
	}
	return b.String()
}

func names(zr *zip.Reader) []string {
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// TestOpenKeepsWhatTheNeedReads: for values only the workbook, its sheets,
// shared strings, styles and their relationships are kept, and the values
// read as from the original; for a rewrite the comment and the picture are
// kept too, and written back; parts no reader needs are left out, with the
// relationships and content types that named them.
func TestOpenKeepsWhatTheNeedReads(t *testing.T) {
	b := officeFile(t)
	book, err := xlsx.Open(bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, xlsx.Values, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
		"xl/workbook.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/worksheets/sheet1.xml"}
	if got := names(book.Parts); !slices.Equal(got, want) {
		t.Errorf("values keep %q, want %q", got, want)
	}
	rows, err := book.File.GetRows("Sheet1")
	if err != nil || len(rows) != 2 || rows[0][1] != "1281" || rows[1][1] != "åäö" {
		t.Errorf("rows %q, %v", rows, err)
	}
	book.File.Close()

	book, err = xlsx.Open(bytes.NewReader(b), int64(len(b)), xlsx.Limits{}, xlsx.Rewrite, excelize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := names(book.Parts)
	for _, name := range []string{"xl/comments1.xml", "xl/drawings/drawing1.xml", "xl/media/image1.png", "xl/theme/theme1.xml", "docProps/core.xml"} {
		if !slices.Contains(got, name) {
			t.Errorf("a rewrite lost %s: %q", name, got)
		}
	}
	for _, name := range []string{"customXml/item1.xml", "xl/unknown/stray.bin", "xl/vbaProject.bin"} {
		if slices.Contains(got, name) {
			t.Errorf("a rewrite kept %s", name)
		}
	}
	var out bytes.Buffer
	if _, err := book.File.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	written, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range written.File {
		if c := partText(zf); strings.Contains(c, "customXml/item1.xml") || strings.Contains(c, "vbaProject.bin") || strings.Contains(c, "stray.bin") {
			t.Errorf("the copy's %s still names a part left out: %s", zf.Name, c)
		}
	}
	again, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	comments, _ := again.GetComments("Sheet1")
	pics, _ := again.GetPictures("Sheet1", "D4")
	if len(comments) != 1 || len(pics) != 1 {
		t.Errorf("written back: %d comments, %d pictures", len(comments), len(pics))
	}
}

// randomPart is n bytes of XML comments of random letters: it barely
// compresses, so only a size cap can stop it.
func randomPart(n int) string {
	rnd := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for b.Len() < n {
		b.WriteString("<!--")
		for range 64 << 10 {
			b.WriteByte(byte('a' + rnd.IntN(26)))
		}
		b.WriteString("-->")
	}
	b.WriteString("</styleSheet>")
	return b.String()
}

// TestOpenCaps: a part held whole over the part cap, parts over the total
// as they are read, and a reader longer than any file under the total.
func TestOpenCaps(t *testing.T) {
	styles, err := workbooktest.ReplacePart(workbooktest.HostileBase(), "xl/styles.xml", []byte(randomPart(3<<20)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		lim  xlsx.Limits
		want string
	}{
		{"under the caps", xlsx.Limits{}, ""},
		{"a part over its cap", xlsx.Limits{Part: 2 << 20}, xlsx.CodeUnzipLimit},
		{"over the total", xlsx.Limits{Total: 3 << 20}, xlsx.CodeUnzipLimit},
	} {
		_, err := xlsx.Open(bytes.NewReader(styles), int64(len(styles)), c.lim, xlsx.Values, excelize.Options{})
		if got := xlsx.CodeOf(err); got != c.want || c.want == "" && err != nil {
			t.Errorf("%s: %q (%v), want %q", c.name, got, err, c.want)
		}
	}
	long := io.MultiReader(bytes.NewReader(styles), strings.NewReader(strings.Repeat(" ", 3<<20)))
	if _, err := xlsx.OpenReader(long, xlsx.Limits{Total: 1 << 20}, xlsx.Values, excelize.Options{}); xlsx.CodeOf(err) != xlsx.CodeUnzipLimit {
		t.Errorf("a long reader: %v", err)
	}
}

// BenchmarkOpenLong opens the long benchmark workbook (23 MB, its sheet
// 200 MiB unpacked) with excelize alone and through Open: the cost of the
// counter and the guard over excelize's own open.
func BenchmarkOpenLong(b *testing.B) {
	file, _ := workbooktest.LongFile()
	opts := excelize.Options{UnzipSizeLimit: 1 << 30}
	for _, c := range []struct {
		name string
		open func() (*excelize.File, error)
	}{
		{"excelize", func() (*excelize.File, error) { return excelize.OpenReader(bytes.NewReader(file), opts) }},
		{"xlsx", func() (*excelize.File, error) {
			book, err := xlsx.Open(bytes.NewReader(file), int64(len(file)), xlsx.Limits{Total: 1 << 30}, xlsx.Values, opts)
			if err != nil {
				return nil, err
			}
			return book.File, nil
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(file)))
			for b.Loop() {
				f, err := c.open()
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

// TestOpenCheck: the caller's check runs as the parts are read, and its
// error stops Open as it is.
func TestOpenCheck(t *testing.T) {
	gone := errors.New("the request is gone")
	b := workbooktest.HostileBase()
	calls := 0
	_, err := xlsx.Open(bytes.NewReader(b), int64(len(b)), xlsx.Limits{Check: func() error { calls++; return gone }}, xlsx.Values, excelize.Options{})
	if err != gone || calls != 1 {
		t.Errorf("%v after %d calls, want %v after one", err, calls, gone)
	}
}
