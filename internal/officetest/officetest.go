// Package officetest opens the workbooks the service writes in LibreOffice,
// headless, as an officer's office suite would: converted to PDF (what a
// printout looks like: its pages and their text, read with poppler's
// pdfinfo and pdftotext) and saved again as .xlsx (a round trip through
// another spreadsheet program).
//
// The tests skip when LibreOffice is not installed, unless
// KLIMATRAPPORT_TEST_REQUIRE_OFFICE is set (CI sets it), and then fail.
package officetest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// timeout bounds one conversion; LibreOffice's first start in a new
// profile takes a few seconds.
const timeout = 2 * time.Minute

// soffice finds LibreOffice, or skips (fails when required).
func soffice(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			if _, err := exec.LookPath("pdftotext"); err == nil {
				return p
			}
		}
	}
	if os.Getenv("KLIMATRAPPORT_TEST_REQUIRE_OFFICE") != "" {
		t.Fatal("LibreOffice (soffice) and poppler (pdftotext, pdfinfo) are required: KLIMATRAPPORT_TEST_REQUIRE_OFFICE is set")
	}
	t.Skip("LibreOffice (soffice) or poppler-utils not installed")
	return ""
}

// convert runs LibreOffice on an .xlsx with a profile of its own (so that
// conversions may run at once) and returns the converted file.
func convert(t testing.TB, xlsx []byte, to, ext string) []byte {
	t.Helper()
	bin := soffice(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.xlsx")
	if err := os.WriteFile(in, xlsx, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", to, "--outdir", out, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, "in."+ext))
	if err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", ext, err)
	}
	return b
}

// PDF is the workbook printed to PDF by LibreOffice, every sheet with its
// own print settings.
func PDF(t testing.TB, xlsx []byte) []byte {
	t.Helper()
	return convert(t, xlsx, "pdf", "pdf")
}

// RoundTrip is the workbook opened in LibreOffice and saved again as .xlsx.
func RoundTrip(t testing.TB, xlsx []byte) []byte {
	t.Helper()
	return convert(t, xlsx, "xlsx:Calc MS Excel 2007 XML", "xlsx")
}

// Pages is the text of each page of a PDF, in order.
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(b), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	if want := pageCount(t, pdf); len(pages) != want {
		t.Fatalf("pdftotext gave %d pages, pdfinfo says %d", len(pages), want)
	}
	return pages
}

// Landscape reports whether every page of the PDF is wider than high.
func Landscape(t testing.TB, pdf []byte) bool {
	t.Helper()
	return !slices.Contains(LandscapePages(t, pdf), false)
}

// LandscapePages says of each page of the PDF, in order, whether it is
// wider than high: for a workbook whose sheets print differently.
func LandscapePages(t testing.TB, pdf []byte) []bool {
	t.Helper()
	var pages []bool
	for _, line := range strings.Split(info(t, pdf, "-l", "-1"), "\n") {
		f := strings.Fields(line)
		// "Page    1 size: 841.89 x 595.276 pts (A4)"
		if len(f) >= 7 && f[0] == "Page" && f[2] == "size:" {
			w, _ := strconv.ParseFloat(f[3], 64)
			h, _ := strconv.ParseFloat(f[5], 64)
			pages = append(pages, w > h)
		}
	}
	return pages
}

func pageCount(t testing.TB, pdf []byte) int {
	t.Helper()
	for _, line := range strings.Split(info(t, pdf), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("pdfinfo: pages %q", v)
			}
			return n
		}
	}
	t.Fatal("pdfinfo printed no page count")
	return 0
}

func info(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("pdfinfo", append(args, "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(b)
}

// SheetPages counts the pages whose text contains marker, e.g. a sheet's
// header row.
func SheetPages(pages []string, marker string) int {
	n := 0
	for _, p := range pages {
		if strings.Contains(p, marker) {
			n++
		}
	}
	return n
}
