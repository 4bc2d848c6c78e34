package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// CrossOrigin refuses state-changing requests that a browser sends for
// another site: a form or script on another origin posting with the
// visitor's session cookie (cross-site request forgery), including forged
// logins. Browsers say where a request comes from (Sec-Fetch-Site, or
// Origin in older ones), and net/http's CrossOriginProtection refuses
// unsafe methods from anywhere but this origin. Requests without those
// headers do not come from a browser, carry no ambient credentials a third
// party could use and pass (programs with an API token). Forms need no
// tokens, so the pages can be cached and shared. A refusal is marked for
// the audit log (see Audit).
func CrossOrigin() gin.HandlerFunc {
	p := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := p.Check(c.Request); err != nil {
			c.Set(refusalKey, true)
			refuse(c, "csrf", kr.E(kr.Forbidden,
				"Formuläret skickades från en annan webbplats och har inte tagits emot. Öppna sidan här och försök igen."))
			return
		}
		c.Next()
	}
}
