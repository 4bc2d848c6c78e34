package analytics

import (
	"math"
	"testing"
)

func assertPtr(t *testing.T, name string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.12g", name, want)
		return
	}
	assertNear(t, name, *got, want, tol)
}

// goal6030 is "−60 % from 2010 to 2030" with 100 000 t in 2010: target
// 100 000·(1 − 0.6) = 40 000 t; the straight path falls 60 000/20 = 3 000 t a
// year, so for 2022 it is 100 000 − 3 000·12 = 64 000 t.
var goal6030 = Goal{BaseYear: 2010, TargetYear: 2030, ReductionPct: 60}

func TestGoalPath(t *testing.T) {
	if got := goal6030.Target(100000); got != 40000 {
		t.Errorf("Target = %v", got)
	}
	p := GoalPath(goal6030, 100000)
	if len(p) != 21 || p[0] != (Point{2010, 100000}) || p[20] != (Point{2030, 40000}) {
		t.Fatalf("GoalPath = %v", p)
	}
	assertNear(t, "path 2022", p[12].Tonnes, 64000, 1e-9)
	if goal6030.PathAt(100000, 2000) != 100000 || goal6030.PathAt(100000, 2040) != 40000 {
		t.Error("PathAt outside the goal's years")
	}
	if GoalPath(Goal{BaseYear: 2030, TargetYear: 2030}, 1) != nil {
		t.Error("GoalPath of an empty goal")
	}
}

func TestTrackGoalBehind(t *testing.T) {
	actual := Series{{2015, 90000}, {2022, 70000}}
	g, ok := TrackGoal(goal6030, 100000, actual)
	if !ok {
		t.Fatal("not ok")
	}
	if g.LatestYear != 2022 || g.LatestTonnes != 70000 || g.TargetTonnes != 40000 {
		t.Errorf("tracking = %+v", g)
	}
	assertNear(t, "PathTonnes", g.PathTonnes, 64000, 1e-9)
	// 70 000 − 64 000 = 6 000 t above; 6 000/64 000 = 9.375 %.
	assertNear(t, "DiffTonnes", g.DiffTonnes, 6000, 1e-9)
	assertPtr(t, "DiffPct", g.DiffPct, 9.375, 1e-12)
	// Needed: (40 000/70 000)^(1/8) − 1; ln(4/7) = −0.559616, /8 =
	// −0.069952, e^ = 0.932439: −6.756 % a year. As a line:
	// (40 000 − 70 000)/8 = −3 750 t a year.
	assertPtr(t, "RequiredRatePct", g.RequiredRatePct, -6.75614, 1e-5)
	assertPtr(t, "RequiredRatePct exact", g.RequiredRatePct, 100*(math.Pow(4.0/7, 1.0/8)-1), 1e-12)
	assertPtr(t, "RequiredTonnesPerYear", g.RequiredTonnesPerYear, -3750, 1e-9)
	// Since 2010: 0.7^(1/12) − 1; ln 0.7 = −0.356675, /12 = −0.029723,
	// e^ = 0.970714: −2.929 % a year.
	assertPtr(t, "RateSinceBasePct", g.RateSinceBasePct, -2.92855, 1e-5)
	// Since 2015: (7/9)^(1/7) − 1; ln(7/9) = −0.251314, /7 = −0.035902,
	// e^ = 0.964735: −3.527 % a year.
	assertPtr(t, "RateSince2015Pct", g.RateSince2015Pct, -3.52652, 1e-5)
	if g.OnTrack {
		t.Error("OnTrack although above the path")
	}
	if want := "Inte i fas: 9,4 % över den raka vägen till målet."; g.Verdict != want {
		t.Errorf("Verdict = %q, want %q", g.Verdict, want)
	}
}

func TestTrackGoalAhead(t *testing.T) {
	// 56 320 t in 2022 against the path's 64 000: 7 680 t under, and
	// 7 680/64 000 = 12 %. No 2015 value: no rate since 2015.
	g, ok := TrackGoal(goal6030, 100000, Series{{2010, 99000}, {2022, 56320}})
	if !ok {
		t.Fatal("not ok")
	}
	assertNear(t, "DiffTonnes", g.DiffTonnes, -7680, 1e-9)
	assertPtr(t, "DiffPct", g.DiffPct, -12, 1e-12)
	if !g.OnTrack || g.RateSince2015Pct != nil {
		t.Errorf("OnTrack %v, RateSince2015Pct %v", g.OnTrack, g.RateSince2015Pct)
	}
	// The goal's base value (100 000) is used, not the series' 99 000:
	// (0.5632)^(1/12) − 1.
	assertPtr(t, "RateSinceBasePct", g.RateSinceBasePct, 100*(math.Pow(0.5632, 1.0/12)-1), 1e-12)
	if want := "I fas: 12 % under den raka vägen till målet."; g.Verdict != want {
		t.Errorf("Verdict = %q, want %q", g.Verdict, want)
	}
	// Exactly on the path.
	g, _ = TrackGoal(goal6030, 100000, Series{{2022, 64000}})
	if !g.OnTrack || g.Verdict != "I fas: precis på den raka vägen till målet." {
		t.Errorf("on the path: %v %q", g.OnTrack, g.Verdict)
	}
}

func TestTrackGoalNetZeroPassed(t *testing.T) {
	// Net zero (−100 %) by 2020 from 1 000 t in 2010; 2022 has 200 t. The
	// path is 0 from 2020, so there is no percentage of it: the gap is
	// given as 200/1 000 = 20 % of the base-year value. No required rate
	// after the target year.
	g, ok := TrackGoal(Goal{BaseYear: 2010, TargetYear: 2020, ReductionPct: 100}, 1000, Series{{2022, 200}})
	if !ok {
		t.Fatal("not ok")
	}
	if g.PathTonnes != 0 || g.DiffPct != nil || g.RequiredRatePct != nil || g.RequiredTonnesPerYear != nil || g.OnTrack {
		t.Errorf("tracking = %+v", g)
	}
	if want := "Målet är inte nått: 20 % av basårets utsläpp över målnivån för 2020."; g.Verdict != want {
		t.Errorf("Verdict = %q, want %q", g.Verdict, want)
	}
	// Before the target year a net-zero goal needs −100 % a year as a
	// compound rate, and (0 − 200)/8 = −25 t a year as a line.
	g, _ = TrackGoal(Goal{BaseYear: 2010, TargetYear: 2030, ReductionPct: 100}, 1000, Series{{2022, 200}})
	assertPtr(t, "RequiredRatePct", g.RequiredRatePct, -100, 0)
	assertPtr(t, "RequiredTonnesPerYear", g.RequiredTonnesPerYear, -25, 1e-12)
	// Reached: −50 % by 2020 from 1 000 t, 450 t in 2021 is 10 % under 500.
	g, _ = TrackGoal(Goal{BaseYear: 2010, TargetYear: 2020, ReductionPct: 50}, 1000, Series{{2021, 450}})
	if want := "Målet är nått: 10 % under målnivån för 2020."; g.Verdict != want {
		t.Errorf("Verdict = %q, want %q", g.Verdict, want)
	}
}

func TestTrackGoalRejects(t *testing.T) {
	s := Series{{2022, 1}}
	for name, c := range map[string]struct {
		g    Goal
		base float64
		s    Series
	}{
		"target before base": {Goal{2030, 2010, 50}, 1, s},
		"zero base":          {goal6030, 0, s},
		"NaN base":           {goal6030, math.NaN(), s},
		"no data":            {goal6030, 1, nil},
		"data before base":   {Goal{2023, 2030, 50}, 1, s},
		"unsorted":           {goal6030, 1, Series{{2022, 1}, {2021, 1}}},
	} {
		if _, ok := TrackGoal(c.g, c.base, c.s); ok {
			t.Errorf("%s: ok", name)
		}
	}
}
