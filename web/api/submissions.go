package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// postSubmission takes a multipart upload with the workbook in "file".
func (a *API) postSubmission(c *gin.Context) error {
	actor := web.ActorOf(c)
	// Refuse before reading the body: the public and reviewers never upload.
	if err := access.Check(actor, access.Submit, actor.Municipality); err != nil {
		return err
	}
	up, err := web.ReadUpload(c, a.Submissions.Limits.MaxBytes, "municipality")
	if err != nil {
		return err
	}
	defer up.Close()
	res, err := a.Submissions.Submit(c.Request.Context(), actor, submissions.Upload{
		FileName: up.FileName, File: up.File, Size: up.Size, Municipality: up.Field("municipality"),
	})
	switch {
	case err != nil:
		return err
	case res.Existing:
		c.JSON(http.StatusOK, res)
	case res.Accepted():
		c.Header("Location", "/api/v1/submissions/"+res.Submission.ID)
		c.JSON(http.StatusCreated, res)
	default:
		c.JSON(http.StatusUnprocessableEntity, gin.H{
			"error":      web.ErrorDetail{Code: "invalid", Message: rejectedMessage(res.Submission.Items)},
			"submission": res.Submission, "report": res.Submission.Items,
		})
	}
	return nil
}

func rejectedMessage(items kr.Items) string {
	n := 0
	for _, it := range items {
		if it.Severity == kr.SeverityError {
			n++
		}
	}
	if n == 1 {
		return "Filen har 1 fel och har inte tagits emot. Rätta felet och ladda upp filen igen."
	}
	return fmt.Sprintf("Filen har %d fel och har inte tagits emot. Rätta felen och ladda upp filen igen.", n)
}

// submission loads a submission the actor may read (to others it does
// not exist).
func (a *API) submission(c *gin.Context) (kr.Submission, error) {
	return a.Submissions.Readable(c.Request.Context(), web.ActorOf(c), c.Param("id"))
}

func (a *API) getSubmission(c *gin.Context) error {
	sub, err := a.submission(c)
	if err == nil {
		c.JSON(http.StatusOK, sub)
	}
	return err
}

func (a *API) getSubmissionFile(c *gin.Context) error {
	sub, b, err := a.Submissions.Original(c.Request.Context(), web.ActorOf(c), c.Param("id"))
	if err == nil {
		attachment(c, sub.FileName, "inlamning-"+sub.ID+".xlsx")
		c.Data(http.StatusOK, xlsxType, b)
	}
	return err
}

// getAnnotated sends the submission's annotated copy, built once by the
// submissions service; a file that could not be read has none (409).
func (a *API) getAnnotated(c *gin.Context) error {
	sub, b, err := a.Submissions.Annotated(c.Request.Context(), web.ActorOf(c), c.Param("id"))
	if err == nil {
		attachment(c, "", "granskad-"+sub.ID+".xlsx")
		c.Data(http.StatusOK, xlsxType, b)
	}
	return err
}

func (a *API) listSubmissions(c *gin.Context) error {
	code := c.Param("code")
	if err := allow(c, access.ReadSubmission, code); err != nil {
		return err
	}
	versions, err := a.Submissions.List(c.Request.Context(), code)
	if err == nil {
		c.JSON(http.StatusOK, gin.H{"municipality": code, "submissions": versions})
	}
	return err
}

var codeRe = regexp.MustCompile(`^(\d{2}|\d{4})$`)

// getTemplate returns the template, pre-filled with a municipality's current
// data when ?municipality= is given (published data only: no contacts);
// without one it is the same for everyone, built once per year and
// cacheable by browsers and proxies.
func (a *API) getTemplate(c *gin.Context) error {
	code := c.Query("municipality")
	year := time.Now().Year()
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < kr.FirstYear || n > year+1 {
			return kr.E(kr.Invalid, "Ange rapportåret som ett årtal mellan %d och %d.", kr.FirstYear, year+1)
		}
		year = n
	}
	if code == "" {
		b, err := blankTemplate(year)
		if err != nil {
			return err
		}
		attachment(c, "", fmt.Sprintf("klimatrapport-%d.xlsx", year))
		c.Header("Cache-Control", "public, max-age=3600")
		c.Data(http.StatusOK, xlsxType, b)
		return nil
	}
	if !codeRe.MatchString(code) {
		return kr.E(kr.Invalid, "Kommunkoden ska vara fyra siffror (t.ex. 1281) eller två för en region.")
	}
	cur, err := a.Submissions.Current(c.Request.Context(), code)
	if err != nil {
		return err
	}
	cur.Details.ReportYear = year
	opts := workbook.TemplateOptions{Code: code, Year: year, Prefill: cur}
	return sendWorkbook(c, fmt.Sprintf("klimatrapport-%s-%d.xlsx", code, year), func(w io.Writer) error { return workbook.WriteTemplate(w, opts) })
}

// blankTemplates are the templates without a municipality's data, by
// year: the same bytes for everyone, so each is built once. getTemplate
// takes only years from kr.FirstYear to next year, so they are few.
var blankTemplates sync.Map // year → func() ([]byte, error)

func blankTemplate(year int) ([]byte, error) {
	build, _ := blankTemplates.LoadOrStore(year, sync.OnceValues(func() ([]byte, error) {
		var b bytes.Buffer
		err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Year: year})
		return b.Bytes(), err
	}))
	return build.(func() ([]byte, error))()
}

// sendWorkbook sends the workbook that write makes as a download named
// name; nothing is sent when write fails.
func sendWorkbook(c *gin.Context, name string, write func(io.Writer) error) error {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	attachment(c, "", name)
	c.Data(http.StatusOK, xlsxType, b.Bytes())
	return nil
}

// attachment sets a download header with a safe file name.
func attachment(c *gin.Context, name, fallback string) {
	if name == "" || !safeName.MatchString(name) {
		name = fallback
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("X-Content-Type-Options", "nosniff")
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9._ -]{1,100}$`)
