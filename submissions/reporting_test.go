package submissions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var ctx = context.Background()

var (
	lundOfficer  = kr.Actor{ID: "a1", Email: "anna@lund.se", Role: kr.RoleOfficer, Municipality: "1281"}
	malmoOfficer = kr.Actor{ID: "a2", Email: "mats@malmo.se", Role: kr.RoleOfficer, Municipality: "1280"}
	admin        = kr.Actor{ID: "a3", Email: "admin@klimatkommunerna.se", Role: kr.RoleAdmin}
)

func fp(v float64) *float64 { return &v }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lundReport is a complete, valid report for Lund.
func lundReport(year int) *kr.Report {
	rep := &kr.Report{
		Details: kr.Details{Code: "1281", Name: "Lunds kommun", ReportYear: year, Contact: "Anna Andersson",
			Email: "anna@lund.se", PoliticalContact: "Bertil Berg", Date: date(year, 3, 1)},
		Goals: []kr.Goal{{ID: "M1", Name: "Halvera utsläppen", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030,
			ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: date(2020, 6, 11)}},
		Plans: []kr.ActionPlan{{Name: "LundaEko III", Adopted: date(2021, 5, 27), DecidedBy: "Kommunfullmäktige", ValidFrom: 2021, ValidTo: 2030}},
		Measures: []kr.Measure{{ID: "Å1", Name: "Fler laddplatser", Sector: "Transporter", Status: kr.MeasureOngoing,
			StartYear: 2022, EndYear: 2026, ExpectedReduction: fp(1200.5), Responsible: "Tekniska förvaltningen"}},
	}
	for i, s := range kr.MainSectors() {
		for _, y := range []int{2020, 2021, 2022} {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(1000*(i+1) + y - 2000))})
		}
	}
	return rep
}

func templateFile(t testing.TB, rep *kr.Report) []byte { return testworld.Workbook(t, rep) }

// service is the wired submissions service over db, its clock at 1 May 2026.
func service(t *testing.T, db storage.DB) *submissions.Service {
	s := testworld.Over(t, db, testworld.Options{}).Submissions
	s.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	return s
}

func submit(t *testing.T, s *submissions.Service, actor kr.Actor, content []byte) submissions.Result {
	t.Helper()
	res, err := s.Submit(ctx, actor, submissions.Upload{FileName: "lund.xlsx", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func mustJSON(t testing.TB, v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withoutPlaces drops where values were in the file, which differs between
// the generated workbook and the Go report.
func withoutPlaces(rep *kr.Report) *kr.Report {
	out := *rep
	out.Inventory = append([]kr.InventoryValue(nil), rep.Inventory...)
	for i := range out.Inventory {
		out.Inventory[i].Place = kr.Place{}
	}
	out.Goals = append([]kr.Goal(nil), rep.Goals...)
	for i := range out.Goals {
		out.Goals[i].Place = kr.Place{}
	}
	out.Plans = append([]kr.ActionPlan(nil), rep.Plans...)
	for i := range out.Plans {
		out.Plans[i].Place = kr.Place{}
	}
	out.Measures = append([]kr.Measure(nil), rep.Measures...)
	for i := range out.Measures {
		out.Measures[i].Place = kr.Place{}
	}
	return &out
}

func TestRoundTrip(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		want := lundReport(2025)
		content := templateFile(t, want)
		res := submit(t, s, lundOfficer, content)
		if !res.Accepted() {
			t.Fatalf("rejected: %s", mustJSON(t, res.Submission.Items))
		}
		got, err := s.Current(ctx, "1281")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range got.Inventory {
			if v.Place.Sheet != "Utsläpp" || v.Place.Cell == "" {
				t.Fatalf("value without its place in the file: %+v", v)
			}
		}
		g, w := withoutPlaces(got), withoutPlaces(want)
		if mustJSON(t, g.Inventory) != mustJSON(t, sortedInventory(w.Inventory)) || mustJSON(t, g.Goals) != mustJSON(t, w.Goals) ||
			mustJSON(t, g.Plans) != mustJSON(t, w.Plans) || mustJSON(t, g.Measures) != mustJSON(t, w.Measures) {
			t.Errorf("read back differs\n got %s\nwant %s", mustJSON(t, g), mustJSON(t, w))
		}
		// The original file, byte for byte, and the stored submission.
		file, err := s.File(ctx, res.Submission.ID)
		if err != nil || !bytes.Equal(file, content) {
			t.Fatalf("file: %d bytes, err %v; want the %d uploaded", len(file), err, len(content))
		}
		sub, err := s.Get(ctx, res.Submission.ID)
		if err != nil || sub.Status != kr.SubmissionAccepted || sub.Counts.Inventory != 27 || sub.SHA256 != res.Submission.SHA256 {
			t.Fatalf("get: %+v %v", sub, err)
		}
	})
}

func sortedInventory(vs []kr.InventoryValue) []kr.InventoryValue {
	out := append([]kr.InventoryValue(nil), vs...)
	less := func(a, b kr.InventoryValue) bool {
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		if a.Sector != b.Sector {
			return a.Sector < b.Sector
		}
		if a.Subsector != b.Subsector {
			return a.Subsector < b.Subsector
		}
		return a.Gas < b.Gas
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func countAccepted(t *testing.T, db storage.DB, table string) uint64 {
	t.Helper()
	var n []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &n, "SELECT count() AS n FROM "+table+" WHERE submission_id IN (SELECT id FROM submissions WHERE status = 'accepted')"); err != nil {
		t.Fatal(err)
	}
	return n[0].N
}

func TestRejectedLeavesNothingVisible(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		s.BufferValues = 5 // make the rejected file's values reach the database before the verdict
		rep := lundReport(2025)
		rep.Inventory[3].Tonnes = fp(-5) // negative: an error
		res := submit(t, s, lundOfficer, templateFile(t, rep))
		if res.Accepted() || !res.Submission.Items.HasErrors() {
			t.Fatalf("accepted a negative value: %+v", res.Submission)
		}
		for _, table := range []string{"inventory_values", "goals", "action_plans", "measures"} {
			if n := countAccepted(t, db, table); n != 0 {
				t.Errorf("%s: %d rows of a rejected file visible", table, n)
			}
		}
		cur, err := s.Current(ctx, "1281")
		if err != nil || len(cur.Inventory)+len(cur.Goals)+len(cur.Plans)+len(cur.Measures) != 0 {
			t.Fatalf("current data after a rejected upload: %+v, %v", cur, err)
		}
		sub, err := s.Get(ctx, res.Submission.ID)
		if err != nil || sub.Status != kr.SubmissionRejected || !sub.Items.HasErrors() {
			t.Fatalf("the rejected submission is not kept with its report: %+v %v", sub, err)
		}
		if f, err := s.File(ctx, res.Submission.ID); err != nil || len(f) == 0 {
			t.Fatalf("the rejected file is not kept: %v", err)
		}
		// Nothing already stored is harmed: a good file before stays current.
		good := submit(t, s, lundOfficer, templateFile(t, lundReport(2025)))
		submit(t, s, lundOfficer, templateFile(t, rep))
		cur, _ = s.Current(ctx, "1281")
		if !good.Accepted() || len(cur.Inventory) != 27 {
			t.Fatalf("after a second rejected upload: %d values current, want 27", len(cur.Inventory))
		}
	})
}

func TestIdenticalFileReturnsExisting(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		content := templateFile(t, lundReport(2025))
		first := submit(t, s, lundOfficer, content)
		again := submit(t, s, lundOfficer, content)
		if !again.Existing || again.Submission.ID != first.Submission.ID {
			t.Fatalf("second identical upload: existing=%v id=%s, want existing %s", again.Existing, again.Submission.ID, first.Submission.ID)
		}
		// The same file at the same moment: one submission.
		submitAtOnce(t, []*submissions.Service{s}, templateFile(t, lundReport(2024)), 4)
		versions, err := s.List(ctx, "1281")
		if err != nil || len(versions) != 2 {
			t.Fatalf("versions: %d, %v; want 2", len(versions), err)
		}
	})
}

func TestOfficerWritesOnlyForOwnMunicipality(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		content := templateFile(t, lundReport(2025))
		// The file is kept, rejected, in the uploader's own history.
		res, err := s.Submit(ctx, malmoOfficer, submissions.Upload{FileName: "lund.xlsx", Content: content})
		if err != nil {
			t.Fatalf("Malmö's officer uploading Lund's report: %v, want a rejected submission", err)
		}
		if res.Accepted() {
			t.Fatal("Malmö's officer submitted Lund's report")
		}
		if !hasCode(res.Submission.Items, "") {
			t.Fatalf("no error item: %s", mustJSON(t, res.Submission.Items))
		}
		if res.Submission.MunicipalityCode != "1280" {
			t.Errorf("the rejected file is kept for %s, want the uploader's own 1280", res.Submission.MunicipalityCode)
		}
		if _, err := s.Submit(ctx, malmoOfficer, submissions.Upload{FileName: "lund.xlsx", Content: content, Municipality: "1281"}); kr.KindOf(err) != kr.Forbidden {
			t.Fatalf("Malmö's officer asserting Lund: %v, want Forbidden", err)
		}
		if _, err := s.Submit(ctx, kr.Public(), submissions.Upload{FileName: "lund.xlsx", Content: content}); kr.KindOf(err) != kr.Unauthorized {
			t.Fatalf("anonymous upload: %v, want Unauthorized", err)
		}
		if n := countAccepted(t, db, "inventory_values"); n != 0 {
			t.Fatalf("%d values visible", n)
		}
		if res := submit(t, s, admin, content); !res.Accepted() {
			t.Fatalf("admin upload rejected: %s", mustJSON(t, res.Submission.Items))
		}
	})
}

func hasCode(items kr.Items, code string) bool {
	for _, it := range items {
		if it.Severity == kr.SeverityError && (code == "" || it.Code == code) {
			return true
		}
	}
	return false
}

func TestVersionsAndChanges(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		v1 := lundReport(2025)
		submit(t, s, lundOfficer, templateFile(t, v1))
		// v2 revises Transporter 2021, adds 2023, drops nothing, changes the measure's status.
		v2 := lundReport(2025)
		v2.Inventory = nil
		for i, sec := range kr.MainSectors() {
			for _, y := range []int{2021, 2023} {
				v := float64(1000*(i+1) + y - 2000)
				if sec == "Transporter" && y == 2021 {
					v = 999
				}
				v2.Inventory = append(v2.Inventory, kr.InventoryValue{Year: y, Sector: sec, Tonnes: fp(v)})
			}
		}
		v2.Measures[0].Status = kr.MeasureDone
		res2 := submit(t, s, lundOfficer, templateFile(t, v2))
		if !res2.Accepted() {
			t.Fatalf("v2 rejected: %s", mustJSON(t, res2.Submission.Items))
		}
		versions, err := s.List(ctx, "1281")
		if err != nil || len(versions) != 2 {
			t.Fatalf("%d versions, %v", len(versions), err)
		}
		ch := versions[0].Changes
		if versions[0].ID != res2.Submission.ID || ch == nil {
			t.Fatalf("newest first with changes: %+v", versions[0])
		}
		// v1 had 2020–2022 (27 values), v2 has 2021 and 2023 (18): 9 added
		// (2023), 1 changed (Transporter 2021), 18 removed (2020, 2022).
		if ch.InventoryAdded != 9 || ch.InventoryChanged != 1 || ch.InventoryRemoved != 18 || !ch.MeasuresChanged || ch.GoalsChanged || ch.PlansChanged {
			t.Fatalf("changes: %+v", ch)
		}
		if versions[1].Changes != nil {
			t.Fatalf("the first version has changes: %+v", versions[1].Changes)
		}
		// Current: each year from the latest submission that has it.
		cur, err := s.Current(ctx, "1281")
		if err != nil {
			t.Fatal(err)
		}
		byYear := map[int]int{}
		for _, v := range cur.Inventory {
			byYear[v.Year]++
			if v.Year == 2021 && v.Sector == "Transporter" && *v.Tonnes != 999 {
				t.Errorf("2021 Transporter is %v, want the revised 999", *v.Tonnes)
			}
		}
		if fmt.Sprint(byYear) != "map[2020:9 2021:9 2022:9 2023:9]" {
			t.Errorf("current years: %v", byYear)
		}
		if cur.Measures[0].Status != kr.MeasureDone {
			t.Errorf("current measure status %q", cur.Measures[0].Status)
		}
	})
}

func TestCleanupRemovesCrashLeftovers(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		good := submit(t, s, lundOfficer, templateFile(t, lundReport(2025)))
		// A crash after writing values but before the commit row.
		id := uuidV7At(t, time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC))
		type iv struct {
			SubmissionID string   `ch:"submission_id"`
			Code         string   `ch:"municipality_code"`
			Year         uint16   `ch:"year"`
			Sector       string   `ch:"sector"`
			Tonnes       *float64 `ch:"tonnes"`
		}
		if err := db.Insert(ctx, "inventory_values", []iv{{id, "1281", 2019, "Transporter", fp(1)}}); err != nil {
			t.Fatal(err)
		}
		recent := uuidV7At(t, time.Date(2026, 5, 1, 11, 59, 0, 0, time.UTC)) // maybe still in flight
		if err := db.Insert(ctx, "inventory_values", []iv{{recent, "1281", 2019, "Transporter", fp(1)}}); err != nil {
			t.Fatal(err)
		}
		n, err := s.Cleanup(ctx, time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("cleanup: %d, %v; want 1", n, err)
		}
		if cur, err := s.Current(ctx, "1281"); err != nil || len(cur.Inventory) != 27 || !good.Accepted() {
			t.Fatalf("cleanup harmed stored data: %v", err)
		}
	})
}

// uuidV7At makes a version-7 UUID whose timestamp is at.
func uuidV7At(t *testing.T, at time.Time) string {
	u := uuid.Must(uuid.NewV7())
	ms := uint64(at.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	return u.String()
}

func TestSeries(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		submit(t, s, lundOfficer, templateFile(t, lundReport(2025)))
		// Malmö reports Transporter by subsector only, and one sector as a notation key.
		malmo := &kr.Report{Details: kr.Details{Code: "1280", ReportYear: 2025}}
		malmo.Inventory = []kr.InventoryValue{
			{Year: 2022, Sector: "Transporter", Subsector: "Personbilar", Tonnes: fp(300)},
			{Year: 2022, Sector: "Transporter", Subsector: "Bussar", Tonnes: fp(50)},
			{Year: 2022, Sector: "Jordbruk", Notation: "NO", Comment: "Inget jordbruk i staden"},
			{Year: 2022, Sector: "El och fjärrvärme", Tonnes: fp(1000)},
		}
		submit(t, s, malmoOfficer, templateFile(t, malmo))
		vals, err := s.Series(ctx, submissions.SeriesQuery{BySector: true, From: 2022, To: 2022})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, v := range vals {
			got[v.Code+"/"+v.Sector] = v.Tonnes
			if v.SubmissionID == "" {
				t.Errorf("no submission for %+v", v)
			}
		}
		if got["1280/Transporter"] != 350 || got["1280/Jordbruk"] != 0 || got["1280/El och fjärrvärme"] != 1000 || got["1281/Transporter"] != 1022 {
			t.Fatalf("by sector: %v", got)
		}
		totals, err := s.Series(ctx, submissions.SeriesQuery{Codes: []string{"1280", "1281"}})
		if err != nil {
			t.Fatal(err)
		}
		// Lund 2022: Σ (1000·i + 22) for i = 1..9 = 45 000 + 198.
		want := map[string]float64{"1280/2022": 1350, "1281/2020": 45180, "1281/2021": 45189, "1281/2022": 45198}
		if len(totals) != len(want) {
			t.Fatalf("totals: %+v", totals)
		}
		for _, v := range totals {
			if k := fmt.Sprintf("%s/%d", v.Code, v.Year); want[k] != v.Tonnes {
				t.Errorf("%s: %v, want %v", k, v.Tonnes, want[k])
			}
		}
	})
}
