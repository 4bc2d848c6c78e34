package pages

// The signed-in pages (issue 7): signing in and out, setting a password from
// a one-time link, /rapportera for officers and /granskning for reviewers.
// Rights are decided by package access; writes go through the same services
// as the API, so a page can do nothing the API would refuse.

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/accounts"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// Portal serves the pages of signed-in officers and reviewers.
type Portal struct {
	Accounts       *accounts.Store
	Throttle       *accounts.Throttle
	Submissions    *submissions.Service
	Compliance     *compliance.Engine
	National       *national.Store
	Log            *slog.Logger
	MaxUploadBytes int64

	pages map[string]*template.Template
}

var portalPages = []string{"logga-in", "losenord", "rapportera", "granskning", "granskning-kommun", "error"}

var portalFuncs = template.FuncMap{
	"lower": strings.ToLower,
	// statusClass names a status's CSS class: "ej förfallet" → "ej-forfallet".
	"statusClass": func(s compliance.Status) string {
		return strings.NewReplacer(" ", "-", "ö", "o", "ä", "a", "å", "a").Replace(string(s))
	},
}

// Register adds the portal's routes.
func (p *Portal) Register(r gin.IRouter) {
	p.pages = map[string]*template.Template{}
	for _, name := range portalPages {
		t, err := template.New(name).Funcs(funcs).Funcs(portalFuncs).ParseFS(templateFS,
			"templates/layout.html", "templates/portal-parts.html", "templates/"+name+".html")
		if err != nil {
			panic(err) // embedded templates: a parse error is a programming error
		}
		p.pages[name] = t
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.Throttle == nil {
		p.Throttle = accounts.NewThrottle()
	}
	r.GET("/logga-in", p.loginForm)
	r.POST("/logga-in", p.login)
	r.POST("/logga-ut", p.logout)
	r.GET("/losenord", p.passwordForm)
	r.POST("/losenord", p.setPassword)
	r.GET("/rapportera", p.report)
	r.POST("/rapportera", p.upload)
	r.POST("/rapportera/svar", p.reply)
	r.GET("/granskning", p.review)
	r.GET("/granskning/:code", p.reviewMember)
	r.POST("/granskning/:code/granska", p.setStatus)
}

// portalView is the frame of every portal page.
type portalView struct {
	layout
	Actor  kr.Actor
	CSRF   string
	Notice string // a confirmation
	Error  string // what went wrong, shown in an alert
}

func (p *Portal) view(c *gin.Context, title string) portalView {
	v := portalView{layout: layout{Title: title, Nav: "portal"}, Actor: web.ActorOf(c)}
	if s, ok := web.SessionOf(c); ok {
		v.CSRF = s.CSRF
	}
	return v
}

func (p *Portal) render(c *gin.Context, status int, name string, data any) {
	var b bytes.Buffer
	if err := p.pages[name].ExecuteTemplate(&b, "layout", data); err != nil {
		p.Log.Error("render", "page", name, "err", err)
		c.String(http.StatusInternalServerError, "Sidan kunde inte visas.")
		return
	}
	for k, v := range securityHeaders {
		c.Header(k, v)
	}
	c.Header("Cache-Control", "no-store") // personal pages
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

type errorPageView struct {
	portalView
	Heading, Message string
}

// fail shows an error page with the status the error's kind implies; an
// anonymous visitor who needs to sign in is sent to the login page.
func (p *Portal) fail(c *gin.Context, err error) {
	kind := kr.KindOf(err)
	if kind == kr.Unauthorized && web.ActorOf(c).Role == kr.RolePublic {
		c.Redirect(http.StatusSeeOther, "/logga-in?nasta="+url.QueryEscape(c.Request.URL.RequestURI()))
		return
	}
	status, msg := web.StatusOf(kind), kr.MessageOf(err)
	if kind == kr.Other {
		p.Log.Error("portal", "err", err, "path", c.Request.URL.Path)
		msg = kr.MessageOf(nil)
	}
	v := errorPageView{portalView: p.view(c, "Något gick fel"), Heading: "Det gick inte", Message: msg}
	p.render(c, status, "error", v)
}

// --- signing in and out ---

const loginCookie = "kr_login" // the login form's own CSRF token (no session yet)

type loginView struct {
	portalView
	Email, Next, LoginToken string
}

func (p *Portal) loginForm(c *gin.Context) {
	v := loginView{portalView: p.view(c, "Logga in"), Next: safeNext(c.Query("nasta"))}
	v.LoginToken = randomToken()
	setCookie(c, loginCookie, v.LoginToken, 30*time.Minute)
	if c.Query("klart") == "losenord" {
		v.Notice = "Lösenordet är sparat. Logga in med det."
	}
	p.render(c, http.StatusOK, "logga-in", v)
}

func (p *Portal) login(c *gin.Context) {
	email := strings.TrimSpace(c.PostForm("email"))
	v := loginView{portalView: p.view(c, "Logga in"), Email: email, Next: safeNext(c.PostForm("nasta"))}
	cookie, _ := c.Cookie(loginCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm("login_token"))) != 1 {
		v.LoginToken = randomToken()
		setCookie(c, loginCookie, v.LoginToken, 30*time.Minute)
		v.Error = "Formuläret är för gammalt eller kom inte från den här webbplatsen. Försök igen."
		p.render(c, http.StatusForbidden, "logga-in", v)
		return
	}
	keys := []string{"email:" + accounts.NormalizeEmail(email), "ip:" + c.ClientIP()}
	if wait := p.Throttle.Wait(keys...); wait > 0 {
		v.LoginToken = cookie
		v.Error = fmt.Sprintf("För många misslyckade försök. Vänta %d sekunder och försök igen.", int(wait.Seconds())+1)
		c.Header("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		p.render(c, http.StatusTooManyRequests, "logga-in", v)
		return
	}
	acc, err := p.Accounts.Authenticate(c.Request.Context(), email, c.PostForm("password"))
	if err != nil {
		if kr.KindOf(err) != kr.Unauthorized {
			p.fail(c, err)
			return
		}
		p.Throttle.Fail(keys...)
		v.LoginToken = cookie
		v.Error = kr.MessageOf(accounts.ErrBadLogin)
		p.render(c, http.StatusUnauthorized, "logga-in", v)
		return
	}
	p.Throttle.Succeed(keys...)
	secret, _, err := p.Accounts.StartSession(c.Request.Context(), acc)
	if err != nil {
		p.fail(c, err)
		return
	}
	setCookie(c, web.SessionCookie, secret, accounts.SessionLifetime)
	setCookie(c, loginCookie, "", -1)
	p.Accounts.Audit(c.Request.Context(), acc.Actor(), "login", acc.Email, c.ClientIP(), web.RequestID(c), "")
	next := v.Next
	if next == "" {
		next = "/granskning"
		if acc.Role == kr.RoleOfficer {
			next = "/rapportera"
		}
	}
	c.Redirect(http.StatusSeeOther, next)
}

func (p *Portal) logout(c *gin.Context) {
	if secret, err := c.Cookie(web.SessionCookie); err == nil && secret != "" {
		if err := p.Accounts.EndSession(c.Request.Context(), secret); err != nil {
			p.fail(c, err)
			return
		}
	}
	setCookie(c, web.SessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}

type passwordView struct {
	portalView
	Key        string
	MinLength  int
	LoginToken string
}

func (p *Portal) passwordForm(c *gin.Context) {
	v := passwordView{portalView: p.view(c, "Välj lösenord"), Key: c.Query("nyckel"), MinLength: accounts.MinPasswordLength}
	p.render(c, http.StatusOK, "losenord", v)
}

func (p *Portal) setPassword(c *gin.Context) {
	v := passwordView{portalView: p.view(c, "Välj lösenord"), Key: c.PostForm("nyckel"), MinLength: accounts.MinPasswordLength}
	pw, again := c.PostForm("password"), c.PostForm("password2")
	if pw != again {
		v.Error = "Lösenorden är inte lika. Skriv samma lösenord två gånger."
		p.render(c, http.StatusUnprocessableEntity, "losenord", v)
		return
	}
	if _, err := p.Accounts.UsePasswordLink(c.Request.Context(), v.Key, pw); err != nil {
		if kr.KindOf(err) != kr.Invalid {
			p.fail(c, err)
			return
		}
		v.Error = kr.MessageOf(err)
		p.render(c, http.StatusUnprocessableEntity, "losenord", v)
		return
	}
	c.Redirect(http.StatusSeeOther, "/logga-in?klart=losenord")
}

// --- /rapportera ---

type reportView struct {
	portalView
	Code, Name  string
	Year        int
	TemplateURL string
	MaxMB       int64
	Result      *submissions.Result
	Items       []kr.Item
	Versions    []submissions.Version
	Compliance  *compliance.MemberResult
	Statuses    []compliance.Status
}

// officerCode is the municipality the page is about: an officer's own, or
// for administrators the one asked for.
func (p *Portal) officerCode(c *gin.Context, asked string) (string, error) {
	actor := web.ActorOf(c)
	code := actor.Municipality
	if actor.Role == kr.RoleAdmin && asked != "" {
		code = asked
	}
	if code == "" && actor.Role == kr.RolePublic {
		return "", kr.E(kr.Unauthorized, "Logga in för att rapportera.")
	}
	if code == "" {
		return "", kr.E(kr.Invalid, "Ange vilken kommun det gäller: /rapportera?kod=1281")
	}
	return code, access.Check(actor, access.Submit, code)
}

func (p *Portal) reportView(c *gin.Context, code string) (reportView, error) {
	ctx := c.Request.Context()
	year := time.Now().Year()
	v := reportView{portalView: p.view(c, "Rapportera"), Code: code, Year: year, MaxMB: p.maxUpload() >> 20,
		TemplateURL: fmt.Sprintf("/api/v1/template.xlsx?municipality=%s&year=%d", url.QueryEscape(code), year),
		Statuses:    compliance.Statuses}
	v.Nav = "rapportera"
	if names, err := p.National.Names(ctx); err == nil {
		if m, ok := names.MunicipalityByCode(code); ok {
			v.Name = m.Name
		} else if cty, ok := names.CountyByCode(code); ok {
			v.Name = cty.Name
		}
	}
	var err error
	if v.Versions, err = p.Submissions.List(ctx, code); err != nil {
		return v, err
	}
	if m, err := p.Compliance.Member(ctx, code, compliance.Query{Year: year, NoTracking: true}); err == nil {
		v.Compliance = &m
	} else if kr.KindOf(err) != kr.NotFound {
		return v, err
	}
	return v, nil
}

func (p *Portal) report(c *gin.Context) {
	code, err := p.officerCode(c, c.Query("kod"))
	if err != nil {
		p.fail(c, err)
		return
	}
	v, err := p.reportView(c, code)
	if err != nil {
		p.fail(c, err)
		return
	}
	if c.Query("klart") == "svar" {
		v.Notice = "Ditt svar är sparat och syns för granskarna."
	}
	p.render(c, http.StatusOK, "rapportera", v)
}

func (p *Portal) maxUpload() int64 {
	if p.MaxUploadBytes > 0 {
		return p.MaxUploadBytes
	}
	return 20 << 20
}

func (p *Portal) upload(c *gin.Context) {
	code, err := p.officerCode(c, c.PostForm("kod"))
	if err != nil {
		p.fail(c, err)
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		if web.TooLarge(err) {
			p.fail(c, kr.E(kr.TooLarge, "Filen är för stor. Den får vara högst %d MB.", p.maxUpload()>>20))
			return
		}
		p.fail(c, kr.E(kr.Invalid, "Välj en Excel-fil att ladda upp."))
		return
	}
	if fh.Size > p.maxUpload() {
		p.fail(c, kr.E(kr.TooLarge, "Filen är för stor. Den får vara högst %d MB.", p.maxUpload()>>20))
		return
	}
	f, err := fh.Open()
	if err != nil {
		p.fail(c, err)
		return
	}
	content, err := io.ReadAll(io.LimitReader(f, p.maxUpload()+1))
	f.Close()
	if err != nil {
		p.fail(c, err)
		return
	}
	res, err := p.Submissions.Submit(c.Request.Context(), web.ActorOf(c), submissions.Upload{FileName: fh.Filename, Content: content, Municipality: code})
	if err != nil {
		p.fail(c, err)
		return
	}
	v, err := p.reportView(c, code)
	if err != nil {
		p.fail(c, err)
		return
	}
	v.Result, v.Items = &res, res.Submission.Items
	status := http.StatusOK
	switch {
	case res.Existing:
		v.Notice = "Den här filen är redan inlämnad. Ingenting nytt har sparats."
	case res.Accepted():
		v.Notice = fmt.Sprintf("Tack! Filen är mottagen med %d utsläppsvärden, %d mål, %d handlingsplaner och %d åtgärder.",
			res.Submission.Counts.Inventory, res.Submission.Counts.Goals, res.Submission.Counts.Plans, res.Submission.Counts.Measures)
	default:
		status = http.StatusUnprocessableEntity
		v.Error = "Filen har inte tagits emot eftersom den innehåller fel. Rätta felen nedan och ladda upp filen igen."
	}
	p.render(c, status, "rapportera", v)
}

func (p *Portal) reply(c *gin.Context) {
	code, err := p.officerCode(c, c.PostForm("kod"))
	if err != nil {
		p.fail(c, err)
		return
	}
	year, _ := strconv.Atoi(c.PostForm("year"))
	_, _, err = p.Compliance.Reply(c.Request.Context(), web.ActorOf(c), compliance.ReplyInput{
		Code: code, Year: year, Obligation: compliance.Obligation(c.PostForm("obligation")),
		Message: c.PostForm("message"), ReplyTo: c.PostForm("reply_to")})
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/rapportera?klart=svar")
}

// --- /granskning ---

type reviewRow struct {
	Code, Name, County string
	Binding            bool
	Note               string
	Results            []compliance.Result
}

type reviewView struct {
	portalView
	Year                       int
	Years                      []int
	Status, Obligation, County string
	Statuses                   []compliance.Status
	Obligations                []compliance.Obligation
	Counties                   []kr.County
	Rows                       []reviewRow
	ExportURL                  string
	Summary                    compliance.Summary
}

func yearParam(c *gin.Context, def int) (int, error) {
	s := c.Query("ar")
	if s == "" {
		return def, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < compliance.FirstReportYear || y > def+1 {
		return 0, kr.E(kr.Invalid, "Året ska vara mellan %d och %d.", compliance.FirstReportYear, def+1)
	}
	return y, nil
}

func (p *Portal) review(c *gin.Context) {
	actor := web.ActorOf(c)
	if err := access.Check(actor, access.ReviewCompliance, ""); err != nil {
		p.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	year, err := yearParam(c, p.Compliance.CurrentYear())
	if err != nil {
		p.fail(c, err)
		return
	}
	rep, err := p.Compliance.Evaluate(ctx, compliance.Query{Year: year, NoTracking: true})
	if err != nil {
		p.fail(c, err)
		return
	}
	v := reviewView{portalView: p.view(c, "Granskning"), Year: year, Status: c.Query("status"), Obligation: c.Query("skyldighet"),
		County: c.Query("lan"), Statuses: compliance.Statuses, Obligations: compliance.Obligations, Summary: rep.Summary}
	v.Nav = "granskning"
	for y := p.Compliance.CurrentYear(); y >= p.Compliance.CurrentYear()-5; y-- {
		v.Years = append(v.Years, y)
	}
	if v.Counties, err = p.National.Counties(ctx); err != nil {
		p.fail(c, err)
		return
	}
	countyName := map[string]string{}
	for _, cty := range v.Counties {
		countyName[cty.Code] = cty.Name
	}
	q := url.Values{"year": {strconv.Itoa(year)}}
	f := compliance.Filter{}
	if v.Status != "" {
		st, ok := compliance.ParseStatus(v.Status)
		if !ok {
			p.fail(c, kr.E(kr.Invalid, "Statusen %q finns inte.", v.Status))
			return
		}
		f.Statuses = []compliance.Status{st}
		q.Set("status", string(st))
	}
	if v.Obligation != "" {
		o, ok := compliance.ParseObligation(v.Obligation)
		if !ok {
			p.fail(c, kr.E(kr.Invalid, "Skyldigheten %q finns inte.", v.Obligation))
			return
		}
		f.Obligations = []compliance.Obligation{o}
		v.Obligations = f.Obligations // the matrix shows the chosen column only
		q.Set("obligation", string(o))
	}
	rep = f.Apply(rep)
	for _, m := range rep.Members {
		county := m.Code[:2]
		if v.County != "" && county != v.County {
			continue
		}
		v.Rows = append(v.Rows, reviewRow{Code: m.Code, Name: m.Name, County: countyName[county], Binding: m.Binding,
			Note: m.NotBindingReason, Results: m.Obligations})
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Name < v.Rows[j].Name })
	v.ExportURL = "/api/v1/compliance.xlsx?" + q.Encode()
	p.render(c, http.StatusOK, "granskning", v)
}

type reviewMemberView struct {
	portalView
	Year     int
	Member   compliance.MemberResult
	Statuses []compliance.Status
}

func (p *Portal) reviewMember(c *gin.Context) {
	code := c.Param("code")
	actor := web.ActorOf(c)
	if err := access.Check(actor, access.ReviewCompliance, code); err != nil {
		p.fail(c, err)
		return
	}
	year, err := yearParam(c, p.Compliance.CurrentYear())
	if err != nil {
		p.fail(c, err)
		return
	}
	m, err := p.Compliance.Member(c.Request.Context(), code, compliance.Query{Year: year})
	if err != nil {
		p.fail(c, err)
		return
	}
	v := reviewMemberView{portalView: p.view(c, "Granskning: "+m.Name), Year: year, Member: m, Statuses: compliance.Statuses}
	v.Nav = "granskning"
	if c.Query("klart") == "granskat" {
		v.Notice = "Beslutet är sparat. Den tidigare statusen finns kvar i historiken."
	}
	p.render(c, http.StatusOK, "granskning-kommun", v)
}

func (p *Portal) setStatus(c *gin.Context) {
	code := c.Param("code")
	year, _ := strconv.Atoi(c.PostForm("year"))
	_, _, err := p.Compliance.Review(c.Request.Context(), web.ActorOf(c), compliance.ReviewInput{
		Code: code, Year: year, Obligation: compliance.Obligation(c.PostForm("obligation")),
		Status: compliance.Status(c.PostForm("status")), Comment: c.PostForm("comment")})
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/granskning/%s?ar=%d&klart=granskat", url.PathEscape(code), year))
}

// --- helpers ---

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure behind TLS.
func setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	secure := c.Request.TLS != nil || strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https")
	age := int(maxAge.Seconds())
	if maxAge < 0 {
		age = -1
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: age, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}
