package web

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// ErrorBody is the JSON shape of every API error:
// {"error":{"code":"…","message":"…"}}, the message in Swedish.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code and Swedish message of an error.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error writes an API error and stops the handler chain.
func Error(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, ErrorBody{ErrorDetail{Code: code, Message: message}})
}

const errorPageKey = "klimatrapport.error-page"

// refuse ends a request the shell refuses before any handler runs: as the
// HTML error page outside /api/ when Config.ErrorPage is set, else as a
// JSON error with code.
func refuse(c *gin.Context, code string, err error) {
	if page, ok := c.Get(errorPageKey); ok && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		page.(func(*gin.Context, error))(c, err)
		c.Abort()
		return
	}
	SetRetryAfter(c, err)
	Error(c, StatusOf(kr.KindOf(err)), code, kr.MessageOf(err))
}

// NotFound writes a 404.
func NotFound(c *gin.Context) {
	Error(c, http.StatusNotFound, "not_found", "Sidan eller resursen finns inte.")
}

// StatusOf maps an error kind to an HTTP status.
func StatusOf(kind kr.Kind) int { return statusOf[kind] }

var statusOf = map[kr.Kind]int{
	kr.Other:        http.StatusInternalServerError,
	kr.Invalid:      http.StatusUnprocessableEntity,
	kr.NotFound:     http.StatusNotFound,
	kr.Conflict:     http.StatusConflict,
	kr.Unauthorized: http.StatusUnauthorized,
	kr.Forbidden:    http.StatusForbidden,
	kr.TooLarge:     http.StatusRequestEntityTooLarge,
	kr.Unavailable:  http.StatusServiceUnavailable,
	kr.Busy:         http.StatusServiceUnavailable,
	kr.Throttled:    http.StatusTooManyRequests,
}

// SetRetryAfter sets the Retry-After header, in whole seconds rounded up,
// when err says how long to wait.
func SetRetryAfter(c *gin.Context, err error) {
	if d := kr.RetryAfterOf(err); d > 0 {
		c.Header("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
	}
}

// Fail writes err as an API error with the status its kind implies. Internal
// errors are logged and shown to the caller only as a generic message.
func Fail(c *gin.Context, log *slog.Logger, err error) {
	kind := kr.KindOf(err)
	msg := kr.MessageOf(err)
	if kind == kr.Other {
		log.Error("internal error", "err", err, "request_id", RequestID(c), "path", c.Request.URL.Path)
		msg = kr.MessageOf(nil)
	}
	SetRetryAfter(c, err)
	Error(c, statusOf[kind], kind.String(), msg)
}
