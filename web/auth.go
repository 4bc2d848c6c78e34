package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
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
// What is sent to a signed-in actor, or to a request with a token, is
// never stored by a cache (see private).
func Authenticate(a Authenticator) gin.HandlerFunc {
	return func(c *gin.Context) {
		actor := kr.Public()
		if _, ok := BearerToken(c.Request); ok {
			private(c)
		}
		if a != nil {
			var err error
			actor, err = a.Authenticate(c.Request)
			if err != nil {
				c.Header("WWW-Authenticate", `Bearer realm="klimatrapport"`)
				Error(c, http.StatusUnauthorized, "unauthorized", kr.MessageOf(err))
				return
			}
		}
		if actor.Role != kr.RolePublic {
			private(c)
		}
		c.Set(actorKey, actor)
		c.Next()
	}
}

// private marks the response Cache-Control: no-store, and keeps it so when
// a handler sets a caching header of its own (a page cached for everyone,
// here sent to someone signed in).
func private(c *gin.Context) {
	if _, ok := c.Writer.(noStoreWriter); ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Writer = noStoreWriter{c.Writer}
}

// Shared says that the response is the same for everyone (a static file),
// so caches may keep it even when it is sent to someone signed in.
func Shared(c *gin.Context) {
	if w, ok := c.Writer.(noStoreWriter); ok {
		c.Writer = w.ResponseWriter
		c.Writer.Header().Del("Cache-Control")
	}
}

// noStoreWriter sets Cache-Control: no-store (and drops Expires) just
// before the response's header goes out.
type noStoreWriter struct{ gin.ResponseWriter }

func (w noStoreWriter) fix() {
	if !w.Written() {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Del("Expires")
	}
}

func (w noStoreWriter) WriteHeader(code int) { w.fix(); w.ResponseWriter.WriteHeader(code) }

func (w noStoreWriter) WriteHeaderNow() { w.fix(); w.ResponseWriter.WriteHeaderNow() }

func (w noStoreWriter) Write(b []byte) (int, error) { w.fix(); return w.ResponseWriter.Write(b) }

func (w noStoreWriter) WriteString(s string) (int, error) {
	w.fix()
	return w.ResponseWriter.WriteString(s)
}

func (w noStoreWriter) Flush() { w.fix(); w.ResponseWriter.Flush() }

// ActorOf returns the request's actor (kr.Public() when nobody signed in).
func ActorOf(c *gin.Context) kr.Actor {
	if a, ok := c.Get(actorKey); ok {
		return a.(kr.Actor)
	}
	return kr.Public()
}

// OwnArea returns the area of the request's path ({code}) when the
// request's actor may submit reports for it (its officer, an
// administrator), else "": the uploader reading the area's pages reads
// their own writes (publish.Service.SnapshotFor).
func OwnArea(c *gin.Context) string {
	code := c.Param("code")
	if code == "" || access.Check(ActorOf(c), access.Submit, code) != nil {
		return ""
	}
	return code
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
