package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/demo"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// TestSeed seeds the examples through the real paths on national data
// imported as the commands import it: every example is a member marked as
// example data, its reports are accepted, the review has the late member
// (last year's report late, none this year) and the observer; a second
// seeding adds nothing; the pages and the API mark the example members'
// data and no one else's.
func TestSeed(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		ctx := context.Background()
		sum, err := demo.Seed(ctx, w.App, now)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Members != len(demo.Examples) || sum.Submissions != 4*3+2+1 || len(sum.RealMembers) != 0 {
			t.Fatalf("first seeding: %+v", sum)
		}
		all, err := w.Members.All(ctx)
		if err != nil || len(all) != len(demo.Examples) {
			t.Fatalf("members: %d %v", len(all), err)
		}
		for _, m := range all {
			if !m.Example {
				t.Errorf("%s is not marked as an example", m.Code)
			}
		}
		checkReview(t, w)
		checkPages(t, w)
		again, err := demo.Seed(ctx, w.App, now)
		if err != nil || again.Members != 0 || again.Submissions != 0 {
			t.Fatalf("second seeding added %+v, %v", again, err)
		}
		var n []struct {
			N uint64 `ch:"n"`
		}
		if err := w.DB.Select(ctx, &n, "SELECT count() AS n FROM submissions WHERE status = 'accepted'"); err != nil || n[0].N != 15 {
			t.Fatalf("accepted submissions after two seedings: %+v %v", n, err)
		}
	})
}

// checkReview evaluates 2026 and 2025 as of now.
func checkReview(t *testing.T, w *testworld.World) {
	t.Helper()
	status := func(year int, code string, o compliance.Obligation) (compliance.Status, compliance.MemberResult) {
		rep, err := w.Compliance.Evaluate(context.Background(), compliance.Query{Year: year, AsOf: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range rep.Members {
			if m.Code == code {
				r, _ := m.Result(o)
				return r.Status, m
			}
		}
		t.Fatalf("%s not in the review of %d", code, year)
		return "", compliance.MemberResult{}
	}
	for _, o := range []compliance.Obligation{compliance.Inventory, compliance.Goals, compliance.Plan, compliance.Reporting} {
		if s, _ := status(2026, "1281", o); s != compliance.Fulfilled {
			t.Errorf("Lund 2026 %s: %s", o, s)
		}
	}
	if s, _ := status(2026, "0380", compliance.Reporting); s != compliance.Missing {
		t.Errorf("Uppsala's report 2026: %s, want %s", s, compliance.Missing)
	}
	if s, _ := status(2025, "0380", compliance.Reporting); s != compliance.Late {
		t.Errorf("Uppsala's report 2025: %s, want %s", s, compliance.Late)
	}
	if _, m := status(2026, "0580", compliance.Reporting); !m.Observer || m.Binding {
		t.Errorf("Linköping: observer %v binding %v", m.Observer, m.Binding)
	}
}

// TestSeedNeedsNationalData: without SCB's and SMHI's data seeding writes
// nothing and says what is missing.
func TestSeedNeedsNationalData(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		_, err := demo.Seed(context.Background(), w.App, now)
		if kr.KindOf(err) != kr.Unavailable || !strings.Contains(kr.MessageOf(err), "läs in") {
			t.Fatalf("without national data: %v", err)
		}
		if all, _ := w.Members.All(context.Background()); len(all) != 0 {
			t.Fatalf("members written: %d", len(all))
		}
	})
}

// checkPages: the example members' pages, the overview, the ranking and a
// comparison with an example member say "Exempeldata"; another
// municipality's page and a comparison without one do not; the API's
// metrics and municipality list say "example": true for example members
// only.
func checkPages(t *testing.T, w *testworld.World) {
	t.Helper()
	if _, err := w.Published.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	base := w.Serve(t, "").URL
	for path, want := range map[string]bool{
		"/kommun/1281": true, "/kommun/0580": true, "/": true, "/rangordning": true, "/jamfor?kod=1281&kod=1280": true,
		"/kommun/1280": false, "/jamfor?kod=1280&kod=1260": false,
	} {
		r := testworld.Get(t, base+path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		if got := strings.Contains(string(r.Body), "Exempeldata"); got != want {
			t.Errorf("%s says Exempeldata: %v, want %v", path, got, want)
		}
	}
	for path, want := range map[string]bool{"/api/v1/municipalities/1281/metrics": true, "/api/v1/municipalities/1280/metrics": false} {
		r := testworld.Get(t, base+path)
		if got := strings.Contains(string(r.Body), `"example":true`); r.Status != 200 || got != want {
			t.Errorf("%s: %d, example %v, want %v", path, r.Status, got, want)
		}
	}
	r := testworld.Get(t, base+"/api/v1/municipalities")
	if n := strings.Count(string(r.Body), `"example":true`); n != len(demo.Examples) {
		t.Errorf("/api/v1/municipalities marks %d example members, want %d", n, len(demo.Examples))
	}
}
