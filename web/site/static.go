package site

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// EChartsVersion is the version of the embedded static/echarts.min.js
// (npm package echarts, Apache-2.0; see static/README.md).
const EChartsVersion = "5.6.0"

//go:embed static/echarts.min.js static/charts.js static/style.css static/echarts-LICENSE.txt static/echarts-NOTICE.txt
var staticFS embed.FS

// asset is one embedded static file.
type asset struct {
	name        string
	body        []byte
	contentType string
	version     string // a hash of the content, for cache busting
	gzipped     []byte // nil when compression does not pay
}

var assets = loadAssets()

func loadAssets() map[string]*asset {
	out := map[string]*asset{}
	entries, err := staticFS.ReadDir("static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if strings.HasSuffix(e.Name(), ".txt") || ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		if strings.HasSuffix(e.Name(), ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		if strings.HasSuffix(e.Name(), ".css") {
			ct = "text/css; charset=utf-8"
		}
		gz := (&publish.Body{Bytes: b}).Gzipped()
		out[e.Name()] = &asset{name: e.Name(), body: b, contentType: ct, version: hex.EncodeToString(sum[:6]), gzipped: gz}
	}
	return out
}

// StaticURL returns the URL of an embedded static file with its content
// version, e.g. /static/style.css?v=1a2b3c4d5e6f.
func StaticURL(name string) string {
	a, ok := assets[name]
	if !ok {
		return AssetsPath + name
	}
	return AssetsPath + name + "?v=" + a.version
}

// AssetsPath is where the service serves the static files itself.
const AssetsPath = "/static/"

// RegisterStatic serves each embedded file at /static/NAME. A request with
// the current ?v= may be cached for a year; others for five minutes.
func RegisterStatic(r gin.IRouter) {
	for name, a := range assets {
		etag := `"` + a.version + `"`
		gz := func() []byte { return a.gzipped }
		r.GET(AssetsPath+name, func(c *gin.Context) {
			web.Shared(c)
			c.Header("X-Content-Type-Options", "nosniff")
			cache := "public, max-age=300"
			if c.Query("v") == a.version {
				cache = "public, max-age=31536000, immutable"
			}
			publish.ServeBytes(c.Writer, c.Request, a.contentType, etag, cache, a.body, gz, nil)
		})
	}
}
