package compliance

import (
	"context"
	"sort"
	"sync"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Engine evaluates members' obligations and keeps reviews and replies.
type Engine struct {
	DB       storage.DB
	Members  *members.Register
	National *national.Store // names, SMHI's figures and population; may be nil
	Rules    Rules
	Now      func() time.Time

	writeMu     sync.Mutex // serialises reviews and replies, so that "before" is what was shown
	lastVersion uint64
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// CurrentYear is the year of the engine's clock in Sweden: the report year
// asked about when none is given.
func (e *Engine) CurrentYear() int { return e.now().In(sweden).Year() }

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
	rules := e.Rules
	if rules.Reporting.Deadline == "" {
		rules = DefaultRules()
	}
	rep := Report{Year: q.Year, AsOf: asOf, Deadline: rules.DeadlineDay(q.Year), Rules: rules, Members: []MemberResult{}}
	// The day the year is judged on: the evaluation date, or the end of
	// the year for a past year.
	ref := asOf
	if end := time.Date(q.Year, time.December, 31, 23, 59, 59, 0, time.UTC); end.Before(ref) {
		ref = end
	}
	yearStart := time.Date(q.Year, time.January, 1, 0, 0, 0, 0, time.UTC)

	all, err := e.Members.All(ctx)
	if err != nil {
		return rep, unavailable(err)
	}
	want := map[string]bool{}
	for _, c := range q.Codes {
		want[c] = true
	}
	var ms []members.Member
	var codes []string
	for _, m := range all {
		if len(want) > 0 && !want[m.Code] {
			continue
		}
		if m.Joined.After(ref) || (m.Ended != nil && !m.Ended.After(yearStart)) {
			continue // not a member during the year
		}
		ms = append(ms, m)
		codes = append(codes, m.Code)
	}
	if len(ms) == 0 {
		rep.Summary = Summarise(nil)
		return rep, nil
	}
	facts, err := loadFacts(ctx, e.DB, codes, q.Year, asOf)
	if err != nil {
		return rep, unavailable(err)
	}
	times, err := submissionTimes(ctx, e.DB, evidenceSubmissions(facts))
	if err != nil {
		return rep, unavailable(err)
	}
	revs, err := e.loadReviews(ctx, codes, q.Year)
	if err != nil {
		return rep, unavailable(err)
	}
	var td trackingData
	if !q.NoTracking {
		if td, err = e.loadTracking(ctx, codes, facts, asOf); err != nil {
			return rep, unavailable(err)
		}
	}
	names, err := e.names(ctx)
	if err != nil {
		return rep, unavailable(err)
	}
	for _, m := range ms {
		f := facts[m.Code]
		c := evalContext{rules: rules, year: q.Year, asOf: asOf, ref: ref, member: m, times: times}
		mr := MemberResult{Code: m.Code, Name: names[m.Code], Kind: m.Kind, Joined: m.Joined, Ended: m.Ended,
			ObserverUntil: m.ObserverUntil, Observer: m.Observer(ref), Binding: true, Goals: []GoalTrack{}}
		switch {
		case m.Ended != nil && !m.Ended.After(ref):
			mr.Binding = false
			mr.NotBindingReason = "Medlemskapet upphörde " + day(*m.Ended) + "."
		case mr.Observer:
			mr.Binding = false
			mr.NotBindingReason = "Observatör till " + day(*m.ObserverUntil) + ": utvärderas men är inte bindande."
		}
		mr.Obligations = evaluate(c, f)
		for i := range mr.Obligations {
			r := &mr.Obligations[i]
			k := resultKey{m.Code, r.Obligation}
			if h := revs.history[k]; h != nil {
				r.History = h
			}
			if o := revs.overrides[k]; o != nil {
				r.Override = o
				r.Overridden = true
				r.Status = o.Status
			}
			if r.Status == Fulfilled {
				mr.Fulfilled++
			}
		}
		if !q.NoTracking {
			for _, g := range f.goals {
				mr.Goals = append(mr.Goals, td.track(m.Code, g, f.years, q.Series))
			}
		}
		rep.Members = append(rep.Members, mr)
	}
	rep.Summary = Summarise(rep.Members)
	return rep, nil
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

// names maps member codes to municipality and region names.
func (e *Engine) names(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if e.National == nil {
		return out, nil
	}
	munis, err := e.National.Municipalities(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range munis {
		out[m.Code] = m.Name
	}
	counties, err := e.National.Counties(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range counties {
		out[c.Code] = c.Name
	}
	return out, nil
}

// evidenceSubmissions lists the submissions evidence may point at.
func evidenceSubmissions(facts map[string]*memberFacts) []string {
	set := map[string]bool{}
	for _, f := range facts {
		for _, y := range f.years {
			set[y.Submission] = true
		}
		for _, g := range f.goals {
			set[g.Submission] = true
		}
		for _, p := range f.plans {
			set[p.Submission] = true
		}
		for _, m := range f.measures {
			set[m.Submission] = true
		}
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
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
			if len(f.Obligations) > 0 && !containsObligation(f.Obligations, r.Obligation) {
				continue
			}
			if len(f.Statuses) > 0 && !containsStatus(f.Statuses, r.Status) {
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

func containsObligation(list []Obligation, o Obligation) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}

func containsStatus(list []Status, s Status) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
