package compliance_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// update rewrites the golden files instead of comparing with them:
// go test ./compliance/ -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// uuidRe matches submission and event ids, which differ on every run.
var uuidRe = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// golden compares got with testdata/name (or writes it with -update). Ids
// are replaced by "ID" first, so that the text is the same on every run and
// engine.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = uuidRe.ReplaceAllString(got, "ID")
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from line %d:\ngot:  %s\nwant: %s\n(run with -update if the change is meant)", path, i+1, g, w)
			}
		}
	}
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

// workbookCells writes every cell of the board's workbook, sheet by sheet,
// with the comments after each sheet's cells.
func workbookCells(t *testing.T, rep compliance.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := compliance.WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
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
		comments, err := f.GetComments(sheet)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(comments, func(a, b excelize.Comment) int { return strings.Compare(a.Cell, b.Cell) })
		for _, c := range comments {
			text := c.Text
			for _, p := range c.Paragraph {
				text += p.Text
			}
			fmt.Fprintf(&b, "comment %s\t%q\n", c.Cell, text)
		}
	}
	return b.String()
}

// TestGoldenScenarios pins the Swedish text of every scenario's results and
// the board's workbook made from them, on both engines.
func TestGoldenScenarios(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db)
		for _, sc := range scenarios {
			f.join(t, sc.code, sc.joined, sc.observer)
			if sc.ended != "" {
				if _, err := f.reg.End(ctx, kr.System, sc.code, date(sc.ended)); err != nil {
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
		golden(t, "explanations.golden", explanations(rep))
		golden(t, "board.golden", workbookCells(t, rep))
	})
}

// TestGoldenBoardWorkbook pins the cells of the board's workbook for the
// hand-made report (formula-like text included).
func TestGoldenBoardWorkbook(t *testing.T) {
	golden(t, "board-fixed.golden", workbookCells(t, boardReport()))
}

// TestGoldenTracking pins the goal-tracking text of TestGoalTracking's
// member (SMHI's and Lund's own figures differ).
func TestGoldenTracking(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db)
		csv, err := os.Open("../../shared/data/scb/municipality_county.csv")
		if err != nil {
			t.Fatalf("the shared sample data is needed beside the repository: %v", err)
		}
		defer csv.Close()
		if _, err := f.nat.ImportMunicipalities(ctx, csv); err != nil {
			t.Fatal(err)
		}
		smhi := writeSMHI(t, map[int]float64{1990: 20000, 2015: 12000, 2019: 9800, 2020: 9500, 2021: 9400, 2022: 9300},
			map[int]float64{1990: 2500, 2015: 1500, 2019: 1200, 2020: 1100})
		if _, err := f.nat.ImportSMHI(ctx, national.SMHIImport{FileName: "smhi.xlsx", Content: smhi, Actor: kr.System}); err != nil {
			t.Fatal(err)
		}
		pop, err := os.Open("../../shared/data/scb/be0101-population-2024.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		defer pop.Close()
		if _, err := f.nat.ImportPopulation(ctx, pop, 0); err != nil {
			t.Fatal(err)
		}
		f.join(t, "1281", "2015-01-01", false)
		rep := report("1281", year, span(2020, 2024)...)
		for _, s := range kr.MainSectors()[:5] {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2019, Sector: s, Tonnes: fp(1000)})
		}
		rep.Goals = append(rep.Goals, kr.Goal{ID: "M2", Name: "Transporterna −60 %", Type: kr.GoalAbsolute, Sector: "Transporter",
			BaseYear: 2020, TargetYear: 2030, ReductionPct: 60, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")},
			kr.Goal{ID: "M3", Name: "Nettonoll", Type: kr.GoalNetZero, TargetYear: 2045, DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")},
			kr.Goal{ID: "M4", Name: "Per invånare", Type: kr.GoalPerCapita, BaseYear: 2015, TargetYear: 2035, ReductionPct: 50,
				DecidedBy: "Kommunfullmäktige", DecidedOn: date("2021-01-28")})
		f.submit(t, onTime, rep)
		ev, err := f.engine.Evaluate(ctx, compliance.Query{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "tracking.golden", explanations(ev)+workbookCells(t, ev))
	})
}
