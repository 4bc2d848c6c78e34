package site

import (
	"bytes"
	"html/template"
	"log/slog"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// The account part of the header. A page rendered once for everyone (and
// kept in the cache) carries the public variant, "Logga in". A signed-in
// visitor gets the same bytes with that part replaced by their own, rendered
// for the request by the same template (so it is HTML-escaped and looks the
// same), and never stored: the cache keeps one body per page, and no one's
// account ever enters it.

// accountTemplate is the layout's account part on its own: the layout's
// set may not be executed, since the page templates are clones of it.
var accountTemplate = template.Must(template.New("account").ParseFS(templateFS, "templates/account.html"))

// publicAccount is the account part of every page rendered for everyone.
// It is the first thing of its kind in a page: it comes before the
// content, and anything a page shows from its data is escaped, so it
// cannot hold this markup.
var publicAccount = func() []byte {
	b, err := account(kr.Public())
	if err != nil {
		panic(err)
	}
	return b
}()

// account renders the header's account part for actor.
func account(actor kr.Actor) ([]byte, error) {
	var b bytes.Buffer
	err := accountTemplate.ExecuteTemplate(&b, "account", &Frame{Actor: actor})
	return b.Bytes(), err
}

// WithAccount returns page, rendered for everyone, with the header's
// account part for actor in place of "Logga in". page itself is not
// changed. It is false when page has no public account part.
func WithAccount(page []byte, actor kr.Actor) ([]byte, bool, error) {
	before, after, found := bytes.Cut(page, publicAccount)
	if !found {
		return page, false, nil
	}
	own, err := account(actor)
	if err != nil {
		return page, false, err
	}
	return bytes.Join([][]byte{before, own, after}, nil), true, nil
}

// SignedIn says whether the request comes from a signed-in actor, who is
// sent pages with their own account in the header.
func SignedIn(c *gin.Context) bool { return web.ActorOf(c).Role != kr.RolePublic }

// SendSignedIn sends a page rendered for everyone to a signed-in visitor:
// with their account in the header, never stored and without the shared
// page's ETag, so that no browser or proxy answers them with its copy of
// the public page (or anyone else with theirs). A page without the public
// account part is sent as it is, and logged.
func SendSignedIn(c *gin.Context, log *slog.Logger, status int, page []byte) {
	own, found, err := WithAccount(page, web.ActorOf(c))
	if !found || err != nil {
		log.Error("account not put into the page header", "err", err, "path", c.Request.URL.Path, "request_id", web.RequestID(c))
	}
	SendPersonal(c, status, own)
}
