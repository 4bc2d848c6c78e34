package web

import (
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// formRoom is what an upload's body may hold besides the largest workbook:
// the form's other fields and the multipart framing.
const formRoom = 1 << 20

// FormLimit is the body limit of every route that takes no workbook:
// forms and JSON are a few kilobytes.
const FormLimit = 64 << 10

// LimitBody caps request bodies: maxUpload bytes (the default workbook
// limit when 0) plus room for the form on the routes that take a workbook
// (uploads, gin route patterns such as "/api/v1/submissions"), FormLimit
// on every other. A larger declared body gets 413 at once, and reading past
// the cap fails, which ReadUpload reports as too large. It is the only body
// limit: handlers rely on it.
func LimitBody(maxUpload int64, uploads ...string) gin.HandlerFunc {
	maxUpload = UploadLimit(maxUpload)
	return func(c *gin.Context) {
		limit, tooLargeErr := int64(FormLimit), errFormTooLarge
		if slices.Contains(uploads, c.FullPath()) {
			limit, tooLargeErr = maxUpload+formRoom, errTooLarge(maxUpload)
		}
		if c.Request.ContentLength > limit {
			refuse(c, kr.TooLarge.String(), tooLargeErr)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

var errFormTooLarge = kr.E(kr.TooLarge, "Det som skickades är för stort. Ett formulär får vara högst %d kB.", FormLimit>>10)

// Upload is a workbook sent as the field "file" of a multipart form,
// spooled to a temporary file while the request was read, and the form's
// small text fields that the route asked for. Close removes the file.
type Upload struct {
	FileName string   // the name it was sent with, made safe to store and show (SafeFileName)
	File     *os.File // the workbook's bytes; already unlinked where the system allows it
	Size     int64
	fields   map[string]string
}

// Field is the value of the text field name, if the route asked for it.
func (u *Upload) Field(name string) string { return u.fields[name] }

// Close closes and removes the spooled file.
func (u *Upload) Close() error {
	err := u.File.Close()
	os.Remove(u.File.Name()) // gone already where an open file can be unlinked
	return err
}

const (
	// maxFieldBytes bounds each text field an upload form may carry (a
	// municipality code).
	maxFieldBytes = 1 << 10
	// maxParts bounds the parts of an upload form: the file and a few
	// fields, never thousands.
	maxParts = 16
)

var errNoFile = kr.E(kr.Invalid, "Ingen fil kom med. Välj en Excel-fil (.xlsx) och skicka den som fältet \"file\" i formuläret.")

// ReadUpload reads the workbook of the request's multipart field "file",
// of at most max bytes (the default workbook limit when 0), and the text
// fields named in fields (each at most 1 kB; other parts are skipped). The
// body is read as it arrives, never held whole: the file goes to a
// temporary file (in $TMPDIR, which should be on disk, not in memory),
// counted against max as its bytes come. The API and the
// upload form both use it, so they accept the same files and say the same
// when one is too large (kr.TooLarge) or missing (kr.Invalid). The caller
// closes the upload.
func ReadUpload(c *gin.Context, max int64, fields ...string) (*Upload, error) {
	max = UploadLimit(max)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, errNoFile
	}
	up := &Upload{fields: map[string]string{}}
	for parts := 0; ; parts++ {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err == nil && parts == maxParts {
			err = kr.E(kr.Invalid, "Formuläret har för många fält. Skicka bara filen.")
		}
		if err == nil {
			err = up.readPart(p, max, fields)
		}
		if err != nil {
			up.discard()
			return nil, readError(err, max)
		}
	}
	if up.File == nil {
		return nil, errNoFile
	}
	return up, nil
}

// readPart takes the part p: the first file sent as "file" into a
// temporary file, a field the route asked for into fields; the rest is
// skipped. A "file" part without a file name is a form value, as for
// net/http's form parser: a file input left empty sends one.
func (u *Upload) readPart(p *multipart.Part, max int64, fields []string) error {
	defer p.Close()
	name := p.FormName()
	switch {
	case name == "file" && p.FileName() != "" && u.File == nil:
		return u.spool(p, max)
	case p.FileName() == "" && slices.Contains(fields, name):
		b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return err
		}
		if len(b) > maxFieldBytes {
			return kr.E(kr.Invalid, "Fältet %q är för långt.", name)
		}
		u.fields[name] = string(b)
	}
	_, err := io.Copy(io.Discard, p)
	return err
}

// spool copies the file part to a temporary file, refusing it as soon as
// it grows past max.
func (u *Upload) spool(p *multipart.Part, max int64) error {
	f, err := os.CreateTemp("", "klimatrapport-upload-*.xlsx")
	if err != nil {
		return errNoRoom(err)
	}
	os.Remove(f.Name()) // unlinked at once: nothing is left behind should the process die
	u.File, u.FileName = f, SafeFileName(p.FileName())
	n, err := io.Copy(f, io.LimitReader(p, max+1))
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) && pe.Op == "write" {
		return errNoRoom(err) // the disk's fault, not the sender's
	}
	if err != nil {
		return err
	}
	if n > max {
		return errTooLarge(max)
	}
	u.Size = n
	return nil
}

func (u *Upload) discard() {
	if u.File != nil {
		u.Close()
	}
}

// errNoRoom is the service's own failure to keep an upload (no temporary
// file, a full disk): not the sender's fault, so not Invalid.
func errNoRoom(err error) error {
	return kr.Wrap(kr.Unavailable, err, "Tjänsten kunde inte ta emot filen just nu. Ingenting har sparats. Försök igen om en stund.")
}

// readError is what ReadUpload says about err: the cap's own refusal as
// too large, its own Swedish errors as they are, anything else (a broken
// form, a client gone) as a file that did not arrive whole.
func readError(err error, max int64) error {
	var ke *kr.Error
	switch {
	case tooLarge(err):
		return errTooLarge(max)
	case errors.As(err, &ke):
		return err
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return kr.Wrap(kr.Invalid, err, "Formuläret har för stora rubriker. Skicka bara filen.")
	}
	return kr.Wrap(kr.Invalid, err, "Filen kunde inte läsas i sin helhet. Försök ladda upp den igen.")
}

// maxFileName is the longest file name kept, in characters.
const maxFileName = 200

// SafeFileName is the name a file was sent with, made safe to store and
// show: its last path element only (browsers on Windows have sent whole
// paths, "C:\…"), without control or format characters (NUL, bidi
// overrides), at most 200 characters, never "." or "..". An empty result
// becomes "arbetsbok.xlsx".
func SafeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > maxFileName {
		name = string(r[:maxFileName])
	}
	if name == "" || name == "." || name == ".." {
		return "arbetsbok.xlsx"
	}
	return name
}

// UploadLimit is the largest upload: max, or the default workbook limit
// when max is 0.
func UploadLimit(max int64) int64 {
	if max > 0 {
		return max
	}
	return workbook.DefaultLimits().MaxBytes
}

func errTooLarge(max int64) error {
	return kr.E(kr.TooLarge, "Filen är för stor. Den får vara högst %d MB.", max>>20)
}

// tooLarge reports whether err comes from reading past LimitBody's cap.
func tooLarge(err error) bool {
	var e *http.MaxBytesError
	return errors.As(err, &e)
}
