package web

import (
	"net/http"
	"strings"

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

// Authenticate implements Authenticator. A bearer token wins over a cookie.
func (a AccountAuth) Authenticate(r *http.Request) (kr.Actor, error) {
	if token, ok := BearerToken(r); ok {
		if strings.HasPrefix(token, accounts.TokenPrefix) {
			acc, ok, err := a.Accounts.ByToken(r.Context(), token)
			if err != nil {
				return kr.Public(), err
			}
			if !ok {
				return kr.Public(), kr.E(kr.Unauthorized, "Ogiltig, återkallad eller avstängd API-nyckel.")
			}
			return acc.Actor(), nil
		}
		return a.Static.Authenticate(r)
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return kr.Public(), nil
	}
	s, ok, err := a.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		return kr.Public(), err
	}
	if !ok {
		return kr.Public(), nil // an expired session is simply signed out
	}
	return s.Account.Actor(), nil
}
