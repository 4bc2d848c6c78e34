package workbook

import (
	"errors"
	"slices"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Limits bound what Parse spends on one file. A zero field takes the value of
// DefaultLimits.
type Limits struct {
	MaxBytes          int64         // the file itself; default 20 MB
	MaxRows           int           // rows read per sheet; default 1 048 576 (Excel's own maximum)
	MaxCols           int           // columns read per row; default 256
	Timeout           time.Duration // wall time for the whole parse; default 2 minutes
	UnzipSizeLimit    int64         // total uncompressed size of the zip, declared and as read; default 100 MiB
	UnzipXMLSizeLimit int64         // a sheet larger than this is streamed from a temporary file; default 16 MiB
	BatchSize         int           // inventory values per Sink.Inventory call; default 4096

	// NameToCode resolves a municipality name (SMHI's export carries names
	// only) to its code. When nil, or when it does not know the name, a file
	// in SMHI's layout is returned with Details.Name set and Details.Code
	// empty, and the caller resolves it before validating.
	NameToCode func(name string) (code string, ok bool)
	// CountyToCode resolves a county name the same way, for a region's
	// upload of SMHI's county rows.
	CountyToCode func(name string) (code string, ok bool)
}

// DefaultLimits returns the limits used for zero fields of Limits.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:          20 << 20,
		MaxRows:           1 << 20,
		MaxCols:           256,
		Timeout:           2 * time.Minute,
		UnzipSizeLimit:    100 << 20,
		UnzipXMLSizeLimit: 16 << 20,
		BatchSize:         4096,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	defaultIfUnset(&l.MaxBytes, d.MaxBytes)
	defaultIfUnset(&l.MaxRows, d.MaxRows)
	defaultIfUnset(&l.MaxCols, d.MaxCols)
	defaultIfUnset(&l.Timeout, d.Timeout)
	defaultIfUnset(&l.UnzipSizeLimit, d.UnzipSizeLimit)
	defaultIfUnset(&l.UnzipXMLSizeLimit, d.UnzipXMLSizeLimit)
	l.UnzipXMLSizeLimit = min(l.UnzipXMLSizeLimit, l.UnzipSizeLimit)
	defaultIfUnset(&l.BatchSize, d.BatchSize)
	return l
}

// defaultIfUnset sets a limit that is zero or negative to its default.
func defaultIfUnset[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// File-level failures. Each is a *klimatrapport.Error whose Message is the
// Swedish text shown to the officer; FileProblem returns the stable code.
const (
	ProblemEmptyFile      = "empty_file"
	ProblemTooLarge       = "file_too_large"
	ProblemXLS            = "xls_file"
	ProblemODS            = "ods_file"
	ProblemText           = "text_file"
	ProblemHTML           = "html_file"
	ProblemPDF            = "pdf_file"
	ProblemImage          = "image_file"
	ProblemTruncated      = xlsx.CodeTruncated
	ProblemCorrupt        = xlsx.CodeCorrupt
	ProblemEncrypted      = "encrypted_file"
	ProblemNotWorkbook    = xlsx.CodeNotWorkbook
	ProblemNoKnownSheet   = "no_known_sheet"
	ProblemNoData         = "empty_workbook"
	ProblemUnzipLimit     = xlsx.CodeUnzipLimit
	ProblemRatio          = xlsx.CodeRatio
	ProblemXMLEntity      = xlsx.CodeEntity
	ProblemXMLNesting     = xlsx.CodeNesting
	ProblemXMLToken       = xlsx.CodeToken
	ProblemXMLElements    = xlsx.CodeElements
	ProblemTooManyCells   = xlsx.CodeCells
	ProblemTooManyStrings = xlsx.CodeStrings
	ProblemTooManyParts   = xlsx.CodeEntries
	ProblemTooManySheets  = xlsx.CodeSheets
	ProblemTooManyRows    = "too_many_rows"
	ProblemTooManyCols    = "too_many_columns"
	ProblemTimeout        = "timeout"
	ProblemInternal       = "unreadable"
	ProblemUnknown        = "unknown_format"
)

// fileError is the cause inside a file-level *klimatrapport.Error; it carries
// the stable problem code.
type fileError struct{ code string }

func (e *fileError) Error() string { return e.code }

func fail(kind klimatrapport.Kind, code, format string, args ...any) error {
	e := klimatrapport.E(kind, format, args...).(*klimatrapport.Error)
	e.Err = &fileError{code: code}
	return e
}

// FileProblem returns the stable code (one of the Problem constants) of a
// file-level error returned by Parse, or "" for any other error.
func FileProblem(err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe.code
	}
	return xlsx.CodeOf(err)
}

// fileProblems are the Problem constants.
var fileProblems = []string{
	ProblemEmptyFile, ProblemTooLarge, ProblemXLS, ProblemODS, ProblemText, ProblemHTML, ProblemPDF, ProblemImage,
	ProblemTruncated, ProblemCorrupt, ProblemEncrypted, ProblemNotWorkbook, ProblemNoKnownSheet, ProblemNoData,
	ProblemUnzipLimit, ProblemRatio, ProblemXMLEntity, ProblemXMLNesting, ProblemXMLToken, ProblemXMLElements,
	ProblemTooManyCells, ProblemTooManyStrings, ProblemTooManyParts, ProblemTooManySheets,
	ProblemTooManyRows, ProblemTooManyCols, ProblemTimeout, ProblemInternal, ProblemUnknown,
}

// IsFileProblem reports whether code is one of the Problem constants: the
// file itself was refused (not a workbook, damaged, over a limit, refused
// by the XML guard), as opposed to an item about its content.
func IsFileProblem(code string) bool { return slices.Contains(fileProblems, code) }
