package api_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// hostileName is Lund's name in the calendar tests' municipality list:
// every character iCalendar's TEXT values must escape, and line breaks
// before a would-be event of its own.
const hostileName = "Lund; \"kommun\", C:\\\r\nBEGIN:VEVENT\rUID:x\x07"

// hostileText is hostileName as the calendars give it back: line breaks
// kept as "\n", the bell dropped.
const hostileText = "Lund; \"kommun\", C:\\\nBEGIN:VEVENT\nUID:x"

// calendarWorld is the municipality list (Lund renamed hostileName), on
// 2026-03-01: Lund a member since 2025-09-01, Malmö since 2019,
// Stockholm an observer for a year from 2026-01-15 (an example member),
// Uppsala a member whose
// membership ended in 2025.
func calendarWorld(t *testing.T, db storage.DB, rules func(*compliance.Rules)) (*testworld.World, string) {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{})
	if rules != nil {
		rules(&w.Compliance.Rules)
	}
	w.Published.ProbeInterval = -1 // published by Refresh: a request reads the snapshot only
	w.Published.Now = func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC) }
	list := bytes.Replace(samples.Read(t, samples.Municipalities), []byte("1281,Lunds kommun,Lund,"),
		[]byte(`1281,"`+strings.ReplaceAll(hostileName, `"`, `""`)+`","`+strings.ReplaceAll(hostileName, `"`, `""`)+`",`), 1)
	ctx := context.Background()
	if _, err := w.National.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(list)); err != nil {
		t.Fatal(err)
	}
	w.Join(t, date(2025, 9, 1), "1281")
	w.Join(t, date(2019, 1, 1), "1280", "0380")
	if _, err := w.Members.Add(ctx, kr.System(), "0180", date(2026, 1, 15), true, 365*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Members.End(ctx, kr.System(), "0380", date(2025, 5, 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Members.MarkExample(ctx, kr.System(), "0180"); err != nil {
		t.Fatal(err)
	}
	ts := w.Serve(t, staticTokens)
	if _, err := w.Published.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	return w, ts.URL
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// calendarEvent is an event as a calendar program reads it.
type calendarEvent struct{ uid, start, end, summary, description string }

// parseCalendar parses an answer with the library's decoder, checking the
// headers, the calendar's own properties and the line folding.
func parseCalendar(t *testing.T, r response) map[string]calendarEvent {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.HasSuffix(cd, `.ics"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	lines := strings.Split(string(r.body), "\r\n")
	if lines[len(lines)-1] != "" {
		t.Errorf("the calendar does not end in CRLF")
	}
	for _, line := range lines {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n\a") {
			t.Errorf("line of %d octets, not folded or not ended in CRLF: %.80q", len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("not iCalendar: %v\n%s", err, r.body)
	}
	props := map[ics.Property]string{}
	for _, p := range cal.CalendarProperties {
		props[ics.Property(p.IANAToken)] = p.Value
	}
	if props[ics.PropertyVersion] != "2.0" || !strings.Contains(props[ics.PropertyProductId], "Klimatkommunerna") {
		t.Errorf("calendar properties %v", props)
	}
	if n := strings.Count(string(r.body), "\r\nBEGIN:VEVENT\r\n"); n != len(cal.Events()) {
		t.Errorf("%d lines BEGIN:VEVENT for %d events: a value broke out", n, len(cal.Events()))
	}
	evs := map[string]calendarEvent{}
	for _, e := range cal.Events() {
		get := func(p ics.ComponentProperty) string {
			if v := e.GetProperty(p); v != nil {
				return v.Value
			}
			return ""
		}
		ev := calendarEvent{uid: e.Id(), start: get(ics.ComponentPropertyDtStart), end: get(ics.ComponentPropertyDtEnd),
			summary: ics.FromText(get(ics.ComponentPropertySummary)), description: ics.FromText(get(ics.ComponentPropertyDescription))}
		if _, dup := evs[ev.uid]; dup {
			t.Errorf("UID %s twice", ev.uid)
		}
		if get(ics.ComponentPropertyDtstamp) == "" || ev.summary == "" || ev.description == "" {
			t.Errorf("event %s lacks DTSTAMP, SUMMARY or DESCRIPTION", ev.uid)
		}
		if p := e.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
			t.Errorf("event %s is not all-day", ev.uid)
		}
		evs[ev.uid] = ev
	}
	return evs
}

func uids(evs map[string]calendarEvent) []string {
	var us []string
	for u := range evs {
		us = append(us, u)
	}
	slices.Sort(us)
	return us
}

// TestCalendars: the association's calendar has the reporting deadlines
// of last, this and next year, the end of a new member's grace periods
// (inventory after two years, goals and plan after three) and of an
// observer's year, and nothing of a member whose grace ended long ago or
// whose membership has ended; a member's calendar has its own events
// only, the deadlines from its joining on; the UIDs stay the same across
// requests and snapshots; a hostile name comes back as it is, escaped by
// the library; an unknown code or a non-member is 404 as JSON; a
// calendar the client has is 304; no request reads the database.
func TestCalendars(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		cdb := &storagetest.Recorder{DB: db}
		w, base := calendarWorld(t, cdb, nil)
		n0 := cdb.Count()
		all := parseCalendar(t, get(t, base+"/api/v1/calendar.ics", ""))
		want := map[string]string{ // UID → DTSTART
			"deadline-2025@klimatkommunerna.se":        "20250630",
			"deadline-2026@klimatkommunerna.se":        "20260630",
			"deadline-2027@klimatkommunerna.se":        "20270630",
			"grace-inventory-1281@klimatkommunerna.se": "20270901",
			"grace-goals-1281@klimatkommunerna.se":     "20280901",
			"grace-plan-1281@klimatkommunerna.se":      "20280901",
			"observer-0180@klimatkommunerna.se":        "20270115",
			"grace-inventory-0180@klimatkommunerna.se": "20280115",
			"grace-goals-0180@klimatkommunerna.se":     "20290115",
			"grace-plan-0180@klimatkommunerna.se":      "20290115",
		}
		checkEvents(t, all, want)
		if e := all["grace-inventory-1281@klimatkommunerna.se"]; !strings.HasPrefix(e.summary, hostileText+": ") || !strings.Contains(e.description, hostileText) {
			t.Errorf("the hostile name is not kept: %+v", e)
		}

		lund := parseCalendar(t, get(t, base+"/api/v1/municipalities/1281/calendar.ics", ""))
		checkEvents(t, lund, map[string]string{
			"deadline-2026-1281@klimatkommunerna.se":   "20260630",
			"deadline-2027-1281@klimatkommunerna.se":   "20270630",
			"grace-inventory-1281@klimatkommunerna.se": "20270901",
			"grace-goals-1281@klimatkommunerna.se":     "20280901",
			"grace-plan-1281@klimatkommunerna.se":      "20280901",
		})
		malmo := parseCalendar(t, get(t, base+"/api/v1/municipalities/1280/calendar.ics", ""))
		checkEvents(t, malmo, map[string]string{
			"deadline-2025-1280@klimatkommunerna.se": "20250630",
			"deadline-2026-1280@klimatkommunerna.se": "20260630",
			"deadline-2027-1280@klimatkommunerna.se": "20270630",
		})
		sthlm := parseCalendar(t, get(t, base+"/api/v1/municipalities/0180/calendar.ics", ""))
		if _, ok := sthlm["observer-0180@klimatkommunerna.se"]; !ok {
			t.Errorf("Stockholm's calendar lacks its observer year: %v", uids(sthlm))
		}
		for _, evs := range []map[string]calendarEvent{all, sthlm, lund} {
			for u, e := range evs {
				if example := strings.Contains(u, "-0180@"); strings.Count(e.description, "Exempeldata") != map[bool]int{true: 1}[example] {
					t.Errorf("%s: %q; want Exempeldata once for Stockholm's events only", u, e.description)
				}
			}
		}

		for _, code := range []string{"9999", "0114", "0380", "x"} {
			r := get(t, base+"/api/v1/municipalities/"+code+"/calendar.ics", "")
			if r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %s %s; want 404 JSON", code, r.status, r.header.Get("Content-Type"), r.body)
			}
		}

		first := get(t, base+"/api/v1/calendar.ics", "")
		req, _ := http.NewRequest("GET", base+"/api/v1/calendar.ics", nil)
		req.Header.Set("If-None-Match", first.header.Get("ETag"))
		if r := do(t, req, ""); first.header.Get("ETag") == "" || r.status != http.StatusNotModified {
			t.Errorf("a calendar the client has: %d (ETag %q); want 304", r.status, first.header.Get("ETag"))
		}
		if n := cdb.Count() - n0; n != 0 {
			t.Errorf("the calendars made %d database queries; want none (the snapshot's)", n)
		}

		// Another request, and a new snapshot after a change of the register
		// elsewhere: the same events under the same UIDs.
		again := parseCalendar(t, get(t, base+"/api/v1/calendar.ics", ""))
		w.Join(t, date(2010, 1, 1), "0114")
		w.Published.Invalidate()
		if _, err := w.Published.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		later := parseCalendar(t, get(t, base+"/api/v1/calendar.ics", ""))
		if !slices.Equal(uids(all), uids(again)) || !slices.Equal(uids(all), uids(later)) {
			t.Errorf("UIDs changed:\n%v\n%v\n%v", uids(all), uids(again), uids(later))
		}
		for u, e := range all {
			if later[u] != e {
				t.Errorf("event %s changed: %+v → %+v", u, e, later[u])
			}
		}
	})
}

// TestCalendarFollowsRules: the deadline day and the grace periods are
// the rules file's: with the deadline on 31 May, a year's grace for
// reporting and none for the inventory, Lund (joined 2025-09-01) has no
// 2026 deadline to meet, its reporting grace ends on 2026-09-01, and
// there is no inventory grace event.
func TestCalendarFollowsRules(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		_, base := calendarWorld(t, db, func(r *compliance.Rules) {
			r.Reporting = compliance.ReportingRules{Deadline: "05-31", GraceYears: 1}
			r.Inventory.GraceYears = 0
		})
		checkEvents(t, parseCalendar(t, get(t, base+"/api/v1/municipalities/1281/calendar.ics", "")), map[string]string{
			"deadline-2027-1281@klimatkommunerna.se":   "20270531",
			"grace-reporting-1281@klimatkommunerna.se": "20260901",
			"grace-goals-1281@klimatkommunerna.se":     "20280901",
			"grace-plan-1281@klimatkommunerna.se":      "20280901",
		})
		all := parseCalendar(t, get(t, base+"/api/v1/calendar.ics", ""))
		if e := all["deadline-2026@klimatkommunerna.se"]; e.start != "20260531" || !strings.Contains(e.description, "2026-05-31") {
			t.Errorf("the 2026 deadline: %+v", e)
		}
	})
}

// checkEvents checks that evs are exactly want (UID → DTSTART), each one
// day long.
func checkEvents(t *testing.T, evs map[string]calendarEvent, want map[string]string) {
	t.Helper()
	for u, start := range want {
		e, ok := evs[u]
		if !ok {
			t.Errorf("no event %s", u)
			continue
		}
		s, _ := time.Parse("20060102", start)
		if e.start != start || e.end != s.AddDate(0, 0, 1).Format("20060102") {
			t.Errorf("%s: %s–%s, want %s for a day", u, e.start, e.end, start)
		}
	}
	for u := range evs {
		if _, ok := want[u]; !ok {
			t.Errorf("unexpected event %s: %+v", u, evs[u])
		}
	}
}
