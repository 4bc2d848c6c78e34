package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/web"
)

// The members register, for administrators.

func (a *API) listMembers(c *gin.Context) {
	if !a.allowed(c, access.ManageMembers, "") {
		return
	}
	ms, err := a.Members.All(c.Request.Context())
	if err != nil {
		a.fail(c, err)
		return
	}
	if ms == nil {
		ms = []members.Member{}
	}
	c.JSON(http.StatusOK, gin.H{"members": ms})
}

func (a *API) getMember(c *gin.Context) {
	if !a.allowed(c, access.ManageMembers, "") {
		return
	}
	code := c.Param("code")
	m, ok, err := a.Members.Get(c.Request.Context(), code)
	if err != nil {
		a.fail(c, err)
		return
	}
	if !ok {
		a.fail(c, kr.E(kr.NotFound, "%s är inte medlem.", code))
		return
	}
	hist, err := a.Members.History(c.Request.Context(), code)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"member": m, "history": hist})
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

func parseDay(s, field string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, kr.E(kr.Invalid, "%s ska vara ett datum, ÅÅÅÅ-MM-DD.", field)
	}
	return t, nil
}

// memberInput checks that the actor manages the register and reads the
// request's body.
func (a *API) memberInput(c *gin.Context) (memberInput, bool) {
	var in memberInput
	if !a.allowed(c, access.ManageMembers, "") {
		return in, false
	}
	if err := readJSON(c, &in); err != nil {
		a.fail(c, err)
		return in, false
	}
	return in, true
}

// requiredDay parses a date that must be given: missing says what to give.
func requiredDay(s, field, missing string) (time.Time, error) {
	if s == "" {
		return time.Time{}, kr.E(kr.Invalid, "%s", missing)
	}
	return parseDay(s, field)
}

func (a *API) addMember(c *gin.Context) {
	in, ok := a.memberInput(c)
	if !ok {
		return
	}
	joined, err := requiredDay(in.Joined, "joined", "Ange datum för inträdet (joined), ÅÅÅÅ-MM-DD.")
	if err != nil {
		a.fail(c, err)
		return
	}
	m := members.Member{Code: strings.TrimSpace(in.Code), Kind: in.Kind, Joined: joined}
	if in.Official != nil {
		m.Official = *in.Official
	}
	if in.Officer != nil {
		m.Officer = *in.Officer
	}
	saved, err := a.Members.Join(c.Request.Context(), web.ActorOf(c), m, in.Observer, 0)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/members/"+saved.Code)
	c.JSON(http.StatusCreated, gin.H{"member": saved})
}

func (a *API) updateMember(c *gin.Context) {
	in, ok := a.memberInput(c)
	if !ok {
		return
	}
	var ch members.Change
	if in.Joined != "" {
		t, err := parseDay(in.Joined, "joined")
		if err != nil {
			a.fail(c, err)
			return
		}
		ch.Joined = &t
	}
	if in.ObserverUntil != nil {
		if *in.ObserverUntil == "" {
			ch.ClearObserver = true
		} else {
			t, err := parseDay(*in.ObserverUntil, "observer_until")
			if err != nil {
				a.fail(c, err)
				return
			}
			ch.ObserverUntil = &t
		}
	}
	ch.Official, ch.Officer = in.Official, in.Officer
	if in.Code != "" || in.Kind != "" || in.Observer || in.Date != "" {
		a.fail(c, kr.E(kr.Invalid, "Koden, typen och utträdet ändras inte här: ändra joined, observer_until, official eller officer."))
		return
	}
	m, err := a.Members.Update(c.Request.Context(), web.ActorOf(c), c.Param("code"), ch)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"member": m})
}

func (a *API) endMember(c *gin.Context) {
	in, ok := a.memberInput(c)
	if !ok {
		return
	}
	d, err := requiredDay(in.Date, "date", "Ange dagen då medlemskapet upphör (date), ÅÅÅÅ-MM-DD.")
	if err != nil {
		a.fail(c, err)
		return
	}
	m, err := a.Members.End(c.Request.Context(), web.ActorOf(c), c.Param("code"), d)
	if err != nil {
		a.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"member": m})
}
