package app

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// requestPool marks every request's context storage.ForRequest, so that
// on a ClickHouse server its calls (the session lookup, the reads of a
// page, the API or the portal) use the pool kept for requests, except an
// upload (a write to one of uploads), whose inserts are background work
// like the snapshot builder's loads and take the other pool.
func requestPool(uploads ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method != http.MethodPost || !slices.Contains(uploads, c.FullPath()) {
			c.Request = c.Request.WithContext(storage.ForRequest(c.Request.Context()))
		}
		c.Next()
	}
}
