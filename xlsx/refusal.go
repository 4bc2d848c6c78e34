package xlsx

import (
	"errors"
	"math"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// The stable codes of Open's refusals; workbook gives the same codes to
// the officer (its Problem constants).
const (
	CodeTruncated   = "truncated_file"        // not a zip that can be read
	CodeCorrupt     = "corrupt_file"          // a part does not inflate to its declared size and checksum
	CodeNotWorkbook = "not_a_workbook"        // a zip without a workbook part
	CodeUnzipLimit  = "unzip_too_large"       // over the total or a part's uncompressed cap
	CodeRatio       = "compression_ratio"     // a part inflates far beyond what real workbooks do
	CodeEntity      = "xml_entity"            // a DOCTYPE or entity declaration
	CodeNesting     = "xml_nesting"           // elements nested deeper than maxDepth
	CodeToken       = "xml_token_too_long"    // a text run, tag or comment longer than maxToken
	CodeElements    = "xml_too_many_elements" // a part decoded whole with too many elements
	CodeCells       = "too_many_cells"        // a row with more cells than Excel has columns
	CodeStrings     = "too_many_strings"      // more shared strings than the cap
	CodeEntries     = "too_many_parts"        // more zip entries than any workbook has
	CodeSheets      = "too_many_sheets"       // more sheets than the cap
)

const msgSaveAgain = "Öppna filen i Excel eller LibreOffice, spara den på nytt som Excel-arbetsbok (.xlsx) och ladda upp den igen."

// Refusal is the cause inside the *kr.Error Open returns for a file it
// will not open; Code is one of the Code constants.
type Refusal struct{ Code string }

func (r *Refusal) Error() string { return "xlsx: " + r.Code }

// CodeOf is the code of a refusal from Open, or "" for any other error.
func CodeOf(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Code
	}
	return ""
}

func refusal(kind kr.Kind, code, message string) error {
	return kr.Wrap(kind, &Refusal{Code: code}, message)
}

// refuse is the refusal of the XML guard's codes, whose limits are fixed.
func refuse(code string) error {
	switch code {
	case CodeEntity:
		return refusal(kr.Invalid, code, "Filen innehåller en DOCTYPE- eller ENTITY-deklaration, som Excel inte skriver och som kan användas för att överbelasta tjänsten. "+msgSaveAgain)
	case CodeNesting:
		return refusal(kr.Invalid, code, "Filen har XML-element inbäddade i varandra i mer än 128 nivåer, vilket Excel aldrig skriver. "+msgSaveAgain)
	case CodeCells:
		return refusal(kr.TooLarge, code, "En rad i filen har fler än 16 384 celler, fler än Excel har kolumner. "+msgSaveAgain)
	case CodeToken:
		return refusal(kr.TooLarge, code, "Filen innehåller en cell, formel eller XML-tagg som är längre än 1 MB; Excel tillåter högst 32 767 tecken i en cell. "+msgSaveAgain)
	}
	return corrupt()
}

func corrupt() error {
	return refusal(kr.Invalid, CodeCorrupt, "Filen är skadad: en del av zip-arkivet stämmer inte med sin angivna storlek eller kontrollsumma. "+msgSaveAgain)
}

func tooManyElements(n int) error {
	return refusal(kr.TooLarge, CodeElements, "Filen har fler än "+swedish.Plain(float64(n))+
		" element i en del som läses i sin helhet (till exempel formaten i styles.xml), vilket vanliga arbetsböcker aldrig har. "+
		"Ta bort oanvända cellformat, spara filen på nytt och ladda upp den igen.")
}

// overDeclared is the refusal of a zip whose directory declares more than
// the total cap.
func tooManyStrings(n int) error {
	return refusal(kr.TooLarge, CodeStrings, "Filen har fler än "+swedish.Plain(float64(n))+
		" texter i sin lista över delade texter, långt fler än en rapport behöver. Ta bort blad och rader som inte hör till rapporten, spara filen på nytt och ladda upp den igen.")
}

func tooManySheets(n int) error {
	return refusal(kr.TooLarge, CodeSheets, "Arbetsboken har fler än "+swedish.Plain(float64(n))+
		" blad, och högst så många läses. Ta bort blad som inte hör till rapporten och försök igen.")
}

func overDeclared(total uint64, limit int64) error {
	return refusal(kr.TooLarge, CodeUnzipLimit, "Arbetsboken blir "+megabytes(int64(min(total, 1<<62)))+" när den packas upp; högst "+megabytes(limit)+
		" tas emot. Ta bort blad, bilder och tomma rader som inte hör till rapporten och försök igen.")
}

// overTotal is the refusal of parts that inflate to more than the total
// cap, whatever the zip declares.
func overTotal(limit int64) error {
	return refusal(kr.TooLarge, CodeUnzipLimit, "Filen packas upp till mer än "+megabytes(limit)+
		", och högst så mycket tas emot. Ta bort blad, bilder och tomma rader som inte hör till rapporten och försök igen.")
}

func overPart(limit int64) error {
	return refusal(kr.TooLarge, CodeUnzipLimit, "En del av filen (till exempel formaten eller en bild) packas upp till mer än "+megabytes(limit)+
		", och högst så mycket tas emot per del. Ta bort bilder och oanvända format och försök igen.")
}

func overRatio(ratio int64) error {
	return refusal(kr.TooLarge, CodeRatio, "En del av filen packas upp till mer än "+swedish.Plain(float64(ratio))+
		" gånger sin packade storlek, vilket vanliga arbetsböcker aldrig gör (filen liknar en så kallad zip-bomb). "+msgSaveAgain)
}

// megabytes is a size for a message: "100 MB", "12 kB".
func megabytes(n int64) string {
	if n < 1<<20 {
		return swedish.Plain(math.Ceil(float64(n)/1024)) + " kB"
	}
	return swedish.Plain(math.Round(float64(n)/(1<<20)*10)/10) + " MB"
}
