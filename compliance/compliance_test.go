package compliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var ctx = context.Background()

const year = 2026

// asOf is when the scenarios are evaluated: after the reporting deadline.
var asOf = time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)

var (
	reviewer = kr.Actor{ID: "r1", Email: "granskare@klimatkommunerna.se", Role: kr.RoleReviewer}
	admin    = kr.Actor{ID: "a1", Email: "admin@klimatkommunerna.se", Role: kr.RoleAdmin}
)

func officer(code string) kr.Actor {
	return kr.Actor{ID: "o" + code, Email: "miljo@" + code + ".se", Role: kr.RoleOfficer, Municipality: code}
}

func fp(v float64) *float64 { return &v }

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is one database with the services over it, wired as the
// service wires them, evaluating at asOf.
type fixture struct {
	db     storage.DB
	subs   *submissions.Service
	reg    *members.Register
	nat    *national.Store
	engine *compliance.Engine
}

func newFixture(t *testing.T, db storage.DB) *fixture {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{})
	w.Compliance.Now = func() time.Time { return asOf }
	return &fixture{db: db, subs: w.Submissions, reg: w.Members, nat: w.National, engine: w.Compliance}
}

// join adds code to the register.
func (f *fixture) join(t *testing.T, code, joined string, observer bool) {
	t.Helper()
	if _, err := f.reg.Add(ctx, kr.System(), code, date(joined), observer, 0); err != nil {
		t.Fatal(err)
	}
}

// submit sends rep through the real path (template workbook, parser,
// validator, store) as uploaded at.
func (f *fixture) submit(t *testing.T, at time.Time, rep *kr.Report) kr.Submission {
	t.Helper()
	f.subs.Now = func() time.Time { return at }
	res, err := f.subs.Submit(ctx, kr.System(), submissions.Upload{FileName: rep.Details.Code + ".xlsx",
		Content: testworld.Workbook(t, rep), Municipality: rep.Details.Code})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted() {
		b, _ := json.MarshalIndent(res.Submission.Items, "", " ")
		t.Fatalf("%s: rejected: %s", rep.Details.Code, b)
	}
	return res.Submission
}

// sectorValue is what complete reports give every main sector in a year:
// 1000 in 2020, falling by 20 a year.
func sectorValue(y int) float64 { return 1000 - 20*float64(y-2020) }

// report is a complete report for code and report year ry: every main
// sector for each of years, a decided total goal (−70 % 1990–2030), a plan
// valid 2021–2030 and one ongoing measure.
func report(code string, ry int, years ...int) *kr.Report {
	rep := &kr.Report{
		Details: kr.Details{Code: code, ReportYear: ry, Contact: "Anna Andersson", Email: "anna@example.se"},
		Goals: []kr.Goal{{ID: "M1", Name: "Minska utsläppen med 70 procent", Type: kr.GoalAbsolute, BaseYear: 1990,
			TargetYear: 2030, ReductionPct: 70, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2020-06-11")}},
		Plans: []kr.ActionPlan{{Name: "Klimatplan 2030", Adopted: date("2021-05-27"), DecidedBy: "Kommunfullmäktige",
			ValidFrom: 2021, ValidTo: 2030}},
		Measures: []kr.Measure{
			{ID: "Å1", Name: "Fler laddplatser", Sector: "Transporter", Status: kr.MeasureOngoing, StartYear: 2022, EndYear: 2027},
			{ID: "Å2", Name: "Solceller på skolor", Sector: "El och fjärrvärme", Status: kr.MeasurePlanned, StartYear: 2027, EndYear: 2028},
		},
	}
	for _, y := range years {
		for _, s := range kr.MainSectors() {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(sectorValue(y))})
		}
	}
	return rep
}

func span(from, to int) []int {
	var ys []int
	for y := from; y <= to; y++ {
		ys = append(ys, y)
	}
	return ys
}

// completeWith is a scenario's setup: a complete report (report) for
// 2020–2024, changed by change (when not nil), uploaded on time.
func completeWith(change func(rep *kr.Report)) func(t *testing.T, f *fixture, code string) {
	return func(t *testing.T, f *fixture, code string) {
		rep := report(code, year, span(2020, 2024)...)
		if change != nil {
			change(rep)
		}
		f.submit(t, onTime, rep)
	}
}

// Upload times.
var (
	onTime = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	late   = time.Date(2026, 8, 15, 9, 0, 0, 0, time.UTC)
)

type expect map[compliance.Obligation]compliance.Status

const (
	ok      = compliance.Fulfilled
	partial = compliance.Partial
	missing = compliance.Missing
	notDue  = compliance.NotDue
	isLate  = compliance.Late
)

// scenario is one member's situation.
type scenario struct {
	name     string
	code     string
	joined   string
	observer bool
	ended    string
	setup    func(t *testing.T, f *fixture, code string)
	want     expect
	binding  bool
	// explain holds, per obligation, words the explanation must contain.
	explain map[compliance.Obligation][]string
}

var scenarios = []scenario{
	{
		name: "complete member", code: "1281", joined: "2015-01-01", binding: true,
		setup: completeWith(nil),
		want:  expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"2024", "alla nio huvudsektorer", "inget år saknas 2020–2024"},
			compliance.Goals:     {"M1", "minska med 70 %", "Kommunfullmäktige"},
			compliance.Plan:      {"Klimatplan 2030", "2021–2030", "en åtgärd är pågående eller genomförd"},
			compliance.Reporting: {"2026-05-04", "2026-06-30"},
		},
	},
	{
		name: "complete region", code: "12", joined: "2018-01-01", binding: true,
		setup: completeWith(nil),
		want:  expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
	},
	{
		name: "new member within grace", code: "1280", joined: "2025-09-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: year}}
			for _, s := range kr.MainSectors()[:5] {
				rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2023, Sector: s, Tonnes: fp(500)})
			}
			f.submit(t, onTime, rep)
		},
		want: expect{compliance.Inventory: notDue, compliance.Goals: notDue, compliance.Plan: notDue, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"har inte förfallit", "har kommunen till 2027-09-01", "två år", "senaste inventerade året är 2023"},
			compliance.Goals:     {"har inte förfallit", "2028-09-01", "tre år"},
		},
	},
	{
		name: "grace expired", code: "0180", joined: "2022-03-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: year}}
			for _, y := range []int{2023, 2024} {
				for _, s := range kr.MainSectors()[:5] {
					rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(500)})
				}
			}
			f.submit(t, onTime, rep)
		},
		want: expect{compliance.Inventory: partial, compliance.Goals: missing, compliance.Plan: missing, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"Inventeringen för 2024 saknar fyra av de nio huvudsektorerna", "Arbetsmaskiner", "notationsnyckel"},
			compliance.Goals:     {"Inga mål"},
		},
	},
	{
		name: "observer", code: "1480", joined: "2026-02-01", observer: true, binding: false,
		setup: func(t *testing.T, f *fixture, code string) {},
		want:  expect{compliance.Inventory: notDue, compliance.Goals: notDue, compliance.Plan: notDue, compliance.Reporting: missing},
	},
	{
		name: "late report", code: "0380", joined: "2015-01-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			f.submit(t, late, report(code, year, span(2020, 2024)...))
		},
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: isLate},
		explain: map[compliance.Obligation][]string{
			compliance.Reporting: {"2026-08-15", "efter sista dagen 2026-06-30"},
		},
	},
	{
		name: "no report", code: "1880", joined: "2015-01-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			f.submit(t, time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC), report(code, 2025, span(2019, 2023)...))
		},
		want: expect{compliance.Inventory: partial, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: missing},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"senaste inventerade året är 2023", "2024 eller senare"},
			compliance.Reporting: {"Ingen rapport för 2026", "2026-06-30"},
		},
	},
	{
		name: "nothing reported at all", code: "2180", joined: "2015-01-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {},
		want:  expect{compliance.Inventory: missing, compliance.Goals: missing, compliance.Plan: missing, compliance.Reporting: missing},
	},
	{
		name: "goal expired", code: "0580", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			rep.Goals[0].TargetYear = 2025
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: partial, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Goals: {"målåret 2025 har passerat", "2026 eller senare", "rad 2"},
		},
	},
	{
		name: "expired goal beside a current one", code: "1382", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			old := rep.Goals[0]
			old.ID, old.TargetYear, old.ReductionPct = "M0", 2020, 25
			rep.Goals = append([]kr.Goal{old}, rep.Goals...)
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
	},
	{
		name: "goal without political decision", code: "1283", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			rep.Goals[0].DecidedBy, rep.Goals[0].DecidedOn = "", time.Time{}
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: partial, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Goals: {"saknar politiskt beslut", "beslutsdatum saknas", "Beslutat av"},
		},
	},
	{
		name: "goal decided by an office", code: "0680", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			rep.Goals[0].DecidedBy = "Miljöförvaltningen"
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: partial, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Goals: {`"Miljöförvaltningen" är inget politiskt organ`},
		},
	},
	{
		name: "plan expired", code: "1290", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			rep.Plans[0].ValidFrom, rep.Plans[0].ValidTo = 2016, 2024
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: partial, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Plan: {"gällde 2016–2024 och gäller inte 2026", "ny eller förlängd handlingsplan"},
		},
	},
	{
		name: "plan without active measures", code: "2480", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			rep.Measures[0].Status = kr.MeasureCancelled
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: partial, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Plan: {"Ingen åtgärd är pågående eller genomförd (en planerad och en avbruten)", "Pågående eller Genomförd"},
		},
	},
	{
		name: "inventory with a gap", code: "2580", joined: "2015-01-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			f.submit(t, onTime, report(code, year, 2019, 2020, 2022, 2023, 2024))
		},
		want: expect{compliance.Inventory: partial, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"Inventering saknas för 2021", "de senaste fem åren (2020–2024)"},
		},
	},
	{
		name: "sectors covered by notation keys", code: "1490", joined: "2015-01-01", binding: true,
		setup: completeWith(func(rep *kr.Report) {
			for i, v := range rep.Inventory {
				if v.Sector == "Jordbruk" || v.Sector == "Utrikes transporter" {
					rep.Inventory[i].Tonnes, rep.Inventory[i].Notation, rep.Inventory[i].Comment = nil, "NO", "Förekommer inte i kommunen"
				}
			}
		}),
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
		explain: map[compliance.Obligation][]string{
			compliance.Inventory: {"två med notationsnyckel"},
		},
	},
	{
		name: "membership ended", code: "2380", joined: "2015-01-01", ended: "2026-03-01", binding: false,
		setup: func(t *testing.T, f *fixture, code string) {},
		want:  expect{compliance.Inventory: missing, compliance.Goals: missing, compliance.Plan: missing, compliance.Reporting: missing},
	},
	{
		name: "reviewer override and member reply", code: "0880", joined: "2015-01-01", binding: true,
		setup: func(t *testing.T, f *fixture, code string) {
			rep := report(code, year, span(2020, 2024)...)
			rep.Plans[0].ValidFrom, rep.Plans[0].ValidTo = 2016, 2024
			f.submit(t, onTime, rep)
			// The plan was extended by a decision not yet in the file.
			if _, _, err := f.engine.Review(ctx, reviewer, compliance.ReviewInput{Code: code, Year: year, Obligation: compliance.Plan,
				Status: compliance.Fulfilled, Comment: "Planen förlängdes av KF 2025-11-20 (protokoll § 211)."}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.engine.Reply(ctx, officer(code), compliance.ReplyInput{Code: code, Year: year, Obligation: compliance.Plan,
				Message: "Tack! Vi rättar Gäller till i nästa rapport."}); err != nil {
				t.Fatal(err)
			}
		},
		// The override counts; the computed status is kept beside it.
		want: expect{compliance.Inventory: ok, compliance.Goals: ok, compliance.Plan: ok, compliance.Reporting: ok},
	},
}

// computed lists the statuses the rules give where a reviewer overrode them.
var computed = map[string]expect{"0880": {compliance.Plan: partial}}

func TestScenarios(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f, rep := scenarioReport(t, db)
		if len(rep.Members) != len(scenarios) {
			t.Fatalf("%d members evaluated, want %d", len(rep.Members), len(scenarios))
		}
		byCode := map[string]compliance.MemberResult{}
		for _, m := range rep.Members {
			byCode[m.Code] = m
		}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				m, found := byCode[sc.code]
				if !found {
					t.Fatalf("%s not evaluated", sc.code)
				}
				if m.Binding != sc.binding {
					t.Errorf("binding %v, want %v (%s)", m.Binding, sc.binding, m.NotBindingReason)
				}
				if len(m.Obligations) != 4 {
					t.Fatalf("%d obligations", len(m.Obligations))
				}
				for _, o := range compliance.Obligations() {
					r, _ := m.Result(o)
					if r.Status != sc.want[o] {
						t.Errorf("%s: %q, want %q — %s", o, r.Status, sc.want[o], r.Explanation)
					}
					wantComputed := sc.want[o]
					if c, ok := computed[sc.code][o]; ok {
						wantComputed = c
					}
					if r.Computed != wantComputed || r.Overridden != (r.Override != nil) {
						t.Errorf("%s: computed %q, want %q", o, r.Computed, wantComputed)
					}
					if r.Explanation == "" || r.Title == "" {
						t.Errorf("%s: no explanation", o)
					}
					for _, w := range sc.explain[o] {
						if !strings.Contains(r.Explanation, w) {
							t.Errorf("%s: explanation lacks %q:\n%s", o, w, r.Explanation)
						}
					}
				}
			})
		}

		t.Run("evidence", func(t *testing.T) { scenarioEvidence(t, f, byCode) })

		t.Run("review history", func(t *testing.T) { scenarioReviewHistory(t, f, byCode) })

		t.Run("review rights and input", func(t *testing.T) { scenarioReviewRights(t, f, byCode) })

		t.Run("filters and summary", func(t *testing.T) { scenarioFilters(t, f, byCode) })

		t.Run("deterministic", func(t *testing.T) { scenarioDeterministic(t, f, byCode) })

		t.Run("as of an earlier date", func(t *testing.T) { scenarioEarlier(t, f, byCode) })
	})
}

// scenarioEvidence checks the evidence, warnings, due dates and binding reasons.
func scenarioEvidence(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	m := byCode["1281"]
	inv, _ := m.Result(compliance.Inventory)
	if len(inv.Evidence) != 1 || inv.Evidence[0].Sheet != "Utsläpp" || inv.Evidence[0].Year != 2024 ||
		len(inv.Evidence[0].Rows) != 9 || inv.Evidence[0].Submission == "" || !inv.Evidence[0].UploadedAt.Equal(onTime) {
		t.Errorf("inventory evidence: %+v", inv.Evidence)
	}
	goals, _ := m.Result(compliance.Goals)
	if len(goals.Evidence) != 1 || goals.Evidence[0].Sheet != "Mål" || fmt.Sprint(goals.Evidence[0].Rows) != "[2]" {
		t.Errorf("goal evidence: %+v", goals.Evidence)
	}
	plan, _ := m.Result(compliance.Plan)
	if len(plan.Evidence) != 2 || plan.Evidence[0].Sheet != "Handlingsplan" || plan.Evidence[1].Sheet != "Åtgärder" ||
		fmt.Sprint(plan.Evidence[1].Rows) != "[2]" {
		t.Errorf("plan evidence: %+v", plan.Evidence)
	}
	rp, _ := m.Result(compliance.Reporting)
	if len(rp.Evidence) != 1 || rp.Evidence[0].Submission != inv.Evidence[0].Submission || !rp.Due.Equal(date("2026-06-30")) {
		t.Errorf("reporting evidence: %+v due %v", rp.Evidence, rp.Due)
	}
	// A passed target year is a warning beside a current goal; alone,
	// it is what the explanation is about.
	g, _ := byCode["1382"].Result(compliance.Goals)
	if len(g.Warnings) != 1 || !strings.Contains(g.Warnings[0], "Målet M0 (Minska utsläppen med 70 procent) hade målår 2020, som har passerat") ||
		len(g.Evidence) != 1 || fmt.Sprint(g.Evidence[0].Rows) != "[3]" {
		t.Errorf("expired goal beside a current one: %q %+v", g.Warnings, g.Evidence)
	}
	if g, _ := byCode["0580"].Result(compliance.Goals); len(g.Warnings) != 0 {
		t.Errorf("the expired goal is both explained and warned about: %q", g.Warnings)
	}
	// The end of a grace period is shown only where it matters.
	if r, _ := byCode["1280"].Result(compliance.Inventory); !r.Due.Equal(date("2027-09-01")) {
		t.Errorf("new member's inventory due %v", r.Due)
	}
	if !inv.Due.IsZero() {
		t.Errorf("long-standing member's inventory due %v", inv.Due)
	}
	obs := byCode["1480"]
	if !obs.Observer || !strings.Contains(obs.NotBindingReason, "Observatör till 2027-02-01") {
		t.Errorf("observer: %+v", obs)
	}
	if e := byCode["2380"]; !strings.Contains(e.NotBindingReason, "upphörde 2026-03-01") {
		t.Errorf("ended: %q", e.NotBindingReason)
	}
}

// scenarioReviewHistory checks overrides, their removal and replies, every step kept.
func scenarioReviewHistory(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	r, _ := byCode["0880"].Result(compliance.Plan)
	if !r.Overridden || r.Override == nil || r.Override.By != reviewer.Email || !strings.Contains(r.Override.Text, "§ 211") {
		t.Fatalf("override: %+v", r)
	}
	if len(r.History) != 2 || r.History[0].Kind != compliance.EventReview || r.History[0].Before != partial ||
		r.History[0].After != ok || r.History[0].Computed != partial || r.History[1].Kind != compliance.EventReply ||
		r.History[1].Shown != ok || r.History[1].By != officer("0880").Email {
		t.Fatalf("history: %+v", r.History)
	}
	// Removing the override brings the computed status back, and
	// every step is kept.
	ev, m, err := f.engine.Review(ctx, reviewer, compliance.ReviewInput{Code: "0880", Year: year, Obligation: compliance.Plan,
		Comment: "Protokollet gäller en annan plan; ändringen tas bort."})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Before != ok || ev.After != partial || ev.Status != "" {
		t.Errorf("removal event: %+v", ev)
	}
	r, _ = m.Result(compliance.Plan)
	if r.Status != partial || r.Overridden || r.Override != nil || len(r.History) != 3 {
		t.Errorf("after removal: %+v", r)
	}
	// A new override, then a reply to it.
	ev, _, err = f.engine.Review(ctx, reviewer, compliance.ReviewInput{Code: "0880", Year: year, Obligation: "handlingsplan",
		Status: "ej förfallet", Comment: "Ny plan antas i december."})
	if err != nil || ev.Before != partial || ev.After != notDue || ev.Obligation != compliance.Plan {
		t.Fatalf("second override: %+v %v", ev, err)
	}
	_, m, err = f.engine.Reply(ctx, officer("0880"), compliance.ReplyInput{Code: "0880", Year: year, Obligation: compliance.Plan,
		Message: "Stämmer.", ReplyTo: ev.ID})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = m.Result(compliance.Plan)
	if r.Status != notDue || len(r.History) != 5 || r.History[4].ReplyTo != ev.ID {
		t.Errorf("after reply: %+v", r)
	}
	// The raw table keeps every row.
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := f.db.Select(ctx, &n, "SELECT count() AS n FROM compliance_reviews WHERE municipality_code = ?", "0880"); err != nil || n[0].N != 3 {
		t.Errorf("review rows: %+v %v", n, err)
	}
}

// scenarioReviewRights checks who may review and reply, and what input is refused.
func scenarioReviewRights(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	in := compliance.ReviewInput{Code: "1281", Year: year, Obligation: compliance.Goals, Status: compliance.Partial, Comment: "x"}
	for _, a := range []kr.Actor{officer("1281"), kr.Public()} {
		if _, _, err := f.engine.Review(ctx, a, in); kr.KindOf(err) != kr.Forbidden && kr.KindOf(err) != kr.Unauthorized {
			t.Errorf("%s may review: %v", a.Role, err)
		}
	}
	reply := compliance.ReplyInput{Code: "1281", Year: year, Obligation: compliance.Goals, Message: "Hej"}
	for _, a := range []kr.Actor{officer("1280"), reviewer, admin} {
		if _, _, err := f.engine.Reply(ctx, a, reply); kr.KindOf(err) != kr.Forbidden {
			t.Errorf("%s (%s) may reply for 1281: %v", a.Role, a.Municipality, err)
		}
	}
	bad := []compliance.ReviewInput{
		{Code: "1281", Year: year, Obligation: compliance.Goals, Status: "klart", Comment: "x"},
		{Code: "1281", Year: year, Obligation: "budget", Status: compliance.Partial, Comment: "x"},
		{Code: "1281", Year: year, Obligation: compliance.Goals, Status: compliance.Partial, Comment: "  "},
		{Code: "1281", Year: 1980, Obligation: compliance.Goals, Status: compliance.Partial, Comment: "x"},
	}
	for _, b := range bad {
		if _, _, err := f.engine.Review(ctx, reviewer, b); kr.KindOf(err) != kr.Invalid {
			t.Errorf("%+v: %v", b, err)
		}
	}
	if _, _, err := f.engine.Review(ctx, reviewer, compliance.ReviewInput{Code: "9999", Year: year, Obligation: compliance.Goals,
		Status: compliance.Partial, Comment: "x"}); kr.KindOf(err) != kr.NotFound {
		t.Errorf("non-member: %v", err)
	}
	if _, _, err := f.engine.Review(ctx, reviewer, compliance.ReviewInput{Code: "1281", Year: year, Obligation: compliance.Goals,
		Comment: "ta bort"}); kr.KindOf(err) != kr.Conflict {
		t.Errorf("removing a missing override: %v", err)
	}
	if _, _, err := f.engine.Reply(ctx, officer("1281"), compliance.ReplyInput{Code: "1281", Year: year, Obligation: compliance.Goals,
		Message: "svar", ReplyTo: "0190b6a2-0000-7000-8000-000000000000"}); kr.KindOf(err) != kr.Invalid {
		t.Errorf("reply to an unknown review: %v", err)
	}
}

// scenarioFilters checks the summary counts and the filters.
func scenarioFilters(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	rep, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	if s.Members != len(scenarios) || s.Binding != len(scenarios)-2 || s.Counts[compliance.Reporting][isLate] != 1 ||
		s.Counts[compliance.Reporting][missing] != 4 || s.BindingBy[compliance.Reporting][missing] != 2 {
		t.Errorf("summary: %+v", s)
	}
	yes := true
	only := compliance.Filter{Statuses: []compliance.Status{missing}, Obligations: []compliance.Obligation{compliance.Reporting}, Binding: &yes}.Apply(rep)
	var codes []string
	for _, m := range only.Members {
		codes = append(codes, m.Code)
		if len(m.Obligations) != 1 {
			t.Errorf("%s: %d results", m.Code, len(m.Obligations))
		}
	}
	if fmt.Sprint(codes) != "[1880 2180]" {
		t.Errorf("binding members missing their report: %v", codes)
	}
	regions := compliance.Filter{Kind: members.KindRegion}.Apply(rep)
	if len(regions.Members) != 1 || regions.Members[0].Code != "12" {
		t.Errorf("regions: %+v", regions.Members)
	}
}

// scenarioDeterministic checks that two evaluations of the same data are the same.
func scenarioDeterministic(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	a, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("two evaluations of the same data differ")
	}
}

// scenarioEarlier checks evaluations as of an earlier date and for a past year.
func scenarioEarlier(t *testing.T, f *fixture, byCode map[string]compliance.MemberResult) {
	// Before the deadline, a missing report is not yet due; late
	// uploads are not yet seen.
	rep, err := f.engine.Evaluate(ctx, compliance.Query{Year: year, AsOf: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		Codes: []string{"2180", "0380"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range rep.Members {
		r, _ := m.Result(compliance.Reporting)
		if r.Status != notDue {
			t.Errorf("%s reporting on 1 June: %s", m.Code, r.Status)
		}
	}
	if inv, _ := rep.Members[0].Result(compliance.Inventory); rep.Members[0].Code != "0380" || inv.Status != missing {
		t.Errorf("0380's late upload is visible on 1 June: %s %s", rep.Members[0].Code, inv.Status)
	}
	// A past year: the observer had not joined, the new member was
	// within grace, and there was no 2025 report from most.
	past, err := f.engine.Evaluate(ctx, compliance.Query{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range past.Members {
		if m.Code == "1480" {
			t.Error("the 2026 observer is evaluated for 2025")
		}
	}
	// 0880's override is for 2026 only.
	for _, m := range past.Members {
		for _, r := range m.Obligations {
			if r.Overridden || len(r.History) > 0 {
				t.Errorf("%s %s 2025 carries a 2026 review", m.Code, r.Obligation)
			}
		}
	}
}

// checkSectorGoal checks trackedLund's M2: transport −60 % from 2020
// (Lund's own 1 000 t) to 2030: target 400 t; path 2024: 1 000 − 600·4/10 =
// 760 t; Lund 2024: 920 t, 160 t (21 %) above.
func checkSectorGoal(t *testing.T, g compliance.GoalTrack) {
	t.Helper()
	if g.Tracking == nil {
		t.Fatalf("M2 not tracked: %s", g.Problem)
	}
	tr := g.Tracking
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"base", tr.BaseTonnes, 1000}, {"path", tr.PathTonnes, 760}, {"latest", tr.LatestTonnes, 920},
		{"required rate", *tr.RequiredRatePct, -12.961373852487446},
		{"rate since base", *tr.RateSinceBasePct, -2.0629638664440675},
	} {
		if !near(c.got, c.want) {
			t.Errorf("M2 %s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if tr.Verdict != "Inte i fas: 21 % över den raka vägen till målet." || g.BaseSource != compliance.SourceReported {
		t.Errorf("M2: %q %s", tr.Verdict, g.BaseSource)
	}
	// Lund's own figures have no 2015: no rate since 2015 (SMHI's 2015
	// is not borrowed). SMHI's own follow-up stands beside it.
	if tr.RateSince2015Pct != nil || len(g.Sources) != 2 || g.Sources[0].Source != compliance.SourceSMHI || g.Sources[0].BaseTonnes != 1100 {
		t.Errorf("M2 sources: %+v", g.Sources)
	}
	for _, p := range g.Points {
		if p.Source != compliance.SourceReported || p.Submission == "" {
			t.Errorf("M2 %d: %s without its submission", p.Year, p.Source)
		}
	}
}

// writeSMHI writes a small file in SMHI's export layout (all greenhouse
// gases) with Lund's total and transport figures.
func writeSMHI(t *testing.T, total, transport map[int]float64) []byte {
	t.Helper()
	years := []int{1990, 2015, 2019, 2020, 2021, 2022}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Växthusgaser totalt (GGT)"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Rapportnamn:", "Länsrapport, 2024-04-18"},
		{"Emissioner av Växthusgaser totalt (GGT)"},
		{"Enhet: ton CO2-ekv/år"},
		{},
		{nil, nil, nil, nil},
		{"Huvudsektor", "Undersektor", "Län", "Kommun"},
	}
	for _, y := range years {
		rows[4] = append(rows[4], y)
		rows[5] = append(rows[5], "GGT")
	}
	line := func(main string, vals map[int]float64) []any {
		r := []any{main, "Alla", "Skåne län", "Lund"}
		for _, y := range years {
			if v, ok := vals[y]; ok {
				r = append(r, v)
			} else {
				r = append(r, nil)
			}
		}
		return r
	}
	rows = append(rows, line("Alla", total), line("Transporter", transport))
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func near(got, want float64) bool { return math.Abs(got-want) < 1e-6*math.Max(1, math.Abs(want)) }

// TestGoalTracking checks goal tracking against numbers computed by hand.
func TestGoalTracking(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := trackedLund(t, db)

		m, err := f.engine.Member(ctx, "1281", compliance.Query{Year: year, Series: true})
		if err != nil {
			t.Fatal(err)
		}
		if m.Name != "Lund" || len(m.Goals) != 3 {
			t.Fatalf("member: %q, %d goals", m.Name, len(m.Goals))
		}

		// M1: −70 % from 1990 to 2030. Only SMHI has 1990 (20 000 t), so
		// it is followed up on SMHI's figures alone, never mixed with Lund's
		// own: target 6 000 t; the straight path in SMHI's last year, 2022:
		// 20 000 + (6 000 − 20 000)·32/40 = 8 800 t; SMHI 2022: 9 300 t,
		// 500 t (5,7 %) above.
		g := m.Goals[0]
		tr := g.Tracking
		if tr == nil {
			t.Fatalf("M1 not tracked: %s", g.Problem)
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"base", tr.BaseTonnes, 20000},
			{"target", tr.TargetTonnes, 6000},
			{"latest", tr.LatestTonnes, 9300},
			{"path", tr.PathTonnes, 8800},
			{"diff", tr.DiffTonnes, 500},
			{"diff %", *tr.DiffPct, 100 * 500.0 / 8800},
			// (6 000 / 9 300)^(1/8) − 1
			{"required rate", *tr.RequiredRatePct, 100 * (math.Pow(6000.0/9300, 1.0/8) - 1)},
			{"required t/yr", *tr.RequiredTonnesPerYear, -412.5},
			// (9 300 / 20 000)^(1/32) − 1
			{"rate since base", *tr.RateSinceBasePct, 100 * (math.Pow(9300.0/20000, 1.0/32) - 1)},
			// (9 300 / 12 000)^(1/7) − 1
			{"rate since 2015", *tr.RateSince2015Pct, 100 * (math.Pow(9300.0/12000, 1.0/7) - 1)},
		}
		for _, c := range checks {
			if !near(c.got, c.want) {
				t.Errorf("M1 %s: %v, want %v", c.name, c.got, c.want)
			}
		}
		if tr.LatestYear != 2022 || tr.OnTrack || g.BaseSource != compliance.SourceSMHI || g.LatestSource != compliance.SourceSMHI ||
			g.SMHIRelease != "2024-04-18" || len(g.Sources) != 1 || g.Sources[0].Source != compliance.SourceSMHI {
			t.Errorf("M1: %+v", g)
		}
		if tr.Verdict != "Inte i fas: 5,7 % över den raka vägen till målet." || g.Sources[0].Verdict != tr.Verdict {
			t.Errorf("verdict: %q", tr.Verdict)
		}
		for _, w := range []string{"9 300 ton CO2e mot den raka vägens 8 800 ton CO2e", "behöver utsläppen minska med 5,3 % per år från 2022",
			"Sedan basåret 1990 har de minskat med 2,4 % per år, sedan 2015 minskat med 3,6 % per år",
			"Siffrorna är SMHI:s (publicering 2024-04-18)"} {
			if !strings.Contains(g.Summary, w) {
				t.Errorf("summary lacks %q:\n%s", w, g.Summary)
			}
		}
		want := map[int]string{1990: "smhi 20000", 2015: "smhi 12000", 2019: "smhi 9800", 2020: "smhi 9500", 2021: "smhi 9400", 2022: "smhi 9300"}
		if len(g.Points) != len(want) {
			t.Errorf("points: %+v", g.Points)
		}
		for _, p := range g.Points {
			if got := fmt.Sprintf("%s %v", p.Source, p.Value); got != want[p.Year] {
				t.Errorf("%d: %s, want %s", p.Year, got, want[p.Year])
			}
		}
		if len(g.Path) != 41 || g.Path[0].Tonnes != 20000 || !near(g.Path[40].Tonnes, 6000) || !near(g.Path[32].Tonnes, 8800) {
			t.Errorf("path: %d points", len(g.Path))
		}

		checkSectorGoal(t, m.Goals[1])
		// M3 has no base year: it cannot be followed up, and says so.
		if g := m.Goals[2]; g.Tracking != nil || !strings.Contains(g.Problem, "inget basår") {
			t.Errorf("M3: %+v", g)
		}
		// Without Series the list stays small.
		rep2, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		if g := rep2.Members[0].Goals[0]; g.Points != nil || g.Path != nil || g.Tracking == nil {
			t.Errorf("list: %+v", g)
		}
		if s := rep2.Summary.Tracking; s["off_track"] != 1 || s["unknown"] != 1 {
			t.Errorf("tracking summary: %v", s)
		}
	})
}
