package api

import (
	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web/api/openapi"
)

// registerOpenAPI adds GET /openapi.json: the API's description (package
// openapi), merged once from the fragments built into the binary and
// served with its ETag. A fragment that does not merge or validate is a
// programming error: the binary refuses to start, and its tests fail.
func (a *API) registerOpenAPI(v1 gin.IRouter) {
	doc, err := openapi.Load()
	if err != nil {
		panic(err)
	}
	body := &publish.Body{ContentType: "application/json", ETag: doc.ETag, Bytes: doc.JSON}
	v1.GET("/openapi.json", func(c *gin.Context) { body.Serve(c.Writer, c.Request, "public, max-age=0, must-revalidate") })
}
