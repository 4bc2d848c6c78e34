package portal

import (
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// Signing in and out, and choosing a password from a one-time link.

type loginView struct {
	view
	Email, Next string
}

func (p *Portal) loginForm(c *gin.Context) {
	v := &loginView{view: p.view(c, "Logga in", "portal"), Next: safeNext(c.Query("nasta"))}
	if c.Query("klart") == "losenord" {
		v.Notice = "Lösenordet är sparat. Logga in med det."
	}
	p.render(c, http.StatusOK, "logga-in", v)
}

func (p *Portal) login(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	v := &loginView{view: p.view(c, "Logga in", "portal"), Email: email, Next: safeNext(c.PostForm("nasta"))}
	acc, err := p.Throttle.Login(c.Request.Context(), accounts.Attempt{Email: email, Password: c.PostForm("password"),
		Remote: c.ClientIP(), RequestID: web.RequestID(c)})
	if err != nil {
		p.refuseLogin(c, v, err)
		return
	}
	secret, _, err := p.Accounts.StartSession(c.Request.Context(), acc)
	if err != nil {
		p.fail(c, err)
		return
	}
	setCookie(c, web.SessionCookie, secret, p.Accounts.SessionMaxAge())
	p.Accounts.Audit(c.Request.Context(), acc.Actor(), "login", acc.Email, c.ClientIP(), web.RequestID(c), "")
	next := v.Next
	if next == "" {
		next = "/granskning"
		if acc.Role == kr.RoleOfficer {
			next = "/rapportera"
		}
	}
	c.Redirect(http.StatusSeeOther, next)
}

// refuseLogin shows the login form again with why the attempt was refused:
// a wrong address or password (401), or too many attempts (429, with
// Retry-After); anything else is the error page.
func (p *Portal) refuseLogin(c *gin.Context, v *loginView, err error) {
	status := http.StatusUnauthorized
	switch kr.KindOf(err) {
	case kr.Unauthorized:
	case kr.Throttled:
		status = http.StatusTooManyRequests
		web.SetRetryAfter(c, err)
	default:
		p.fail(c, err)
		return
	}
	v.Error = kr.MessageOf(err)
	p.render(c, status, "logga-in", v)
}

func (p *Portal) logout(c *gin.Context) {
	if secret := web.Cookie(c.Request, web.SessionCookie); secret != "" {
		if err := p.Accounts.EndSession(c.Request.Context(), secret); err != nil {
			p.fail(c, err)
			return
		}
	}
	setCookie(c, web.SessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

type passwordView struct {
	view
	Key       string
	MinLength int
}

func (p *Portal) passwordForm(c *gin.Context) {
	v := &passwordView{view: p.view(c, "Välj lösenord", "portal"), Key: c.Query("nyckel"), MinLength: accounts.MinPasswordLength}
	p.render(c, http.StatusOK, "losenord", v)
}

func (p *Portal) setPassword(c *gin.Context) {
	v := &passwordView{view: p.view(c, "Välj lösenord", "portal"), Key: c.PostForm("nyckel"), MinLength: accounts.MinPasswordLength}
	pw, again := c.PostForm("password"), c.PostForm("password2")
	if pw != again {
		v.Error = "Lösenorden är inte lika. Skriv samma lösenord två gånger."
		p.render(c, http.StatusUnprocessableEntity, "losenord", v)
		return
	}
	if _, err := p.Accounts.UsePasswordLink(c.Request.Context(), v.Key, pw); err != nil {
		if kr.KindOf(err) != kr.Invalid {
			p.fail(c, err)
			return
		}
		v.Error = kr.MessageOf(err)
		p.render(c, http.StatusUnprocessableEntity, "losenord", v)
		return
	}
	c.Redirect(http.StatusSeeOther, "/logga-in?klart=losenord")
}

// setCookie sets a cookie as web.SetCookie does (host-only, HttpOnly,
// SameSite=Lax; Secure and __Host- over https); a negative maxAge removes
// it.
func setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	web.SetCookie(c, name, value, maxAge)
}

// maxNext is the longest page address followed after signing in.
const maxNext = 2048

// slashLike are characters a browser or a proxy may read as a slash or a
// backslash.
const slashLike = "\\\u2044\u2215\u2216\u29f8\ufe68\uff0f\uff3c"

// safeNext returns next when it is a path on this site, else "" (the
// default page): a URL without scheme, host or user that starts with one
// "/", with no "//" in its path, and in none of its layers of
// percent-encoding a control character, a backslash or a look-alike slash.
func safeNext(next string) string {
	if len(next) > maxNext || !strings.HasPrefix(next, "/") {
		return ""
	}
	for _, r := range next {
		if r <= ' ' || r >= 0x7f { // a URI is printable ASCII
			return ""
		}
	}
	// A path that starts with one "/" and has no "//" has no scheme, host
	// or user; each layer is checked for that, and for what a browser
	// could read as a slash, before it is decoded again.
	for layer, i := next, 0; ; i++ {
		path, _, _ := strings.Cut(layer, "?")
		if !strings.HasPrefix(layer, "/") || strings.Contains(path, "//") || strings.ContainsAny(layer, slashLike) ||
			strings.ContainsFunc(layer, unicode.IsControl) {
			return ""
		}
		decoded, err := url.PathUnescape(layer)
		if err != nil || i > 3 {
			return ""
		}
		if decoded == layer {
			return next
		}
		layer = decoded
	}
}
