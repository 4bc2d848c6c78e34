package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// How a request reached the service: over TLS or not. It decides the
// session cookie's name and Secure flag, and whether responses carry
// Strict-Transport-Security.

// probeAddr is a documentation address (RFC 5737) that no client has: see
// fromTrustedProxy.
const probeAddr = "192.0.2.1"

// Secure reports whether the request came over TLS: to this server, or to
// a trusted proxy (Config.TrustedProxies) that says so with
// X-Forwarded-Proto: https. The header from anyone else is ignored.
func Secure(c *gin.Context) bool {
	if c.Request.TLS != nil {
		return true
	}
	return strings.EqualFold(strings.TrimSpace(c.GetHeader("X-Forwarded-Proto")), "https") && fromTrustedProxy(c)
}

// fromTrustedProxy reports whether the request's peer is a trusted proxy.
// gin keeps its list to itself but follows X-Forwarded-For only from a
// trusted peer, so the question is put to gin's ClientIP on a copy of the
// request whose X-Forwarded-For names probeAddr.
func fromTrustedProxy(c *gin.Context) bool {
	probe := c.Copy()
	probe.Request = c.Request.Clone(c.Request.Context())
	probe.Request.Header.Set("X-Forwarded-For", probeAddr)
	probe.Request.Header.Del("X-Real-IP")
	return probe.ClientIP() == probeAddr
}

// hsts tells browsers to use https only, for a year.
const hsts = "max-age=31536000"

// StrictTransport is middleware that marks each request secure or not (see
// Secure; the session cookie is read by it) and sends
// Strict-Transport-Security with every response served over https.
func StrictTransport() gin.HandlerFunc {
	return func(c *gin.Context) {
		secure := Secure(c)
		if secure {
			c.Header("Strict-Transport-Security", hsts)
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), secureKey{}, secure))
		c.Next()
	}
}

type secureKey struct{}

// secureRequest is Secure as StrictTransport found it, for code that has
// only the request; without StrictTransport, only TLS to this server counts.
func secureRequest(r *http.Request) bool {
	if s, ok := r.Context().Value(secureKey{}).(bool); ok {
		return s
	}
	return r.TLS != nil
}
