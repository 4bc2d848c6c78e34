package testworld

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// Grown data, for the tests that measure what a larger database costs the
// published snapshot: more SMHI releases and substances than the pages show,
// and members with years of reports.

// MemberReport is a complete report of code for report year ry, the size
// of a member's yearly report: every main sector for 1990 and the ten years
// up to ry−1 (so that each year's report revises the years before), three
// goals, an action plan and five measures.
func MemberReport(code string, ry int) *kr.Report {
	decided := time.Date(ry-1, 6, 11, 0, 0, 0, 0, time.UTC)
	rep := &kr.Report{
		Details: kr.Details{Code: code, ReportYear: ry, Contact: "Anna Andersson", Email: "anna@example.se",
			PoliticalContact: "Bertil Berg", Date: time.Date(ry, 3, 1, 0, 0, 0, 0, time.UTC)},
		Goals: []kr.Goal{
			{ID: "M1", Name: "Minska utsläppen med 70 procent", Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030,
				ReductionPct: 70, DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
			{ID: "M2", Name: "Halvera utsläppen i " + kr.MainSectors()[0], Type: kr.GoalAbsolute, Sector: kr.MainSectors()[0], BaseYear: 2010,
				TargetYear: 2030, ReductionPct: 50, DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
			{ID: "M3", Name: "Nettonoll", Type: kr.GoalNetZero, BaseYear: 1990, TargetYear: 2045, ReductionPct: 100,
				DecidedBy: "Kommunfullmäktige", DecidedOn: decided},
		},
		Plans: []kr.ActionPlan{{Name: fmt.Sprintf("Klimatplan %d", ry), Adopted: decided, DecidedBy: "Kommunfullmäktige",
			ValidFrom: ry - 1, ValidTo: 2030}},
	}
	for i, s := range kr.MainSectors() {
		rep.Measures = append(rep.Measures, kr.Measure{ID: fmt.Sprintf("Å%d", i+1), Name: "Åtgärd inom " + s, Sector: s,
			Status: kr.MeasureStatuses()[i%4], StartYear: ry - 1, EndYear: ry + 3, Responsible: "Miljöförvaltningen"})
		if len(rep.Measures) == 5 {
			break
		}
	}
	years := []int{kr.FirstYear}
	for y := ry - 10; y < ry; y++ {
		years = append(years, y)
	}
	for _, y := range years {
		for i, s := range kr.MainSectors() {
			t := float64(1000*(i+1)) * (1 - 0.02*float64(y-kr.FirstYear)) * (1 + 0.001*float64(ry%7))
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: &t})
		}
	}
	return rep
}

// GrowMembers makes the municipalities codes members (joined 2014) and
// submits years reports for each, report years lastYear−years+1 … lastYear,
// through the real path (workbook, parser, validation, store), a few
// members at a time (each member's in order), the workbooks written once
// for every engine. It returns the number of submissions accepted.
func (w *World) GrowMembers(t testing.TB, codes []string, years, lastYear int) int {
	t.Helper()
	w.Join(t, time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC), codes...)
	files := map[string][]byte{}
	for _, code := range codes {
		for ry := lastYear - years + 1; ry <= lastYear; ry++ {
			files[fmt.Sprintf("%s-%d.xlsx", code, ry)] = memberWorkbook(t, code, ry)
		}
	}
	var g errgroup.Group
	g.SetLimit(3)
	for _, code := range codes {
		g.Go(func() error {
			for ry := lastYear - years + 1; ry <= lastYear; ry++ {
				name := fmt.Sprintf("%s-%d.xlsx", code, ry)
				res, err := w.Submissions.Submit(context.Background(), kr.System(), submissions.Upload{
					FileName: name, Content: files[name], Municipality: code})
				if err != nil {
					return err
				}
				if !res.Accepted() {
					return fmt.Errorf("%s %d: report rejected: %+v", code, ry, res.Submission.Items)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return len(codes) * years
}

// memberWorkbooks are MemberReport's workbooks, written once per code and
// report year for every world of the test binary.
var memberWorkbooks sync.Map // "code/ry" → []byte

func memberWorkbook(t testing.TB, code string, ry int) []byte {
	key := fmt.Sprintf("%s/%d", code, ry)
	if b, ok := memberWorkbooks.Load(key); ok {
		return b.([]byte)
	}
	b := Workbook(t, MemberReport(code, ry))
	memberWorkbooks.Store(key, b)
	return b
}

// GrowSMHI adds SMHI releases as the national import leaves them (the
// values first, a release row per substance last): for each of releases
// yearly release dates up to the newest imported release's, every one of
// SMHI's seven substances, each a copy of the newest release's values (so
// each has as many values as a real export) under an id of its own. The
// values are copied inside the database, which takes seconds where
// importing 70 files would take minutes.
func (w *World) GrowSMHI(t testing.TB, releases int) {
	t.Helper()
	ctx := context.Background()
	rels, err := w.National.Releases(ctx)
	if err != nil || len(rels) == 0 {
		t.Fatalf("GrowSMHI needs an imported release: %v", err)
	}
	src := rels[0]
	for r := range releases {
		var ids, subs []string
		for _, sub := range kr.Substances() {
			if r == 0 && sub == src.Substance {
				continue
			}
			ids, subs = append(ids, uuid.Must(uuid.NewV7()).String()), append(subs, sub)
		}
		err := w.DB.Exec(ctx, `INSERT INTO smhi_values (release_id, substance, level, area_code, sector, subsector, year, tonnes)
			SELECT toUUID(copy_id), copy_substance, level, area_code, sector, subsector, year, tonnes * (1 + 0.01 * ?)
			FROM smhi_values ARRAY JOIN ? AS copy_id, ? AS copy_substance
			WHERE toString(release_id) = ?`, r, ids, subs, src.ID)
		if err == nil { // the release rows last, as the import writes them
			err = w.DB.Exec(ctx, `INSERT INTO smhi_releases (id, release_date, substance, file_name, sha256, n_values, years, checks, imported_by, imported_at)
				SELECT toUUID(copy_id), toDate(?), copy_substance, concat('smhi-', copy_substance, '.xlsx'), copy_id, n_values, years, checks, imported_by, imported_at
				FROM smhi_releases ARRAY JOIN ? AS copy_id, ? AS copy_substance
				WHERE toString(id) = ?`, src.ReleaseDate.AddDate(-r, 0, 0).Format(time.DateOnly), ids, subs, src.ID)
		}
		if err != nil {
			t.Fatalf("copying SMHI's release: %v", err)
		}
	}
	w.Published.Invalidate()
}
