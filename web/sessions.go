package web

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/accounts"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "kr_session"

// AccountAuth authenticates API tokens and session cookies against the
// accounts store, and the static tokens from configuration.
type AccountAuth struct {
	Accounts *accounts.Store
	Static   StaticTokens
}

type sessionKey struct{}

// Authenticate implements Authenticator. A bearer token wins over a cookie.
func (a AccountAuth) Authenticate(r *http.Request) (kr.Actor, error) {
	if token, ok := BearerToken(r); ok {
		if strings.HasPrefix(token, accounts.TokenPrefix) {
			acc, ok, err := a.Accounts.ByToken(r.Context(), token)
			if err != nil {
				return kr.Public, err
			}
			if !ok {
				return kr.Public, kr.E(kr.Unauthorized, "Ogiltig, återkallad eller avstängd API-nyckel.")
			}
			return acc.Actor(), nil
		}
		return a.Static.Authenticate(r)
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return kr.Public, nil
	}
	s, ok, err := a.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return kr.Public, err
	}
	if !ok {
		return kr.Public, nil // an expired session is simply signed out
	}
	*r = *r.WithContext(withSession(r.Context(), s))
	return s.Account.Actor(), nil
}

// SessionOf returns the request's browser session, if it came with one.
func SessionOf(c *gin.Context) (accounts.Session, bool) {
	s, ok := c.Request.Context().Value(sessionKey{}).(accounts.Session)
	return s, ok
}

// CSRFField is the form field (or X-CSRF-Token header) holding the token.
const CSRFField = "csrf"

// CSRF rejects state-changing requests of browser sessions that do not
// carry the session's CSRF token. Requests with a bearer token carry no
// ambient credentials and need none; anonymous requests have no session to
// abuse (the login form has its own check).
func CSRF() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		s, ok := SessionOf(c)
		if !ok {
			c.Next()
			return
		}
		token := c.GetHeader("X-CSRF-Token")
		if token == "" {
			if err := parseForm(c.Request); TooLarge(err) {
				Error(c, http.StatusRequestEntityTooLarge, "too_large", "Det du skickar är för stort.")
				return
			}
			token = c.PostForm(CSRFField)
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
			Error(c, http.StatusForbidden, "csrf", "Formuläret är för gammalt eller kom inte från den här webbplatsen. Ladda om sidan och försök igen.")
			return
		}
		c.Next()
	}
}

// Audit records every state-changing request: who, what, when, from where,
// and how it ended.
func Audit(store *accounts.Store, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return
		}
		route := c.FullPath()
		if route == "" {
			return
		}
		var target []string
		for _, p := range c.Params {
			target = append(target, p.Key+"="+p.Value)
		}
		details := "status=" + http.StatusText(c.Writer.Status())
		if err := store.Audit(c.Request.Context(), ActorOf(c), c.Request.Method+" "+route, strings.Join(target, " "),
			c.ClientIP(), RequestID(c), details); err != nil {
			log.Error("audit log: write not recorded", "err", err, "route", route, "request_id", RequestID(c))
		}
	}
}

// parseForm parses a urlencoded or multipart body and returns the error
// gin's PostForm would swallow.
func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(32 << 20)
	}
	return r.ParseForm()
}
