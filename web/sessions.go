package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
)

// SessionCookie is the name of the session cookie. Over https it carries
// the __Host- prefix (see CookieName).
const SessionCookie = "kr_session"

// hostPrefix makes a browser keep a cookie only if it was set over https,
// with Secure, Path=/ and no Domain: no other host (a sibling subdomain)
// and no plain-http page can set or replace it.
const hostPrefix = "__Host-"

// CookieName is the name a cookie has on this request: with the __Host-
// prefix over https, plain over http (tests, development), where browsers
// refuse the prefix.
func CookieName(r *http.Request, name string) string {
	if secureRequest(r) {
		return hostPrefix + name
	}
	return name
}

// SetCookie sets an HttpOnly, SameSite=Lax cookie for the whole site and
// this host only; over https it is Secure and named with the __Host-
// prefix. A negative maxAge removes it, under both names. A response that
// sets a cookie is never stored by a cache.
func SetCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	private(c)
	secure := secureRequest(c.Request)
	age := int(maxAge.Seconds())
	if maxAge < 0 {
		age = -1
		if secure { // a cookie set over http before the service moved to https
			http.SetCookie(c.Writer, &http.Cookie{Name: name, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: CookieName(c.Request, name), Value: value, Path: "/", MaxAge: age,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Cookie returns the value of a cookie set by SetCookie, "" if none. Over
// https only the __Host- cookie counts: a plain one may have been planted
// by another host of the domain (a session fixed by an attacker).
func Cookie(r *http.Request, name string) string {
	c, err := r.Cookie(CookieName(r, name))
	if err != nil {
		return ""
	}
	return c.Value
}

// AccountAuth authenticates API tokens and session cookies against the
// accounts store, and the static tokens from configuration.
type AccountAuth struct {
	Accounts *accounts.Store
	Static   StaticTokens
}

// Authenticate implements Authenticator. A bearer token wins over a cookie.
func (a AccountAuth) Authenticate(r *http.Request) (kr.Actor, error) {
	if token, ok := BearerToken(r); ok {
		if strings.HasPrefix(token, accounts.TokenPrefix) {
			acc, ok, err := a.Accounts.ByToken(r.Context(), token)
			if err != nil {
				return kr.Public(), err
			}
			if !ok {
				return kr.Public(), kr.E(kr.Unauthorized, "Ogiltig, återkallad, utgången eller avstängd API-nyckel.")
			}
			return acc.Actor(), nil
		}
		return a.Static.Authenticate(r)
	}
	secret := Cookie(r, SessionCookie)
	if secret == "" {
		return kr.Public(), nil
	}
	s, ok, err := a.Accounts.Session(r.Context(), secret)
	if err != nil {
		return kr.Public(), err
	}
	if !ok {
		return kr.Public(), nil // an expired session is simply signed out
	}
	return s.Account.Actor(), nil
}
