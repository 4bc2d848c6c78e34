package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Authenticator finds out who makes a request. It returns kr.Public() for an
// anonymous request and an error of kind Unauthorized for bad credentials.
// Handlers never look at credentials themselves: they ask ActorOf and
// package access, so a new way to sign in changes no handler.
type Authenticator interface {
	Authenticate(r *http.Request) (kr.Actor, error)
}

const actorKey = "klimatrapport.actor"

// Authenticate is middleware that resolves the actor of every request.
func Authenticate(a Authenticator) gin.HandlerFunc {
	return func(c *gin.Context) {
		actor := kr.Public()
		if a != nil {
			var err error
			actor, err = a.Authenticate(c.Request)
			if err != nil {
				c.Header("WWW-Authenticate", `Bearer realm="klimatrapport"`)
				Error(c, http.StatusUnauthorized, "unauthorized", kr.MessageOf(err))
				return
			}
		}
		c.Set(actorKey, actor)
		c.Next()
	}
}

// ActorOf returns the request's actor (kr.Public() when nobody signed in).
func ActorOf(c *gin.Context) kr.Actor {
	if a, ok := c.Get(actorKey); ok {
		return a.(kr.Actor)
	}
	return kr.Public()
}

// StaticTokens authenticates bearer tokens given in configuration, each with
// a role and, for officers, a municipality. It serves until accounts with
// their own tokens exist, and for machines (imports from scripts).
type StaticTokens map[string]kr.Actor

// ParseStaticTokens reads "TOKEN:ROLE[:CODE]" entries separated by commas,
// e.g. "s3cret:admin,lundtoken:officer:1281".
func ParseStaticTokens(spec string) (StaticTokens, error) {
	st := StaticTokens{}
	for _, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, ":")
		if len(parts) < 2 || len(parts[0]) < 16 {
			return nil, fmt.Errorf("API token entry must be TOKEN:ROLE[:CODE] with a token of at least 16 characters")
		}
		a := kr.Actor{ID: "token:" + parts[0][:4] + "…", Role: kr.Role(parts[1])}
		switch a.Role {
		case kr.RoleOfficer:
			if len(parts) != 3 || parts[2] == "" {
				return nil, fmt.Errorf("an officer token needs a municipality code: TOKEN:officer:CODE")
			}
			a.Municipality = parts[2]
		case kr.RoleReviewer, kr.RoleAdmin:
		default:
			return nil, fmt.Errorf("unknown role %q in API token entry (officer, reviewer or admin)", parts[1])
		}
		st[parts[0]] = a
	}
	return st, nil
}

// Authenticate implements Authenticator.
func (st StaticTokens) Authenticate(r *http.Request) (kr.Actor, error) {
	token, ok := BearerToken(r)
	if !ok {
		return kr.Public(), nil
	}
	for t, a := range st {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			return a, nil
		}
	}
	return kr.Public(), kr.E(kr.Unauthorized, "Ogiltig eller återkallad API-nyckel.")
}

// BearerToken returns the token of an "Authorization: Bearer …" header.
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}
