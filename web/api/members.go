package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// registerMembers adds the routes of the members register: the list is
// public (contacts for administrators only), the rest for administrators.
func (a *API) registerMembers(v1 gin.IRouter) {
	v1.GET("/members", a.handle(a.listMembers))
	v1.GET("/members.csv", a.cachedResponse(export(csvFormat, a.membersTables)))
	v1.GET("/members.xlsx", a.cachedResponse(export(xlsxFormat, a.membersTables)))
	v1.POST("/members", a.handle(a.addMember))
	v1.GET("/members/:code", a.handle(a.getMember))
	v1.PATCH("/members/:code", a.handle(a.updateMember))
	v1.POST("/members/:code/end", a.handle(a.endMember))
}

// listMembers answers GET /members: for the public, every current member
// and observer from the published snapshot, without contact details; for
// those who manage the register, every entry (ended ones too) with its
// contacts, from the register itself. Both carry each member's name and
// standing (status).
func (a *API) listMembers(c *gin.Context) error {
	if allow(c, access.ManageMembers, "") != nil {
		a.cachedResponse(a.publicMembers)(c)
		return nil
	}
	ms, err := a.Members.All(c.Request.Context())
	if err != nil {
		return err
	}
	snap, err := a.Published.Snapshot(c.Request.Context())
	if err != nil {
		return err
	}
	out := make([]registeredMember, 0, len(ms))
	for _, m := range ms {
		out = append(out, registeredMember{Member: m, Name: snap.Name(m.Code), Status: snap.Standing(m, a.Compliance.CurrentRules())})
	}
	c.JSON(http.StatusOK, gin.H{"members": out})
	return nil
}

// registeredMember is a register entry with the name and standing the
// public list shows.
type registeredMember struct {
	members.Member
	Name   string `json:"name"`
	Status string `json:"status"`
}

func (a *API) publicMembers(c *gin.Context, snap *publish.Snapshot) error {
	c.JSON(http.StatusOK, gin.H{"members": snap.MemberList(a.Compliance.CurrentRules())})
	return nil
}

// membersTables: the public list of members (GET /members for the
// public), one row per member or observer.
func (a *API) membersTables(_ *gin.Context, snap *publish.Snapshot) (string, []table, error) {
	t := table{Sheet: "Medlemmar", Columns: []column{
		{"code", "Kod", 8}, {"name", "Namn", 24}, {"kind", "Typ", 13}, {"joined", "Medlem sedan", 14},
		{"observer_until", "Observatör till", 15}, {"status", "Status", 20},
	}}
	for _, m := range snap.MemberList(a.Compliance.CurrentRules()) {
		var until any
		if m.ObserverUntil != nil {
			until = m.ObserverUntil.Format(time.DateOnly)
		}
		t.Rows = append(t.Rows, []any{m.Code, m.Name, m.Kind, m.Joined.Format(time.DateOnly), until, m.Status})
	}
	return "medlemmar", []table{t}, nil
}

func (a *API) getMember(c *gin.Context) error {
	if err := allow(c, access.ManageMembers, ""); err != nil {
		return err
	}
	code := c.Param("code")
	m, ok, err := a.Members.Get(c.Request.Context(), code)
	if err != nil {
		return err
	}
	if !ok {
		return kr.E(kr.NotFound, "%s är inte medlem.", code)
	}
	hist, err := a.Members.History(c.Request.Context(), code)
	if err == nil {
		c.JSON(http.StatusOK, gin.H{"member": m, "history": hist})
	}
	return err
}

// memberInput is the body of POST /members and PATCH /members/{code}.
type memberInput struct {
	Code     string `json:"code"`
	Kind     string `json:"kind"`
	Joined   string `json:"joined"`
	Observer bool   `json:"observer"`
	// ObserverUntil (PATCH): the end of the observer period, or "" to
	// make the member a full member.
	ObserverUntil *string          `json:"observer_until"`
	Official      *members.Contact `json:"official"`
	Officer       *members.Contact `json:"officer"`
	Date          string           `json:"date"` // POST …/end: the day the membership ends
}

// readMemberInput checks that the actor manages the register and reads the
// request's body.
func readMemberInput(c *gin.Context) (memberInput, error) {
	var in memberInput
	if err := allow(c, access.ManageMembers, ""); err != nil {
		return in, err
	}
	return in, readJSON(c, &in)
}

func parseDay(s, field string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, kr.E(kr.Invalid, "%s ska vara ett datum, ÅÅÅÅ-MM-DD.", field)
	}
	return t, nil
}

// requiredDay parses a date that must be given: missing says what to give.
func requiredDay(s, field, missing string) (time.Time, error) {
	if s == "" {
		return time.Time{}, kr.E(kr.Invalid, "%s", missing)
	}
	return parseDay(s, field)
}

// memberAnswer writes the member after a change, with status.
func memberAnswer(c *gin.Context, status int, m members.Member, err error) error {
	if err == nil {
		c.JSON(status, gin.H{"member": m})
	}
	return err
}

func (a *API) addMember(c *gin.Context) error {
	in, err := readMemberInput(c)
	if err != nil {
		return err
	}
	joined, err := requiredDay(in.Joined, "joined", "Ange datum för inträdet (joined), ÅÅÅÅ-MM-DD.")
	if err != nil {
		return err
	}
	m := members.Member{Code: strings.TrimSpace(in.Code), Kind: in.Kind, Joined: joined}
	if in.Official != nil {
		m.Official = *in.Official
	}
	if in.Officer != nil {
		m.Officer = *in.Officer
	}
	saved, err := a.Members.Join(c.Request.Context(), web.ActorOf(c), m, in.Observer, 0)
	if err == nil {
		c.Header("Location", "/api/v1/members/"+saved.Code)
	}
	return memberAnswer(c, http.StatusCreated, saved, err)
}

func (a *API) updateMember(c *gin.Context) error {
	in, err := readMemberInput(c)
	if err != nil {
		return err
	}
	if in.Code != "" || in.Kind != "" || in.Observer || in.Date != "" {
		return kr.E(kr.Invalid, "Koden, typen och utträdet ändras inte här: ändra joined, observer_until, official eller officer.")
	}
	ch := members.Change{Official: in.Official, Officer: in.Officer}
	if in.Joined != "" {
		t, err := parseDay(in.Joined, "joined")
		if err != nil {
			return err
		}
		ch.Joined = &t
	}
	switch {
	case in.ObserverUntil == nil:
	case *in.ObserverUntil == "":
		ch.ClearObserver = true
	default:
		t, err := parseDay(*in.ObserverUntil, "observer_until")
		if err != nil {
			return err
		}
		ch.ObserverUntil = &t
	}
	m, err := a.Members.Update(c.Request.Context(), web.ActorOf(c), c.Param("code"), ch)
	return memberAnswer(c, http.StatusOK, m, err)
}

func (a *API) endMember(c *gin.Context) error {
	in, err := readMemberInput(c)
	if err != nil {
		return err
	}
	d, err := requiredDay(in.Date, "date", "Ange dagen då medlemskapet upphör (date), ÅÅÅÅ-MM-DD.")
	if err != nil {
		return err
	}
	m, err := a.Members.End(c.Request.Context(), web.ActorOf(c), c.Param("code"), d)
	return memberAnswer(c, http.StatusOK, m, err)
}
