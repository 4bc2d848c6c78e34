package compliance

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// Engine evaluates members' obligations and keeps reviews and replies.
type Engine struct {
	DB       storage.DB
	Members  *members.Register
	National *national.Store // names, SMHI's figures and population; may be nil
	Rules    Rules
	Now      func() time.Time

	writeMu sync.Mutex    // serialises reviews and replies, so that "before" is what was shown
	clock   storage.Clock // versions of reviews and replies
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// CurrentYear is the year of the engine's clock in Sweden: the report year
// asked about when none is given.
func (e *Engine) CurrentYear() int { return e.now().In(swedish.Zone).Year() }

// Query selects what to evaluate.
type Query struct {
	Year int
	// AsOf is the evaluation instant: submissions uploaded after it are not
	// seen, and grace periods and deadlines are judged on it. Zero: now.
	AsOf time.Time
	// Codes limits the evaluation to these members; empty: every member of
	// the year.
	Codes []string
	// Series includes each tracked goal's series and straight path.
	Series bool
	// NoTracking skips goal tracking.
	NoTracking bool
}

// Years the engine evaluates.
const FirstReportYear = 2000

// Evaluate computes every selected member's results for a year. Members are
// those whose membership overlaps the year up to the evaluation date.
func (e *Engine) Evaluate(ctx context.Context, q Query) (Report, error) {
	asOf := q.AsOf
	if asOf.IsZero() {
		asOf = e.now()
	}
	asOf = asOf.UTC()
	if q.Year < FirstReportYear || q.Year > asOf.Year()+1 {
		return Report{}, kr.E(kr.Invalid, "Ange rapportåret som ett årtal mellan %d och %d.", FirstReportYear, asOf.Year()+1)
	}
	rules := e.CurrentRules()
	rep := Report{Year: q.Year, AsOf: asOf, Deadline: rules.DeadlineDay(q.Year), Rules: rules, Members: []MemberResult{}}
	// The day the year is judged on: the evaluation date, or the end of
	// the year for a past year.
	ref := asOf
	if end := time.Date(q.Year, time.December, 31, 23, 59, 59, 0, time.UTC); end.Before(ref) {
		ref = end
	}
	ms, err := e.membersIn(ctx, q.Year, ref, q.Codes)
	if err != nil {
		return rep, unavailable(err)
	}
	if len(ms) == 0 {
		rep.Summary = Summarise(nil)
		return rep, nil
	}
	in, err := e.load(ctx, ms, q, asOf)
	if err != nil {
		return rep, unavailable(err)
	}
	if in.figures != nil {
		rep.SMHIRelease = figures.RefOf(in.figures.Release())
	}
	for _, m := range ms {
		c := evalContext{rules: rules, year: q.Year, asOf: asOf, ref: ref, member: m, times: in.times}
		rep.Members = append(rep.Members, in.member(c, q))
	}
	rep.Summary = Summarise(rep.Members)
	return rep, nil
}

// membersIn returns the members (of codes, when given) whose membership
// overlaps year up to ref, the day the year is judged on.
func (e *Engine) membersIn(ctx context.Context, year int, ref time.Time, codes []string) ([]members.Member, error) {
	all, err := e.Members.All(ctx)
	if err != nil {
		return nil, err
	}
	yearStart := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
	var out []members.Member
	for _, m := range all {
		if len(codes) > 0 && !slices.Contains(codes, m.Code) {
			continue
		}
		if m.Joined.After(ref) || (m.Ended != nil && !m.Ended.After(yearStart)) {
			continue // not a member during the year
		}
		out = append(out, m)
	}
	return out, nil
}

// inputs is what an evaluation reads, for all its members at once.
type inputs struct {
	facts   map[string]*memberFacts
	times   map[string]time.Time // submission → uploaded at
	reviews reviews
	figures *figures.GoalFigures // nil with Query.NoTracking
	names   map[string]string
}

// load reads the facts, the evidence's upload times, the reviews, the
// figures goals are tracked against and the members' names.
func (e *Engine) load(ctx context.Context, ms []members.Member, q Query, asOf time.Time) (inputs, error) {
	codes := make([]string, len(ms))
	for i, m := range ms {
		codes[i] = m.Code
	}
	var in inputs
	var err error
	if in.facts, err = loadFacts(ctx, e.DB, codes, q.Year, asOf); err != nil {
		return in, err
	}
	if in.times, err = submissions.UploadTimes(ctx, e.DB, evidenceSubmissions(in.facts)); err != nil {
		return in, err
	}
	if in.reviews, err = e.loadReviews(ctx, codes, q.Year); err != nil {
		return in, err
	}
	if !q.NoTracking {
		if in.figures, err = e.loadTracking(ctx, codes, asOf); err != nil {
			return in, err
		}
	}
	in.names = map[string]string{}
	if e.National != nil {
		in.names, err = figures.Data{National: e.National}.AreaNames(ctx)
	}
	return in, err
}

// member evaluates one member: whether the result binds it, the four
// obligations with reviewers' overrides applied, and its goals.
func (in inputs) member(c evalContext, q Query) MemberResult {
	m := c.member
	mr := MemberResult{Code: m.Code, Name: in.names[m.Code], Kind: m.Kind, Joined: m.Joined, Ended: m.Ended,
		ObserverUntil: m.ObserverUntil, Observer: m.Observer(c.ref), Binding: true, Goals: []GoalTrack{}}
	switch {
	case m.Ended != nil && !m.Ended.After(c.ref):
		mr.Binding = false
		mr.NotBindingReason = "Medlemskapet upphörde " + day(*m.Ended) + "."
	case mr.Observer:
		mr.Binding = false
		mr.NotBindingReason = "Observatör till " + day(*m.ObserverUntil) + ": utvärderas men är inte bindande."
	}
	f := in.facts[m.Code]
	mr.Obligations = evaluate(c, f)
	for i := range mr.Obligations {
		r := &mr.Obligations[i]
		k := resultKey{m.Code, r.Obligation}
		if h := in.reviews.history[k]; h != nil {
			r.History = h
		}
		if o := in.reviews.overrides[k]; o != nil {
			r.Override = o
			r.Overridden = true
			r.Status = o.Status
		}
		if r.Status == Fulfilled {
			mr.Fulfilled++
		}
	}
	if in.figures != nil {
		mr.SMHIRelease = figures.RefOf(in.figures.Release())
		for _, g := range f.goals {
			mr.Goals = append(mr.Goals, track(in.figures, m.Code, g, c.asOf.In(swedish.Zone).Year(), q.Series))
		}
	}
	return mr
}

// Member evaluates one member; NotFound when code is not a member in the
// year.
func (e *Engine) Member(ctx context.Context, code string, q Query) (MemberResult, error) {
	q.Codes = []string{code}
	rep, err := e.Evaluate(ctx, q)
	if err != nil {
		return MemberResult{}, err
	}
	if len(rep.Members) == 0 {
		return MemberResult{}, kr.E(kr.NotFound, "%s är inte medlem %d.", code, q.Year)
	}
	return rep.Members[0], nil
}

// evidenceSubmissions lists the submissions evidence may point at.
func evidenceSubmissions(facts map[string]*memberFacts) []string {
	set := map[string]bool{}
	for _, f := range facts {
		for _, y := range f.years {
			set[y.Submission] = true
		}
		for _, g := range f.goals {
			set[g.SubmissionID] = true
		}
		for _, p := range f.plans {
			set[p.SubmissionID] = true
		}
		for _, m := range f.measures {
			set[m.Submission] = true
		}
	}
	delete(set, "")
	return slices.Sorted(maps.Keys(set))
}

// Filter narrows a report.
type Filter struct {
	Statuses    []Status
	Obligations []Obligation
	Kind        string // members.KindMunicipality or KindRegion
	Binding     *bool
}

// Apply returns the report with only the members and results the filter
// selects, and the summary recomputed over them. A member is kept when at
// least one of its results is.
func (f Filter) Apply(rep Report) Report {
	if len(f.Statuses) == 0 && len(f.Obligations) == 0 && f.Kind == "" && f.Binding == nil {
		return rep
	}
	out := rep
	out.Members = []MemberResult{}
	for _, m := range rep.Members {
		if f.Kind != "" && m.Kind != f.Kind {
			continue
		}
		if f.Binding != nil && m.Binding != *f.Binding {
			continue
		}
		var keep []Result
		for _, r := range m.Obligations {
			if len(f.Obligations) > 0 && !slices.Contains(f.Obligations, r.Obligation) {
				continue
			}
			if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, r.Status) {
				continue
			}
			keep = append(keep, r)
		}
		if len(keep) == 0 {
			continue
		}
		m.Obligations = keep
		out.Members = append(out.Members, m)
	}
	out.Summary = Summarise(out.Members)
	return out
}
