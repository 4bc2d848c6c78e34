package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// formRoom is what a request body may hold besides the largest workbook:
// the form's other fields and the multipart framing.
const formRoom = 1 << 20

// LimitBody caps every request body at the largest upload, maxUpload bytes
// (the default workbook limit when 0), plus room for its form: a larger
// declared body gets 413 at once, and reading past the cap fails, which
// ReadUpload reports as too large. It is the only body limit: handlers
// rely on it.
func LimitBody(maxUpload int64) gin.HandlerFunc {
	maxUpload = UploadLimit(maxUpload)
	return func(c *gin.Context) {
		if c.Request.ContentLength > maxUpload+formRoom {
			refuse(c, kr.TooLarge.String(), errTooLarge(maxUpload))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUpload+formRoom)
		c.Next()
	}
}

// Upload is a workbook sent as the field "file" of a multipart form.
type Upload struct {
	FileName string
	Content  []byte
}

// ReadUpload reads the workbook of the request's multipart field "file",
// of at most max bytes (the default workbook limit when 0). The API and the
// upload form both use it, so they accept the same files and say the same
// when one is too large (kr.TooLarge) or missing (kr.Invalid).
func ReadUpload(c *gin.Context, max int64) (Upload, error) {
	max = UploadLimit(max)
	fh, err := c.FormFile("file")
	if err != nil {
		if tooLarge(err) {
			return Upload{}, errTooLarge(max)
		}
		return Upload{}, kr.E(kr.Invalid, "Ingen fil kom med. Välj en Excel-fil (.xlsx) och skicka den som fältet \"file\" i formuläret.")
	}
	if fh.Size > max {
		return Upload{}, errTooLarge(max)
	}
	f, err := fh.Open()
	if err != nil {
		return Upload{}, err
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return Upload{}, kr.Wrap(kr.Invalid, err, "Filen kunde inte läsas i sin helhet. Försök ladda upp den igen.")
	}
	if int64(len(content)) > max {
		return Upload{}, errTooLarge(max)
	}
	return Upload{FileName: fh.Filename, Content: content}, nil
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
