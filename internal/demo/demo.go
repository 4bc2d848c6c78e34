// Package demo registers example members with example reports, so that a
// newcomer (serve --demo, make demo) sees every member feature: goals
// against the outcome, action plans, measures and the compliance review,
// with one member late and one observer. Everything goes through the real
// paths: the members register (each member marked as an example first,
// members.Register.MarkExample) and the submissions service's Submit with
// the template the officers download, filled in. The reports are made up,
// their inventory derived from SMHI's figures for the municipality, so the
// national data must be imported first. Seeding again adds nothing twice,
// and a member that is already in the register without the example mark
// (a real one) is left alone.
package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// Example is one example member: a real municipality with made-up
// contacts and reports.
type Example struct {
	Code      string
	Joined    time.Time // zero: an observer who joined two months before seeding
	Observer  bool      // an observer for a year, with one report without plan or measures
	Late      bool      // last year's report after the deadline, none this year
	Reduction float64   // the total goal for 2030, per cent below 1990
	Officer   members.Contact
	Official  members.Contact
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Examples are the example members.
var Examples = []Example{
	{Code: "1281", Joined: day(2010, 3, 1), Reduction: 70,
		Officer: members.Contact{Name: "Anna Lindqvist", Email: "anna.lindqvist@exempel.lund.se"}, Official: members.Contact{Name: "Erik Holm", Email: "erik.holm@exempel.lund.se"}},
	{Code: "0180", Joined: day(2012, 9, 1), Reduction: 80,
		Officer: members.Contact{Name: "Sara Nyberg", Email: "sara.nyberg@exempel.stockholm.se"}, Official: members.Contact{Name: "Johan Ek", Email: "johan.ek@exempel.stockholm.se"}},
	{Code: "1480", Joined: day(2014, 1, 15), Reduction: 75,
		Officer: members.Contact{Name: "Maria Berg", Email: "maria.berg@exempel.goteborg.se"}, Official: members.Contact{Name: "Lars Strand", Email: "lars.strand@exempel.goteborg.se"}},
	{Code: "2480", Joined: day(2016, 5, 1), Reduction: 65,
		Officer: members.Contact{Name: "Karin Öberg", Email: "karin.oberg@exempel.umea.se"}, Official: members.Contact{Name: "Per Lund", Email: "per.lund@exempel.umea.se"}},
	{Code: "0380", Joined: day(2015, 2, 1), Reduction: 60, Late: true,
		Officer: members.Contact{Name: "Lena Sjö", Email: "lena.sjo@exempel.uppsala.se"}, Official: members.Contact{Name: "Olof Dahl", Email: "olof.dahl@exempel.uppsala.se"}},
	{Code: "0580", Observer: true, Reduction: 55,
		Officer: members.Contact{Name: "Eva Falk", Email: "eva.falk@exempel.linkoping.se"}, Official: members.Contact{Name: "Nils Ros", Email: "nils.ros@exempel.linkoping.se"}},
}

// Summary says what a seeding added.
type Summary struct {
	Members     int      // example members registered now
	Submissions int      // example reports accepted now
	RealMembers []string // examples' codes already in the register as real members, left alone
}

// Seed registers the examples not yet registered and submits each one's
// reports that are not accepted yet, as of now. It needs SCB's municipality
// list and an SMHI release (kr.Unavailable without them).
func Seed(ctx context.Context, a *app.App, now time.Time) (Summary, error) {
	var sum Summary
	codes := make([]string, len(Examples))
	for i, ex := range Examples {
		codes[i] = ex.Code
	}
	names, err := a.Data().AreaNames(ctx)
	if err != nil {
		return sum, err
	}
	smhi, err := a.Data().SMHI(ctx, codes)
	if err != nil {
		return sum, err
	}
	for _, code := range codes {
		if names[code] == "" || len(smhi.Sectors[code]) == 0 {
			return sum, kr.E(kr.Unavailable, "Exempeldata kräver SCB:s kommunlista och SMHI:s siffror för %s: läs in dem först.", code)
		}
	}
	for _, ex := range Examples {
		added, real, err := register(ctx, a.Members, ex, now)
		if err != nil {
			return sum, err
		}
		if real {
			sum.RealMembers = append(sum.RealMembers, ex.Code)
			continue
		}
		if added {
			sum.Members++
		}
		n, err := submit(ctx, a, ex, names[ex.Code], smhi, now)
		sum.Submissions += n
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// register marks ex as an example and makes it a member, unless it is one
// already. real is true when it is a member without the example mark.
func register(ctx context.Context, reg *members.Register, ex Example, now time.Time) (added, real bool, err error) {
	cur, ok, err := reg.Get(ctx, ex.Code)
	if err != nil || ok {
		return false, ok && !cur.Example, err
	}
	if err := reg.MarkExample(ctx, kr.System(), ex.Code); err != nil {
		return false, false, err
	}
	m := members.Member{Code: ex.Code, Joined: ex.Joined, Officer: ex.Officer, Official: ex.Official}
	if ex.Observer {
		m.Joined = day(now.Year(), now.Month(), now.Day()).AddDate(0, -2, 0)
	}
	_, err = reg.Join(ctx, kr.System(), m, ex.Observer, 0)
	return err == nil, false, err
}

// upload is one report to submit: its year and when it is stored as
// uploaded.
type upload struct {
	year int
	at   time.Time
}

// uploads are ex's reports as of now: those of the last three report
// years, each uploaded in April of its year (before the deadline of 30
// June); the late member's of last year in September and none this year;
// the observer's one of this year, now. Reports whose upload date is still
// ahead are left out.
func uploads(ex Example, now time.Time) []upload {
	c := now.Year()
	if ex.Observer {
		return []upload{{c, now}}
	}
	var out []upload
	for y := c - 2; y <= c; y++ {
		at := time.Date(y, time.April, 15, 9, 0, 0, 0, time.UTC)
		if ex.Late && y == c-1 {
			at = time.Date(y, time.September, 15, 9, 0, 0, 0, time.UTC)
		}
		if ex.Late && y == c || at.After(now) {
			continue
		}
		out = append(out, upload{y, at})
	}
	return out
}

// submit sends ex's reports not accepted yet through the submissions
// service, each stored as uploaded on its date, and returns how many were
// accepted.
func submit(ctx context.Context, a *app.App, ex Example, name string, smhi figures.SMHI, now time.Time) (int, error) {
	versions, err := a.Submissions.List(ctx, ex.Code)
	if err != nil {
		return 0, err
	}
	have := map[int]bool{}
	for _, v := range versions {
		have[v.ReportYear] = have[v.ReportYear] || v.Status == kr.SubmissionAccepted
	}
	n := 0
	for _, up := range uploads(ex, now) {
		if have[up.year] {
			continue
		}
		rep := Report(ex, name, up, smhi.Sectors[ex.Code])
		var b bytes.Buffer
		if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: ex.Code, Name: name, Year: up.year, Prefill: rep}); err != nil {
			return n, err
		}
		// The same Submit as an officer's upload; only its clock is the
		// report's upload date, so that the review sees it on time (or
		// late) as a real member's would be.
		at := up.at
		svc := &submissions.Service{DB: a.DB, Lookup: a.Lookup, Limits: a.Submissions.Limits, OnCommit: a.Submissions.OnCommit,
			Now: func() time.Time { return at }}
		res, err := svc.Submit(ctx, kr.System(), submissions.Upload{FileName: fmt.Sprintf("exempel-%s-%d.xlsx", ex.Code, up.year),
			Content: b.Bytes(), Municipality: ex.Code})
		if err != nil {
			return n, err
		}
		if !res.Accepted() {
			return n, fmt.Errorf("demo: the example report of %s for %d was rejected: %v", ex.Code, up.year, res.Submission.Items)
		}
		n++
	}
	return n, nil
}
