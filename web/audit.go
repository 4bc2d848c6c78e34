package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/accounts"
)

// Audit records every state-changing request: who, what, when, from where,
// and how it ended.
func Audit(store *accounts.Store, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if safeMethod(c.Request.Method) {
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

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
