package publish_test

import (
	"math"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func gpcLine(t *testing.T, y publish.GPCYear, code string) analytics.GPCLine {
	t.Helper()
	for _, l := range y.Lines {
		if l.Code == code {
			return l
		}
	}
	t.Fatalf("no line %s in %d", code, y.Year)
	return analytics.GPCLine{}
}

func gpcTotal(y publish.GPCYear) float64 {
	var s float64
	for _, l := range y.Lines {
		if l.Tonnes != nil {
			s += *l.Tonnes
		}
	}
	return s
}

// TestGPCInventory: every municipality's GPC rows sum to its SMHI total in
// every year (nothing lost or counted twice); Lund's heating is taken apart
// by SMHI's subsectors (values read off SMHI's file); a member's own
// inventory is mapped per main sector, and by its subsectors once it
// reports them (read again after its commit); an unknown code is NotFound.
func TestGPCInventory(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := newWorld(t, db)
		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2024}}
		rep.Inventory = []kr.InventoryValue{{Year: 2022, Sector: "Transporter", Tonnes: fp(50)},
			{Year: 2022, Sector: "El och fjärrvärme", Tonnes: fp(20)}, {Year: 2021, Sector: "Jordbruk", Tonnes: fp(7)}}
		w.submit(t, rep)
		snap, err := w.svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, m := range snap.Municipalities {
			inv, err := snap.GPC(m.Code)
			if err != nil {
				t.Fatal(err)
			}
			if inv.SMHI == nil {
				t.Fatalf("%s: no SMHI inventory", m.Code)
			}
			total := snap.SMHITotal(m.Code)
			for _, y := range inv.SMHI.Years {
				want, ok := total.Value(y.Year)
				if got := gpcTotal(y); !ok || math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("%s %d: GPC rows sum to %v, SMHI's total is %v", m.Code, y.Year, got, want)
				}
				checked++
			}
		}
		if checked < 290*10 {
			t.Errorf("only %d municipality years checked", checked)
		}

		lund, err := snap.GPC("1281")
		if err != nil {
			t.Fatal(err)
		}
		y, ok := lund.SMHI.Latest()
		if !ok || y.Year != 2022 || lund.SMHI.Release != "2024-04-18" {
			t.Fatalf("Lund's newest SMHI year %d, release %s", y.Year, lund.SMHI.Release)
		}
		// Egen uppvärmning av bostäder och lokaler, Lund 2022 in SMHI's file:
		// Bostäder 1 519,22, Kommersiella och offentliga lokaler 6 030,79,
		// Jordbruks- och skogsbrukslokaler 493,80; the sector 8 043,82.
		for code, want := range map[string]float64{"I.1": 1519.22, "I.2": 6030.79, "I.5": 493.80} {
			if l := gpcLine(t, y, code); l.Tonnes == nil || math.Abs(*l.Tonnes-want) > 0.02 || l.Scope != 1 {
				t.Errorf("Lund 2022 %s: %+v, want %v", code, l, want)
			}
		}
		if l := gpcLine(t, y, "I.2"); len(l.Included) != 1 || l.Included[0] != "Egen uppvärmning av bostäder och lokaler: Kommersiella och offentliga lokaler" ||
			l.Share == nil || math.Abs(*l.Share-100*6030.79/122064.91) > 0.001 {
			t.Errorf("Lund 2022 I.2: %+v", l)
		}
		if l := gpcLine(t, y, "I (scope 2)"); l.Tonnes != nil || l.Notation != kr.NotationNotEstimated {
			t.Errorf("scope 2: %+v", l)
		}

		if lund.Reported == nil || len(lund.Reported.Years) != 2 || !lund.Reported.ByMain {
			t.Fatalf("Lund's reported GPC: %+v", lund.Reported)
		}
		ry, _ := lund.Reported.Latest()
		if l := gpcLine(t, ry, "II.1"); ry.Year != 2022 || l.Tonnes == nil || *l.Tonnes != 50 || l.Included[0] != "Transporter" {
			t.Errorf("reported 2022 II.1: %+v", l)
		}
		if l := gpcLine(t, ry, "II.2"); l.Notation != kr.NotationIncluded {
			t.Errorf("reported 2022 II.2 (railways, in the transport total): %+v", l)
		}
		if l := gpcLine(t, ry, "I.4"); l.Tonnes == nil || *l.Tonnes != 20 || gpcTotal(ry) != 70 {
			t.Errorf("reported 2022 I.4: %+v, total %v", l, gpcTotal(ry))
		}
		// A later report with subsectors (and no sector total) takes the
		// heating apart; read again for Lund only after the commit.
		heat := "Egen uppvärmning av bostäder och lokaler"
		rep2 := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2025}}
		rep2.Inventory = []kr.InventoryValue{{Year: 2023, Sector: "Transporter", Tonnes: fp(45)},
			{Year: 2023, Sector: heat, Subsector: "Bostäder", Tonnes: fp(30)},
			{Year: 2023, Sector: heat, Subsector: "Kommersiella och offentliga lokaler", Tonnes: fp(10)}}
		w.submit(t, rep2)
		snap2, err := w.svc.SnapshotFor(ctx, "1281")
		if err != nil || snap2.Generation == snap.Generation {
			t.Fatalf("snapshot after the commit: %v", err)
		}
		lund2, _ := snap2.GPC("1281")
		ry, _ = lund2.Reported.Latest()
		if lund2.Reported.ByMain || ry.Year != 2023 || gpcTotal(ry) != 85 {
			t.Fatalf("Lund's reported GPC after the second report: %+v, %d total %v", lund2.Reported, ry.Year, gpcTotal(ry))
		}
		for code, want := range map[string]float64{"I.1": 30, "I.2": 10, "II.1": 45} {
			if l := gpcLine(t, ry, code); l.Tonnes == nil || *l.Tonnes != want {
				t.Errorf("reported 2023 %s: %+v, want %v", code, l, want)
			}
		}
		if l := gpcLine(t, ry, "I.5"); l.Notation != kr.NotationNotOccurring {
			t.Errorf("reported 2023 I.5: %+v", l)
		}
		if other, _ := snap.GPC("1280"); other.Reported != nil {
			t.Errorf("Malmö has not reported: %+v", other.Reported)
		}
		if _, err := snap.GPC("9999"); kr.KindOf(err) != kr.NotFound {
			t.Errorf("unknown code: %v", err)
		}
	})
}
