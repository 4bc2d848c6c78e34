package workbook

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

const (
	msgSaveAsXLSX  = "Öppna filen i Excel eller LibreOffice Calc, välj Spara som och formatet Excel-arbetsbok (.xlsx), och ladda upp den nya filen."
	msgUseTemplate = "Ladda ner mallen, fyll i den och ladda upp den som .xlsx."
)

func megabytes(n int64) string {
	if n < 1<<20 {
		return swedish.Plain(math.Ceil(float64(n)/1024)) + " kB"
	}
	return swedish.Plain(math.Round(float64(n)/(1<<20)*10)/10) + " MB"
}

// sniff decides, before excelize sees the file, whether it is an xlsx zip we
// are willing to open, and gives each other kind of file its own message.
func sniff(r io.ReaderAt, size int64, lim Limits) error {
	if size > lim.MaxBytes {
		return fail(klimatrapport.TooLarge, ProblemTooLarge,
			"Filen är %s; högst %s tas emot. Ta bort bilder, diagram och blad som inte hör till rapporten och försök igen.",
			megabytes(size), megabytes(lim.MaxBytes))
	}
	if size <= 0 {
		return fail(klimatrapport.Invalid, ProblemEmptyFile, "Filen är tom (0 byte). Välj rätt fil och ladda upp den igen.")
	}
	head := make([]byte, min(size, 4096))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return fail(klimatrapport.Invalid, ProblemCorrupt, "Filen kunde inte läsas. Ladda upp den igen.")
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return sniffCFB(r)
	case bytes.HasPrefix(head, []byte("%PDF")):
		return fail(klimatrapport.Invalid, ProblemPDF,
			"Filen är en PDF, inte en Excel-arbetsbok. Siffror i en PDF kan inte läsas in. %s", msgUseTemplate)
	case bytes.HasPrefix(head, []byte("\x89PNG")), bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(head, []byte("GIF8")), bytes.HasPrefix(head, []byte("BM")) && size > 14 && !utf8.Valid(head),
		bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")),
		len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return fail(klimatrapport.Invalid, ProblemImage,
			"Filen är en bild, inte en Excel-arbetsbok. Siffror i en bild kan inte läsas in. %s", msgUseTemplate)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return sniffZip(r, size)
	}
	return sniffText(head)
}

func sniffCFB(r io.ReaderAt) error {
	doc, err := mscfb.New(r)
	if err != nil {
		return fail(klimatrapport.Invalid, ProblemXLS,
			"Filen är i ett äldre Office-format och verkar skadad. %s", msgSaveAsXLSX)
	}
	isXLS := false
	for n := 0; n < 10000; n++ {
		entry, err := doc.Next()
		if err != nil {
			break
		}
		switch strings.ToLower(entry.Name) {
		case "encryptioninfo", "encryptedpackage":
			return fail(klimatrapport.Invalid, ProblemEncrypted,
				"Arbetsboken är krypterad (skyddad med lösenord) och kan inte läsas. Öppna den i Excel, ta bort lösenordet under Arkiv > Info > Skydda arbetsbok > Kryptera med lösenord, spara och ladda upp den igen.")
		case "workbook", "book":
			isXLS = true
		}
	}
	if isXLS {
		return fail(klimatrapport.Invalid, ProblemXLS,
			"Filen är i det gamla Excel-formatet .xls, som inte kan läsas. %s", msgSaveAsXLSX)
	}
	return fail(klimatrapport.Invalid, ProblemXLS,
		"Filen är ett äldre Office-dokument (inte en Excel-arbetsbok i formatet .xlsx). %s", msgSaveAsXLSX)
}

// sniffZip names the kind of a zip that is not a workbook; the sizes of
// its parts are xlsx.Open's to check.
func sniffZip(r io.ReaderAt, size int64) error {
	if err := xlsx.CheckEntries(r, size); err != nil {
		return err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fail(klimatrapport.Invalid, ProblemTruncated,
			"Filen är ofullständig eller skadad (zip-arkivet tar slut för tidigt), troligen avbröts en nedladdning eller uppladdning. Spara arbetsboken på nytt i Excel eller LibreOffice och ladda upp den igen.")
	}
	hasWorkbook, hasWord, hasPPT := false, false, false
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		switch {
		case name == "mimetype":
			if f.UncompressedSize64 < 200 {
				if rc, err := f.Open(); err == nil {
					b, _ := io.ReadAll(io.LimitReader(rc, 200))
					rc.Close()
					mt := string(b)
					if strings.Contains(mt, "opendocument.spreadsheet") {
						return fail(klimatrapport.Invalid, ProblemODS,
							"Filen är i OpenDocument-formatet (.ods). Öppna den i LibreOffice Calc, välj Arkiv > Spara som och filtypen Excel 2007-365 (.xlsx), och ladda upp den nya filen.")
					}
					if strings.Contains(mt, "opendocument") {
						return fail(klimatrapport.Invalid, ProblemNotWorkbook,
							"Filen är ett OpenDocument-dokument men inget kalkylark. %s", msgUseTemplate)
					}
				}
			}
		case name == "xl/workbook.xml" || strings.HasSuffix(name, "/workbook.xml") && strings.HasPrefix(name, "xl"):
			hasWorkbook = true
		case strings.HasPrefix(name, "word/"):
			hasWord = true
		case strings.HasPrefix(name, "ppt/"):
			hasPPT = true
		}
	}
	if !hasWorkbook {
		switch {
		case hasWord:
			return fail(klimatrapport.Invalid, ProblemNotWorkbook, "Filen är ett Word-dokument, inte en Excel-arbetsbok. %s", msgUseTemplate)
		case hasPPT:
			return fail(klimatrapport.Invalid, ProblemNotWorkbook, "Filen är en PowerPoint-presentation, inte en Excel-arbetsbok. %s", msgUseTemplate)
		}
		return fail(klimatrapport.Invalid, ProblemNotWorkbook,
			"Filen är en zip-fil men ingen Excel-arbetsbok. %s", msgUseTemplate)
	}
	return nil
}

func sniffText(head []byte) error {
	h := head
	utf16 := bytes.HasPrefix(h, []byte{0xFF, 0xFE}) || bytes.HasPrefix(h, []byte{0xFE, 0xFF})
	h = bytes.TrimPrefix(h, []byte{0xEF, 0xBB, 0xBF})
	lower := strings.ToLower(string(h))
	trimmed := strings.TrimSpace(lower)
	switch {
	case strings.HasPrefix(trimmed, "<") && (strings.Contains(lower, "<html") || strings.Contains(lower, "<table")):
		return fail(klimatrapport.Invalid, ProblemHTML,
			"Filen är en webbsida (HTML) med filändelsen för Excel, inte en riktig Excel-arbetsbok. %s", msgSaveAsXLSX)
	case strings.HasPrefix(trimmed, "<?xml") && strings.Contains(lower, "urn:schemas-microsoft-com:office:spreadsheet"):
		return fail(klimatrapport.Invalid, ProblemHTML,
			"Filen är i formatet XML-kalkylblad 2003, inte en Excel-arbetsbok (.xlsx). %s", msgSaveAsXLSX)
	}
	if utf16 || looksLikeText(h) {
		return fail(klimatrapport.Invalid, ProblemText,
			"Filen är en textfil (till exempel CSV), inte en Excel-arbetsbok. Öppna mallen i Excel eller LibreOffice, klistra in uppgifterna där, spara som .xlsx och ladda upp den.")
	}
	return fail(klimatrapport.Invalid, ProblemUnknown,
		"Filen är inte en Excel-arbetsbok (.xlsx) och kan inte läsas. %s", msgUseTemplate)
}

// looksLikeText reports whether b is text: valid UTF-8 or Latin-1 without
// control characters other than tab, CR, LF and form feed.
func looksLikeText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	bad := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			bad++
		}
	}
	return bad == 0 || (utf8.Valid(b) && bad*100 < len(b))
}
