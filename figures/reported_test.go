package figures_test

import (
	"slices"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// TestReportedSeriesMatchesReporting: the comparison query gives what
// submissions.Series gives, for totals and sectors, also when a later
// submission replaces some years.
// Every figure is whole tonnes, so the sums are exact.
func TestReportedSeriesMatchesReporting(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		ctx := t.Context()
		w.ImportMunicipalities(t)
		admin := kr.Actor{ID: "a", Role: kr.RoleAdmin}
		mk := func(code string, years []int, scale float64) *kr.Report {
			rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: 2024}}
			for _, y := range years {
				for i, s := range kr.MainSectors() {
					rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: new(scale * float64(1000*(i+1)+y))})
				}
				// A subsector and a per-gas row, which the sector rule must not double count.
				rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: "Transporter", Subsector: "Personbilar", Tonnes: new(scale * 400)})
			}
			return rep
		}
		first := w.Submit(t, admin, "r.xlsx", mk("1281", []int{2019, 2020, 2021}, 1))
		w.Submit(t, admin, "r.xlsx", mk("1280", []int{2020, 2021}, 2))
		later := mk("1281", []int{2021, 2022}, 3) // replaces 2021, adds 2022
		later.Details.ReportYear = 2025
		second := w.Submit(t, admin, "r.xlsx", later)

		data := w.Data()
		got, err := data.ReportedSeries(ctx, nil, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, bySector := range []bool{false, true} {
			want, err := w.Submissions.Series(ctx, submissions.SeriesQuery{BySector: bySector})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, v := range want {
				rep := got[v.Code]
				s := rep.Total
				if bySector {
					s = rep.Sectors[v.Sector]
				}
				val, ok := s.Value(int(v.Year))
				if !ok || val != v.Tonnes || rep.Submissions[int(v.Year)] != v.SubmissionID {
					t.Errorf("%s %d %q: %v (%s), reporting says %v (%s)", v.Code, v.Year, v.Sector, val, rep.Submissions[int(v.Year)], v.Tonnes, v.SubmissionID)
				}
				n++
			}
			if (bySector && n != 9*6) || (!bySector && n != 6) { // Lund 2019–2022, Malmö 2020–2021
				t.Errorf("by sector %v: %d values", bySector, n)
			}
		}
		if v, _ := got["1281"].Total.Value(2021); v != 3*(45000+9*2021) {
			t.Errorf("2021 comes from the later submission: %v", v)
		}
		// The submissions the figures come from, newest year first.
		if ids := got["1281"].SubmissionIDs(); !slices.Equal(ids, []string{second.Submission.ID, first.Submission.ID}) {
			t.Errorf("1281's submissions: %v, want %s then %s", ids, second.Submission.ID, first.Submission.ID)
		}
		// One municipality only, and a year range.
		one, err := data.ReportedSeries(ctx, []string{"1280"}, 2021, 2021)
		if err != nil || len(one) != 1 || len(one["1280"].Total) != 1 {
			t.Fatalf("1280 in 2021: %+v %v", one, err)
		}
	})
}
