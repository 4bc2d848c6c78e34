package compliance

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Event kinds.
const (
	EventReview = "review" // a reviewer set or removed a status
	EventReply  = "reply"  // the member replied
)

// Event is one review or reply, as kept: nothing is ever changed or removed.
type Event struct {
	Kind       string     `json:"kind"`
	ID         string     `json:"id"`
	Code       string     `json:"municipality"`
	Year       int        `json:"year"`
	Obligation Obligation `json:"obligation"`
	At         time.Time  `json:"at"`
	By         string     `json:"by"`
	Role       string     `json:"role"`
	// Reviews: Status is the status set (empty: the override was removed
	// and the computed status applies again); Before and After are the
	// statuses shown before and after; Computed is what the rules said.
	Status   Status `json:"status,omitempty"`
	Before   Status `json:"before,omitempty"`
	After    Status `json:"after,omitempty"`
	Computed Status `json:"computed_status,omitempty"`
	// Replies: the status the member saw, and the review replied to.
	Shown   Status `json:"status_shown,omitempty"`
	ReplyTo string `json:"reply_to,omitempty"`
	// Text is the reviewer's comment or the member's reply.
	Text string `json:"text"`
}

// entry is what every review and reply row holds: the result it is about,
// and who wrote it, in which role, when, at which version.
type entry struct {
	ID         string `ch:"id"`
	Code       string `ch:"municipality_code"`
	Year       uint16 `ch:"report_year"`
	Obligation string `ch:"obligation"`
	Role       string `ch:"changed_role"`
	storage.Change
}

func (h entry) event(kind string) Event {
	return Event{Kind: kind, ID: h.ID, Code: h.Code, Year: int(h.Year), Obligation: Obligation(h.Obligation),
		At: h.At, By: h.By, Role: h.Role}
}

type reviewRow struct {
	entry
	Status   string `ch:"status"`
	Comment  string `ch:"comment"`
	Before   string `ch:"status_before"`
	After    string `ch:"status_after"`
	Computed string `ch:"computed_status"`
}

func (r reviewRow) event() Event {
	ev := r.entry.event(EventReview)
	ev.Status, ev.Before, ev.After, ev.Computed, ev.Text = Status(r.Status), Status(r.Before), Status(r.After), Status(r.Computed), r.Comment
	return ev
}

type replyRow struct {
	entry
	ReplyTo string `ch:"reply_to"`
	Message string `ch:"message"`
	Shown   string `ch:"status_shown"`
}

func (r replyRow) event() Event {
	ev := r.entry.event(EventReply)
	ev.Shown, ev.ReplyTo, ev.Text = Status(r.Shown), r.ReplyTo, r.Message
	return ev
}

const reviewColumns = `toString(id) AS id, municipality_code, report_year, obligation, status, comment,
	status_before, status_after, computed_status, changed_by, changed_role, changed_at, version`

const replyColumns = `toString(id) AS id, municipality_code, report_year, obligation, reply_to, message,
	status_shown, changed_by, changed_role, changed_at, version`

type resultKey struct {
	code       string
	obligation Obligation
}

// reviews holds the overrides and the history of a year's results.
type reviews struct {
	overrides map[resultKey]*Event
	history   map[resultKey][]Event
}

// loadReviews reads every review and reply of the members codes for year:
// the history of each result, and its current override.
func (e *Engine) loadReviews(ctx context.Context, codes []string, year int) (reviews, error) {
	out := reviews{overrides: map[resultKey]*Event{}, history: map[resultKey][]Event{}}
	var revs []reviewRow
	if err := e.DB.Select(ctx, &revs, "SELECT "+reviewColumns+
		" FROM compliance_reviews WHERE report_year = ? AND has(?, municipality_code) ORDER BY version", year, codes); err != nil {
		return out, err
	}
	var reps []replyRow
	if err := e.DB.Select(ctx, &reps, "SELECT "+replyColumns+
		" FROM compliance_replies WHERE report_year = ? AND has(?, municipality_code) ORDER BY version", year, codes); err != nil {
		return out, err
	}
	type versioned struct {
		v uint64
		e Event
	}
	all := map[resultKey][]versioned{}
	// The current state of the append-only table is the review with the
	// highest version per result (what storage.Latest would select): the
	// last one here, as the rows come by version.
	latest := map[resultKey]Event{}
	for _, r := range revs {
		k := resultKey{r.Code, Obligation(r.Obligation)}
		ev := r.event()
		all[k] = append(all[k], versioned{r.Version, ev})
		latest[k] = ev
	}
	for _, r := range reps {
		k := resultKey{r.Code, Obligation(r.Obligation)}
		all[k] = append(all[k], versioned{r.Version, r.event()})
	}
	for k, evs := range all {
		slices.SortStableFunc(evs, func(a, b versioned) int { return cmp.Compare(a.v, b.v) })
		list := make([]Event, len(evs))
		for i, v := range evs {
			list[i] = v.e
		}
		out.history[k] = list
	}
	for k, ev := range latest {
		if ev.Status == "" {
			continue // removed: the computed status applies
		}
		out.overrides[k] = &ev
	}
	return out, nil
}

// Limits on texts people write.
const (
	MaxCommentRunes = 4000
)

// ReviewInput is a reviewer's decision.
type ReviewInput struct {
	Code       string     `json:"-"`
	Year       int        `json:"year"`
	Obligation Obligation `json:"obligation"`
	// Status to set; empty removes the current override.
	Status  Status `json:"status"`
	Comment string `json:"comment"`
}

// ReplyInput is a member's reply.
type ReplyInput struct {
	Code       string     `json:"-"`
	Year       int        `json:"year"`
	Obligation Obligation `json:"obligation"`
	Message    string     `json:"message"`
	// ReplyTo is the id of the review replied to; empty for a reply to the
	// result itself.
	ReplyTo string `json:"reply_to"`
}

// Review records a reviewer's decision on one result and returns it with
// the member's result as it now stands. The previous decision is kept.
func (e *Engine) Review(ctx context.Context, actor kr.Actor, in ReviewInput) (Event, MemberResult, error) {
	var comment string
	var err error
	if in.Obligation, comment, err = checkWrite(actor, access.ReviewCompliance, in.Code, in.Obligation, in.Comment, "en kommentar som motiverar beslutet"); err != nil {
		return Event{}, MemberResult{}, err
	}
	if in.Status != "" {
		st, ok := ParseStatus(string(in.Status))
		if !ok {
			return Event{}, MemberResult{}, kr.E(kr.Invalid, "Statusen %q finns inte. Välj en av %s, eller lämna tomt för att ta bort en tidigare ändring.", in.Status, statusList())
		}
		in.Status = st
	}
	return e.record(ctx, actor, in.Code, in.Year, in.Obligation, "compliance_reviews", func(head entry, res Result) (any, Event, error) {
		if in.Status == "" && res.Override == nil {
			return nil, Event{}, kr.E(kr.Conflict, "Det finns ingen ändrad status att ta bort för %s %d.", strings.ToLower(in.Obligation.Title()), in.Year)
		}
		after := in.Status
		if after == "" {
			after = res.Computed
		}
		row := reviewRow{entry: head, Status: string(in.Status), Comment: comment, Before: string(res.Status), After: string(after),
			Computed: string(res.Computed)}
		return []reviewRow{row}, row.event(), nil
	})
}

// Reply records a member's reply to one result.
func (e *Engine) Reply(ctx context.Context, actor kr.Actor, in ReplyInput) (Event, MemberResult, error) {
	var msg string
	var err error
	if in.Obligation, msg, err = checkWrite(actor, access.ReplyCompliance, in.Code, in.Obligation, in.Message, "ert svar"); err != nil {
		return Event{}, MemberResult{}, err
	}
	if _, err := uuid.Parse(in.ReplyTo); in.ReplyTo != "" && (err != nil || len(in.ReplyTo) != 36) {
		return Event{}, MemberResult{}, kr.E(kr.Invalid, "Svaret hänvisar till en granskning med ett id som inte finns. Svara på en granskning i listan, eller lämna reply_to tomt.")
	}
	return e.record(ctx, actor, in.Code, in.Year, in.Obligation, "compliance_replies", func(head entry, res Result) (any, Event, error) {
		if in.ReplyTo != "" && !slices.ContainsFunc(res.History, func(ev Event) bool { return ev.Kind == EventReview && ev.ID == in.ReplyTo }) {
			return nil, Event{}, kr.E(kr.Invalid, "Granskningen som svaret gäller (%s) finns inte för %s %d.", in.ReplyTo, strings.ToLower(in.Obligation.Title()), in.Year)
		}
		row := replyRow{entry: head, ReplyTo: in.ReplyTo, Message: msg, Shown: string(res.Status)}
		return []replyRow{row}, row.event(), nil
	})
}

// record writes one review or reply by actor. Under writeMu, so that what
// a write says was shown is what was shown: build makes the rows (or
// refuses) from the entry of the write and the member's result as it
// stands. It returns the event and the member's result after the write.
func (e *Engine) record(ctx context.Context, actor kr.Actor, code string, year int, o Obligation, table string,
	build func(head entry, res Result) (any, Event, error)) (Event, MemberResult, error) {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	cur, res, err := e.current(ctx, code, year, o)
	if err != nil {
		return Event{}, MemberResult{}, err
	}
	head := entry{ID: uuid.Must(uuid.NewV7()).String(), Code: cur.Code, Year: uint16(year), Obligation: string(o), Role: string(actor.Role),
		Change: e.clock.Change(actor.Name(), e.now())}
	rows, ev, err := build(head, res)
	if err != nil {
		return Event{}, MemberResult{}, err
	}
	if err := e.DB.Insert(ctx, table, rows); err != nil {
		return Event{}, MemberResult{}, unavailable(err)
	}
	m, err := e.Member(ctx, code, Query{Year: year})
	return ev, m, err
}

// current evaluates one member's obligation as it stands now.
func (e *Engine) current(ctx context.Context, code string, year int, o Obligation) (MemberResult, Result, error) {
	m, err := e.Member(ctx, code, Query{Year: year, NoTracking: true})
	if err != nil {
		return MemberResult{}, Result{}, err
	}
	r, _ := m.Result(o)
	return m, r, nil
}

// checkWrite checks a review or reply before anything is read: that actor
// may act on code's results, the obligation named (returned normalised) and
// the text written (returned trimmed; what names it in the message).
func checkWrite(actor kr.Actor, action access.Action, code string, o Obligation, text, what string) (Obligation, string, error) {
	if err := access.Check(actor, action, code); err != nil {
		return "", "", err
	}
	o, err := obligationOf(o)
	if err != nil {
		return "", "", err
	}
	text, err = cleanText(text, what)
	return o, text, err
}

// obligationOf checks and normalises an obligation named in a request.
func obligationOf(o Obligation) (Obligation, error) {
	p, ok := ParseObligation(string(o))
	if !ok {
		return "", kr.E(kr.Invalid, "Skyldigheten %q finns inte. Välj en av %s.", o, obligationList())
	}
	return p, nil
}

func cleanText(s, what string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", kr.E(kr.Invalid, "Skriv %s.", what)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, control) {
		return "", kr.E(kr.Invalid, "Texten innehåller tecken som inte kan läsas. Skriv den igen.")
	}
	if n := utf8.RuneCountInString(s); n > MaxCommentRunes {
		return "", kr.E(kr.TooLarge, "Texten är %d tecken lång men får vara högst %d.", n, MaxCommentRunes)
	}
	return s, nil
}

// control reports whether r is a control character other than a line
// break or a tab, which a text typed in a form may hold.
func control(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

func statusList() string {
	parts := make([]string, len(statuses))
	for i, s := range statuses {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

func obligationList() string {
	parts := make([]string, len(obligations))
	for i, o := range obligations {
		parts[i] = string(o) + " (" + strings.ToLower(o.Title()) + ")"
	}
	return strings.Join(parts, ", ")
}

func unavailable(err error) error {
	if err == nil || kr.KindOf(err) != kr.Other {
		return err
	}
	return kr.Wrap(kr.Unavailable, err, "Databasen svarar inte just nu. Ingenting har sparats. Försök igen om en stund.")
}
