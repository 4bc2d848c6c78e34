package api

import (
	"bytes"
	"net/http"
	"strings"
	"unicode"

	ics "github.com/arran4/golang-ical"
	"github.com/gin-gonic/gin"

	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/publish"
)

// The deadline calendars (iCalendar, RFC 5545): the association's and one
// member's, from the published snapshot (publish.Snapshot.Calendar and
// MemberCalendar) and cached like every public answer. The events are
// all-day dates, so no time zone is needed; the library writes the
// escaping and line folding.

// registerCalendars adds the two calendar routes.
func (a *API) registerCalendars(v1 gin.IRouter) {
	v1.GET("/calendar.ics", a.cachedResponse(a.getCalendar))
	v1.GET("/municipalities/:code/calendar.ics", a.cachedResponse(a.getMemberCalendar))
}

// calendarProduct is the calendars' PRODID.
const calendarProduct = "-//Klimatkommunerna//Klimatrapport//SV"

// rules are the compliance rules the deadlines and grace periods follow:
// the engine's, else the defaults.
func (a *API) rules() compliance.Rules {
	if a.Compliance != nil {
		return a.Compliance.Rules
	}
	return compliance.DefaultRules()
}

func (a *API) getCalendar(c *gin.Context, snap *publish.Snapshot) error {
	return writeCalendar(c, snap, "Klimatkommunerna: sista dagar", "klimatkommunerna.ics", snap.Calendar(a.rules()))
}

func (a *API) getMemberCalendar(c *gin.Context, snap *publish.Snapshot) error {
	code := c.Param("code")
	evs, err := snap.MemberCalendar(a.rules(), code)
	if err != nil {
		return err
	}
	return writeCalendar(c, snap, "Klimatkommunerna: sista dagar för "+snap.Name(code), "klimatkommunerna-"+code+".ics", evs)
}

// calendarText is s as an iCalendar TEXT value may hold it: the library
// escapes backslashes, commas, semicolons and "\n", but writes a carriage
// return as it is, which ends a content line for some readers; RFC 5545's
// TEXT has no control characters but the tab. Line breaks become "\n",
// other control characters are dropped.
func calendarText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// writeCalendar writes evs as an iCalendar file named file. DTSTAMP is
// when the snapshot was loaded: the moment the answer's data was read.
func writeCalendar(c *gin.Context, snap *publish.Snapshot, name, file string, evs []publish.CalendarEvent) error {
	cal := ics.NewCalendar()
	cal.SetProductId(calendarProduct)
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(calendarText(name))
	cal.SetXWRCalName(calendarText(name))
	for _, e := range evs {
		ev := cal.AddEvent(e.UID)
		ev.SetDtStampTime(snap.Loaded)
		ev.SetAllDayStartAt(e.Day)
		ev.SetAllDayEndAt(e.Day.AddDate(0, 0, 1))
		ev.SetSummary(calendarText(e.Summary))
		ev.SetDescription(calendarText(e.Description))
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLine("\r\n")); err != nil { // RFC 5545's line ends: the library's default is "\n"
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", b.Bytes())
	return nil
}
