package web

import (
	"context"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// How a request reached the service: over TLS or not. It decides the
// session cookie's name and Secure flag, and whether responses carry
// Strict-Transport-Security.

// proxyNets parses the trusted proxies, addresses or CIDR networks, as gin
// does; nil (trust none) if any is not understood, as New does for gin.
func proxyNets(list []string) []netip.Prefix {
	nets := make([]netip.Prefix, 0, len(list))
	for _, p := range list {
		if n, err := netip.ParsePrefix(p); err == nil {
			nets = append(nets, n.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			return nil
		}
	}
	return nets
}

// secure reports whether the request came over TLS: to this server, or to
// a trusted proxy (Config.TrustedProxies) that says so with
// X-Forwarded-Proto: https. The header from anyone else is ignored.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return false
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(s.proxies, func(n netip.Prefix) bool { return n.Contains(peer.Addr().Unmap()) })
}

// hsts tells browsers to use https only, for a year.
const hsts = "max-age=31536000"

// StrictTransport is middleware that marks each request secure or not (see
// secure; the session cookie is read by it) and sends
// Strict-Transport-Security with every response served over https.
func (s *Server) StrictTransport() gin.HandlerFunc {
	return func(c *gin.Context) {
		secure := s.secure(c.Request)
		if secure {
			c.Header("Strict-Transport-Security", hsts)
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), secureKey{}, secure))
		c.Next()
	}
}

type secureKey struct{}

// secureRequest is secure as StrictTransport found it, for code that has
// only the request; without StrictTransport, only TLS to this server counts.
func secureRequest(r *http.Request) bool {
	if s, ok := r.Context().Value(secureKey{}).(bool); ok {
		return s
	}
	return r.TLS != nil
}
