package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

const requestIDHeader = "X-Request-ID"

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a well-formed X-Request-ID from the client or makes one,
// and echoes it in the response.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !requestIDRe.MatchString(id) {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDHeader, id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

// RequestID returns the request's id.
func RequestID(c *gin.Context) string { return c.GetString(requestIDHeader) }

func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.Log(c.Request.Context(), level, "request",
			"method", c.Request.Method, "path", c.Request.URL.Path, "route", c.FullPath(),
			"status", status, "bytes", c.Writer.Size(), "duration_ms", time.Since(start).Milliseconds(),
			"remote", c.ClientIP(), "request_id", RequestID(c))
	}
}

func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic", "panic", r, "request_id", RequestID(c), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					Error(c, http.StatusInternalServerError, "internal", "Ett internt fel inträffade. Försök igen om en stund.")
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// Default deadlines of a request's work (Deadline).
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultUploadTimeout  = 5 * time.Minute
)

// Deadline gives every request's context a deadline, so that no database
// call or computation made for it runs on after the answer could still be
// of use: read (0: DefaultRequestTimeout) for most routes, slow (0:
// DefaultUploadTimeout) for the routes in slowRoutes (gin route patterns:
// uploads, which wait for a turn at the parser, and other expensive work).
// A client that goes away cancels the context before that, as net/http
// does.
func Deadline(read, slow time.Duration, slowRoutes ...string) gin.HandlerFunc {
	if read <= 0 {
		read = DefaultRequestTimeout
	}
	if slow <= 0 {
		slow = DefaultUploadTimeout
	}
	return func(c *gin.Context) {
		d := read
		if slices.Contains(slowRoutes, c.FullPath()) {
			d = slow
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// SignedInWrites refuses a write (any method but GET, HEAD and OPTIONS) by
// someone not signed in before its handler runs, so before any of its body
// is read: every write needs an account or a token, except on the routes
// in open (gin route patterns: signing in, setting a password with a
// link). Run it after Authenticate. Unknown routes pass, to their 404.
// The handlers and services still check each write's rights themselves;
// this makes the refusal of the anonymous cheap.
func SignedInWrites(open ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if route := c.FullPath(); route != "" && !slices.Contains(open, route) && ActorOf(c).Role == kr.RolePublic {
			refuse(c, kr.Unauthorized.String(), kr.E(kr.Unauthorized, "Logga in för att göra det här."))
			return
		}
		c.Next()
	}
}
