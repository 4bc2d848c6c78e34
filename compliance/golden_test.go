package compliance_test

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/golden"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// uuidRe matches submission and event ids, which differ on every run.
var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// checkGolden compares got with testdata/name (go test -run Golden -update
// rewrites it). Ids are replaced by "ID" first, so that the text is the
// same on every run and engine.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), uuidRe.ReplaceAllString(got, "ID"))
}

// explanations writes every member's results as text: status, explanation,
// warnings, evidence, history and goal tracking.
func explanations(rep compliance.Report) string {
	var b strings.Builder
	members := slices.Clone(rep.Members)
	slices.SortFunc(members, func(a, b compliance.MemberResult) int { return strings.Compare(a.Code, b.Code) })
	for _, m := range members {
		fmt.Fprintf(&b, "== %s %s binding=%v %s\n", m.Code, m.Name, m.Binding, m.NotBindingReason)
		for _, r := range m.Obligations {
			fmt.Fprintf(&b, "-- %s: %s (computed %s, overridden %v", r.Obligation, r.Status, r.Computed, r.Overridden)
			if !r.Due.IsZero() {
				fmt.Fprintf(&b, ", due %s", r.Due.Format("2006-01-02"))
			}
			fmt.Fprintf(&b, ")\n%s\n", r.Explanation)
			for _, w := range r.Warnings {
				fmt.Fprintf(&b, "warning: %s\n", w)
			}
			for _, e := range r.Evidence {
				fmt.Fprintf(&b, "evidence: sheet %q rows %v year %d uploaded %s: %s\n", e.Sheet, e.Rows, e.Year,
					e.UploadedAt.UTC().Format("2006-01-02 15:04"), e.Note)
			}
			for _, e := range r.History {
				fmt.Fprintf(&b, "history: %s by %s %s→%s status %q: %s\n", e.Kind, e.By, e.Before, e.After, e.Status, e.Text)
			}
		}
		for _, g := range m.Goals {
			fmt.Fprintf(&b, "goal %s %q: %s\n", g.GoalID, g.Sector, g.Summary)
		}
	}
	fmt.Fprintf(&b, "summary: %+v\n", rep.Summary)
	return b.String()
}

// openBoard writes the board's workbook of rep and opens it; it is closed
// when the test ends.
func openBoard(t *testing.T, rep compliance.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := compliance.WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// commentsByCell returns the text of the comments on a sheet, by cell.
func commentsByCell(t *testing.T, f *excelize.File, sheet string) map[string]string {
	t.Helper()
	comments, err := f.GetComments(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range comments {
		out[c.Cell] = workbook.CommentText(c)
	}
	return out
}

// workbookCells writes every cell of the board's workbook, sheet by sheet,
// with the comments after each sheet's cells.
func workbookCells(t *testing.T, rep compliance.Report) string {
	t.Helper()
	f := openBoard(t, rep)
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, v := range row {
				if v == "" {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				fmt.Fprintf(&b, "%s\t%q\n", cell, v)
			}
		}
		comments := commentsByCell(t, f, sheet)
		for _, cell := range slices.Sorted(maps.Keys(comments)) {
			fmt.Fprintf(&b, "comment %s\t%q\n", cell, comments[cell])
		}
	}
	return b.String()
}

// scenarioReport makes every scenario's member, sets each up and evaluates
// the year.
func scenarioReport(t *testing.T, db storage.DB) (*fixture, compliance.Report) {
	t.Helper()
	f := newFixture(t, db)
	for _, sc := range scenarios {
		f.join(t, sc.code, sc.joined, sc.observer)
		if sc.ended != "" {
			if _, err := f.reg.End(ctx, kr.System(), sc.code, date(sc.ended)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, sc := range scenarios {
		sc.setup(t, f, sc.code)
	}
	rep, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	return f, rep
}

// trackedLund makes Lund a member whose own figures differ from SMHI's:
// SMHI 1990 20 000 t, 2015 12 000 t, 2019 9 800 t, 2020–2022 9 500–9 300 t
// (transport 2 500, 1 500, 1 200, 1 100 t); Lund's own 2020–2024 complete,
// 2019 incomplete. Its goals: M1 −70 % 1990–2030, M2 transport −60 %
// 2020–2030, M3 net zero 2045 without a base year, then extra.
func trackedLund(t *testing.T, db storage.DB, extra ...kr.Goal) *fixture {
	t.Helper()
	f := newFixture(t, db)
	if _, err := f.nat.ImportMunicipalities(ctx, kr.System(), samples.Open(t, samples.Municipalities)); err != nil {
		t.Fatal(err)
	}
	smhi := writeSMHI(t, map[int]float64{1990: 20000, 2015: 12000, 2019: 9800, 2020: 9500, 2021: 9400, 2022: 9300},
		map[int]float64{1990: 2500, 2015: 1500, 2019: 1200, 2020: 1100})
	if _, err := f.nat.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "smhi.xlsx", Content: smhi}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.nat.ImportPopulation(ctx, kr.System(), samples.Open(t, samples.Population), 0); err != nil {
		t.Fatal(err)
	}
	f.join(t, "1281", "2015-01-01", false)
	rep := report("1281", year, span(2020, 2024)...)
	for _, s := range kr.MainSectors()[:5] {
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2019, Sector: s, Tonnes: fp(1000)})
	}
	rep.Goals = append(rep.Goals, kr.Goal{ID: "M2", Name: "Transporterna −60 %", Type: kr.GoalAbsolute, Sector: "Transporter",
		BaseYear: 2020, TargetYear: 2030, ReductionPct: 60, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")},
		kr.Goal{ID: "M3", Name: "Nettonoll", Type: kr.GoalNetZero, TargetYear: 2045, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")})
	rep.Goals = append(rep.Goals, extra...)
	f.submit(t, onTime, rep)
	return f
}

// TestGoldenScenarios pins the Swedish text of every scenario's results and
// the board's workbook made from them, on both engines.
func TestGoldenScenarios(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		_, rep := scenarioReport(t, db)
		checkGolden(t, "explanations.golden", explanations(rep))
		checkGolden(t, "board.golden", workbookCells(t, rep))
	})
}

// TestGoldenBoardWorkbook pins the cells of the board's workbook for the
// hand-made report (formula-like text included).
func TestGoldenBoardWorkbook(t *testing.T) {
	checkGolden(t, "board-fixed.golden", workbookCells(t, boardReport()))
}

// TestGoldenTracking pins the goal-tracking text of trackedLund, with a
// per-capita goal besides.
func TestGoldenTracking(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := trackedLund(t, db, kr.Goal{ID: "M4", Name: "Per invånare", Type: kr.GoalPerCapita, BaseYear: 2015, TargetYear: 2035,
			ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")})
		ev, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "tracking.golden", explanations(ev)+workbookCells(t, ev))
	})
}
