// Package membertest serves the public member test at /medlemstest: the
// form (a municipality or region from SCB's list, the questions of the
// questions file in use, the contacts) and, on submit, the score per area
// with what is missing and what would fix it, printable and downloadable
// as CSV. No account is needed; the POST is checked by web.CrossOrigin,
// its body capped by web.LimitBody, and each client may send so many an
// hour (membertest.Service.Reserve: counted in the database, so the limit
// holds across instances).
package membertest

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	mt "github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/site"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = site.MustParse(templateFS, template.FuncMap{"dict": dict}, []string{"templates/form.html"},
	"medlemstest", "medlemstest-resultat")

// dict makes a map of key, value pairs: a partial's arguments.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// DefaultPerHour is how many applications a client may send an hour.
const DefaultPerHour = 10

// Page serves /medlemstest.
type Page struct {
	Service   *mt.Service
	Published *publish.Service // the places to choose, from the published snapshot
	PerHour   int              // applications a client may send an hour; 0: DefaultPerHour
	Log       *slog.Logger
	blank     atomic.Pointer[blankForm]
}

// Register adds the member test's routes.
func (p *Page) Register(r gin.IRouter) {
	if p.Log == nil {
		p.Log = slog.Default()
	}
	if p.PerHour <= 0 {
		p.PerHour = DefaultPerHour
	}
	r.GET("/medlemstest", p.form)
	r.POST("/medlemstest", p.submit)
}

// place is a municipality or region to choose.
type place struct{ Code, Name string }

type formView struct {
	site.Frame
	Questions               *mt.Questions
	Municipalities, Regions []place
	Values                  map[string]string
	Problems                []mt.Problem
	Invalid                 map[string]string // field → its message
	Error                   string
}

type resultView struct {
	site.Frame
	Applied  mt.Application
	Score    mt.Score
	Download template.URL // the result as a CSV file, in a data: address
}

// view is the form's view with the places to choose (code → name) and the
// generation of the snapshot they come from.
func (p *Page) view(c *gin.Context) (*formView, map[string]string, uint64, error) {
	v := &formView{Frame: site.Frame{Title: "Medlemstest", Nav: "medlemstest", Actor: web.ActorOf(c),
		Description: "Testa om er kommun eller region uppfyller kraven för att bli medlem i Klimatkommunerna."},
		Questions: p.Service.Q(), Values: map[string]string{}, Invalid: map[string]string{}}
	snap, err := p.Published.Snapshot(c.Request.Context())
	if err != nil {
		return nil, nil, 0, err
	}
	places := make(map[string]string, len(snap.Municipalities)+len(snap.Counties))
	for _, m := range snap.Municipalities {
		v.Municipalities = append(v.Municipalities, place{m.Code, m.Name})
		places[m.Code] = m.Name
	}
	for _, co := range snap.Counties {
		v.Regions = append(v.Regions, place{co.Code, co.Name})
		places[co.Code] = co.Name
	}
	return v, places, snap.Generation, nil
}

// blankForm is the form as the public gets it before answering, rendered
// once per snapshot generation.
type blankForm struct {
	generation uint64
	body       []byte
}

func (p *Page) form(c *gin.Context) {
	v, _, gen, err := p.view(c)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	if v.Actor.Role != kr.RolePublic { // the frame names who is signed in
		p.render(c, http.StatusOK, "medlemstest", v)
		return
	}
	if b := p.blank.Load(); b != nil && b.generation == gen {
		site.SendPersonal(c, http.StatusOK, b.body)
		return
	}
	body, err := templates.Execute("medlemstest", v)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	p.blank.Store(&blankForm{generation: gen, body: body})
	site.SendPersonal(c, http.StatusOK, body)
}

func (p *Page) submit(c *gin.Context) {
	v, places, _, err := p.view(c)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) { // a body of no declared length past web.LimitBody's cap
			err = kr.E(kr.TooLarge, "Det som skickades är för stort. Ett formulär får vara högst %d kB.", web.FormLimit>>10)
		} else {
			err = kr.E(kr.Invalid, "Formuläret kunde inte läsas.")
		}
		site.Fail(c, p.Log, err)
		return
	}
	for k := range c.Request.PostForm {
		v.Values[k] = c.Request.PostForm.Get(k) // shown again if refused
	}
	ok, wait, err := p.Service.Reserve(c.Request.Context(), c.ClientIP(), p.PerHour)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	if !ok {
		err := kr.Later(kr.Throttled, wait, "Ni har skickat för många svar på kort tid. Försök igen om "+
			swedish.Duration(wait.Round(time.Minute)+time.Minute)+".")
		web.SetRetryAfter(c, err)
		v.Error = kr.MessageOf(err)
		p.render(c, http.StatusTooManyRequests, "medlemstest", v)
		return
	}
	a, problems := v.Questions.Read(c.Request.PostForm.Get, places)
	if len(problems) > 0 {
		v.Problems = problems
		for _, pr := range problems {
			v.Invalid[pr.Field] = pr.Message
		}
		v.Error = strconv.Itoa(len(problems)) + " svar behöver rättas."
		p.render(c, http.StatusBadRequest, "medlemstest", v)
		return
	}
	st, err := p.Service.Apply(c.Request.Context(), web.ActorOf(c), a)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	rv := &resultView{Frame: site.Frame{Title: "Resultat av medlemstestet", Nav: "medlemstest", Actor: web.ActorOf(c)},
		Applied: a, Score: st.Score, Download: download(v.Questions, a, st.Score)}
	p.render(c, http.StatusOK, "medlemstest-resultat", rv)
}

// download is the result and the answers as a CSV file (semicolons, UTF-8 with a byte
// order mark, as Excel opens it), every field guarded by workbook.SafeText,
// in a data: address for a download link.
func download(q *mt.Questions, a mt.Application, s mt.Score) template.URL {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	put := func(fields ...string) {
		for i, f := range fields {
			fields[i] = workbook.SafeText(f)
		}
		_ = w.Write(fields) // a bytes.Buffer does not fail
	}
	put("Medlemstest", a.Name+" ("+a.Code+")", "frågor version "+s.Version)
	put("Område", "Status", "Poäng", "Av", "Saknas", "Så uppfylls det")
	for _, ar := range s.Areas {
		put(ar.Title, ar.Status, strconv.Itoa(ar.Points), strconv.Itoa(ar.Max), "", "")
		for _, g := range ar.Gaps {
			put(ar.Title, "", "", "", g.Question, g.Fix)
		}
	}
	put("Totalt", strconv.Itoa(s.Percent())+" %", strconv.Itoa(s.Points), strconv.Itoa(s.Max), "", "")
	put("Område", "Fråga", "Svar")
	for _, ar := range q.Areas {
		for _, qu := range ar.Questions {
			put(ar.Title, qu.Text, a.Answers[qu.ID])
		}
	}
	put("Förtroendevald", a.Official.Name, a.Official.Email)
	put("Tjänsteperson", a.Officer.Name, a.Officer.Email)
	w.Flush()
	// The content is ours, base64-encoded: nothing in it can end the address.
	return template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))
}

func (p *Page) render(c *gin.Context, status int, name string, data site.Framed) {
	b, err := templates.Execute(name, data)
	if err != nil {
		site.Fail(c, p.Log, err)
		return
	}
	site.SendPersonal(c, status, b)
}
