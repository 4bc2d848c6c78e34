package membertest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/membertest"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// small is a questions file small enough to score by hand.
const small = `{"version": "t1", "areas": [
 {"id": "a", "title": "A", "questions": [
  {"id": "a_yes", "kind": "yesno", "weight": 3, "text": "Beslut?", "fix": "Besluta."},
  {"id": "a_body", "kind": "text", "weight": 1, "text": "Organ?", "fix": "Ange organ."}]},
 {"id": "b", "title": "B", "questions": [
  {"id": "b_year", "kind": "year", "weight": 2, "text": "År?", "fix": "Ange år."}]}]}`

func TestScoreHandWorked(t *testing.T) {
	q, err := membertest.Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name           string
		answers        map[string]string
		points, pct    int
		statusA, gapsA string
		statusB        string
	}{
		{"nothing", nil, 0, 0, membertest.Missing, "Besluta.|Ange organ.", membertest.Missing},
		{"all", map[string]string{"a_yes": "ja", "a_body": "Fullmäktige", "b_year": "2020"}, 6, 100, membertest.Met, "", membertest.Met},
		// "nej" to a decision is not met, though it is answered: 1 + 2 of 6.
		{"no decision", map[string]string{"a_yes": "nej", "a_body": "KF", "b_year": "2020"}, 3, 50, membertest.Partly, "Besluta.", membertest.Met},
		{"decision only", map[string]string{"a_yes": "ja"}, 3, 50, membertest.Partly, "Ange organ.", membertest.Missing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := q.Score(c.answers)
			var gaps []string
			for _, g := range s.Areas[0].Gaps {
				gaps = append(gaps, g.Fix)
			}
			if s.Points != c.points || s.Max != 6 || s.Percent() != c.pct || s.Areas[0].Status != c.statusA ||
				strings.Join(gaps, "|") != c.gapsA || s.Areas[1].Status != c.statusB || s.Version != "t1" {
				t.Errorf("score %+v, want %d of 6 (%d %%), A %s gaps %q, B %s", s, c.points, c.pct, c.statusA, c.gapsA, c.statusB)
			}
		})
	}
}

func TestDefaultQuestions(t *testing.T) {
	q := membertest.Default()
	var ids []string
	for _, a := range q.Areas {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, ","); got != "inventory,goals,plan,reporting" {
		t.Errorf("areas %s, want the four decisions", got)
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"not json":       `{`,
		"unknown field":  `{"version": "1", "areas": [], "extra": 1}`,
		"no version":     `{"areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "text", "weight": 1, "text": "T", "fix": "F"}]}]}`,
		"no areas":       `{"version": "1", "areas": []}`,
		"bad kind":       `{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "essay", "weight": 1, "text": "T", "fix": "F"}]}]}`,
		"zero weight":    `{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "text", "weight": 0, "text": "T", "fix": "F"}]}]}`,
		"duplicate id":   `{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "a", "kind": "text", "weight": 1, "text": "T", "fix": "F"}]}]}`,
		"choice no opts": `{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "choice", "weight": 1, "text": "T", "fix": "F"}]}]}`,
		"no fix":         `{"version": "1", "areas": [{"id": "a", "title": "A", "questions": [{"id": "q", "kind": "text", "weight": 1, "text": "T"}]}]}`,
	}
	for name, body := range cases {
		if _, err := membertest.Parse([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	path := filepath.Join(t.TempDir(), "q.json")
	if err := os.WriteFile(path, []byte(small), 0o600); err != nil {
		t.Fatal(err)
	}
	if q, err := membertest.Load(path); err != nil || q.Version != "t1" {
		t.Errorf("Load: %v %v", q, err)
	}
}

func form(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func validForm() map[string]string {
	return map[string]string{"code": "1281", "q_a_yes": "ja", "q_a_body": "Kommunfullmäktige", "q_b_year": "2020",
		"official_name": "Anna Andersson", "official_email": "anna@lund.se", "officer_name": "Bo Berg", "officer_email": "bo@lund.se"}
}

func TestRead(t *testing.T) {
	q, _ := membertest.Parse([]byte(small))
	places := map[string]string{"1281": "Lund", "12": "Skåne län"}
	a, ps := q.Read(form(validForm()), places)
	if len(ps) != 0 || a.Name != "Lund" || a.Answers["a_body"] != "Kommunfullmäktige" || a.Officer.Email != "bo@lund.se" {
		t.Fatalf("valid form: %+v %v", a, ps)
	}
	bad := map[string]string{"code": "9999", "q_a_yes": "kanske", "q_a_body": strings.Repeat("x", membertest.MaxText+1),
		"q_b_year": "20x0", "official_name": "", "official_email": "anna@", "officer_name": strings.Repeat("n", membertest.MaxName+1),
		"officer_email": "Bo <bo@lund.se>"}
	_, ps = q.Read(form(bad), places)
	got := map[string]bool{}
	for _, p := range ps {
		got[p.Field] = true
	}
	for _, f := range []string{"code", "q_a_yes", "q_a_body", "q_b_year", "official_name", "official_email", "officer_name", "officer_email"} {
		if !got[f] {
			t.Errorf("%s not refused: %v", f, ps)
		}
	}
}

func TestReadDatesAndLinks(t *testing.T) {
	q := membertest.Default()
	for v, ok := range map[string]bool{"2024-05-01": true, "1969-12-31": false, "2024-13-01": false, "1 maj": false} {
		f := map[string]string{"q_goals_date": v}
		_, ps := q.Read(form(f), nil)
		if refused := hasField(ps, "q_goals_date"); refused == ok {
			t.Errorf("date %q: refused %v", v, refused)
		}
	}
	for v, ok := range map[string]bool{"https://lund.se/beslut": true, "http://x.se": true, "javascript:alert(1)": false,
		"ftp://x.se/a": false, "https://": false} {
		_, ps := q.Read(form(map[string]string{"q_goals_link": v}), nil)
		if refused := hasField(ps, "q_goals_link"); refused == ok {
			t.Errorf("link %q: refused %v", v, refused)
		}
	}
}

func hasField(ps []membertest.Problem, f string) bool {
	for _, p := range ps {
		if p.Field == f {
			return true
		}
	}
	return false
}

func TestApplyStores(t *testing.T) {
	for _, engine := range storagetest.EngineNames() {
		t.Run(engine, func(t *testing.T) { applyStores(t, storagetest.Migrated(t, engine)) })
	}
}

func applyStores(t *testing.T, db storage.DB) {
	ctx := context.Background()
	q, _ := membertest.Parse([]byte(small))
	s := &membertest.Service{DB: db, Questions: q}
	a, _ := q.Read(form(validForm()), map[string]string{"1281": "Lund"})
	st, err := s.Apply(ctx, kr.Actor{Role: kr.RolePublic}, a)
	if err != nil || st.Score.Points != 6 {
		t.Fatalf("apply: %+v %v", st, err)
	}
	if _, err := s.Applications(ctx, kr.Actor{Role: kr.RolePublic}, "1281"); kr.KindOf(err) != kr.Unauthorized {
		t.Errorf("the public read applications: %v", err)
	}
	got, err := s.Applications(ctx, kr.System(), "1281")
	if err != nil || len(got) != 1 || got[0].ID != st.ID || got[0].Applied.Answers["a_body"] != "Kommunfullmäktige" ||
		got[0].Score.Points != 6 || got[0].Applied.Official.Email != "anna@lund.se" {
		t.Fatalf("stored: %+v %v", got, err)
	}
}

// TestReserveShared: the limit on applications holds across instances
// (two Services over one database), for concurrent attempts too; it is
// per client, and frees as attempts leave the hour.
func TestReserveShared(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		// A clock that moves on a microsecond each time it is read, as
		// attempts arriving one after another see it; jump moves it on.
		var ticks, jump atomic.Int64
		start := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time {
			return start.Add(time.Duration(jump.Load()) + time.Duration(ticks.Add(1))*time.Microsecond)
		}
		a, b := &membertest.Service{DB: db, Now: clock}, &membertest.Service{DB: db, Now: clock}
		var mu sync.Mutex
		allowed := 0
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() {
				s := a
				if i%2 == 1 {
					s = b
				}
				ok, _, err := s.Reserve(ctx, "192.0.2.1", 3)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if allowed != 3 {
			t.Fatalf("%d of 6 attempts at once on two instances allowed, want 3", allowed)
		}
		if ok, wait, err := a.Reserve(ctx, "192.0.2.1", 3); err != nil || ok || wait <= 0 || wait > time.Hour {
			t.Errorf("a seventh: allowed %v, wait %v, %v; want refused with a wait within the hour", ok, wait, err)
		}
		if ok, _, err := b.Reserve(ctx, "192.0.2.2", 3); err != nil || !ok {
			t.Errorf("another client: allowed %v, %v", ok, err)
		}
		jump.Store(int64(time.Hour + time.Second))
		if ok, _, err := b.Reserve(ctx, "192.0.2.1", 3); err != nil || !ok {
			t.Errorf("an hour later: allowed %v, %v", ok, err)
		}
	})
}
