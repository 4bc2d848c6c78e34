package site

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// errorTemplate is the error page: a heading and a message in the layout.
var errorTemplate = MustParse(templateFS, nil, nil, "error")

type errorView struct {
	Frame
	Heading, Message string
}

// Fail answers a page's request with the error page for err, with the
// status web.StatusOf gives its kind; a visitor who must sign in first is
// sent to the login page instead, and comes back after.
func Fail(c *gin.Context, log *slog.Logger, err error) {
	if kr.KindOf(err) == kr.Unauthorized && web.ActorOf(c).Role == kr.RolePublic {
		c.Redirect(http.StatusSeeOther, "/logga-in?nasta="+url.QueryEscape(c.Request.URL.RequestURI()))
		return
	}
	status, body := ErrorPage(c, log, err)
	web.SetRetryAfter(c, err)
	SendPersonal(c, status, body)
}

// ErrorPage renders the error page for err and returns it with its status.
// A page that is looked at (GET) says what is wrong with the address, and
// a wrong address is 400 Bad Request rather than the API's 422: nothing
// was sent to be processed. A form that was sent says it did not go
// through. Internal errors are logged and shown only as a generic message.
func ErrorPage(c *gin.Context, log *slog.Logger, err error) (int, []byte) {
	kind := kr.KindOf(err)
	status := web.StatusOf(kind)
	viewing := c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead
	v := &errorView{Frame: Frame{Title: "Något gick fel", Actor: web.ActorOf(c)}, Heading: "Något gick fel", Message: kr.MessageOf(err)}
	switch {
	case !viewing:
		v.Heading = "Det gick inte"
	case kind == kr.NotFound:
		v.Title, v.Heading = "Sidan finns inte", "Sidan finns inte"
	case kind == kr.Invalid:
		status, v.Title, v.Heading = http.StatusBadRequest, "Felaktig adress", "Adressen går inte att visa"
	case kind == kr.Unauthorized, kind == kr.Forbidden:
		v.Title, v.Heading = "Ingen behörighet", "Du får inte se den här sidan"
	case kind == kr.Busy: // nothing is wrong: the page comes after a wait (Retry-After)
		v.Title, v.Heading = "Ett ögonblick", "Ett ögonblick"
	}
	switch kind {
	case kr.Unavailable:
		v.Message = "Databasen svarar inte just nu. Försök igen om en stund."
	case kr.Other:
		log.Error("page failed", "err", err, "path", c.Request.URL.Path, "request_id", web.RequestID(c))
		v.Message = kr.MessageOf(nil)
	}
	b, rerr := errorTemplate.Execute("error", v)
	if rerr != nil {
		log.Error("error page not rendered", "err", rerr)
		b = []byte("<!DOCTYPE html><html lang=\"sv\"><title>Fel</title><p>Något gick fel.</p></html>")
	}
	return status, b
}
