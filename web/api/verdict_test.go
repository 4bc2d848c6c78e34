package api_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestSameVerdictOnPageAndInReview follows up a member's goals through the
// public metrics API and the compliance API: for every goal and source
// (SMHI's figures, the member's own, which differ), both give the same
// follow-up, verdict included, and the same reason when a goal cannot be
// followed up.
func TestSameVerdictOnPageAndInReview(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		loadNational(t, db).Join(t, time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := complianceServer(t, db)
		decided := time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)
		goal := func(id, typ, sector string, base, target int, pct float64) kr.Goal {
			return kr.Goal{ID: id, Name: "Mål " + id, Type: typ, Sector: sector, BaseYear: base, TargetYear: target, ReductionPct: pct,
				DecidedBy: "Kommunfullmäktige", DecidedOn: decided}
		}
		rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2026},
			Goals: []kr.Goal{
				goal("M1", kr.GoalAbsolute, "", 2015, 2030, 50),            // both sources have 2015
				goal("M2", kr.GoalAbsolute, "Transporter", 2015, 2030, 60), // a sector
				goal("M3", kr.GoalPerCapita, "", 2015, 2035, 40),           // per inhabitant
				goal("M4", kr.GoalNetZero, "", 2015, 2045, 0),              // net zero
				goal("M5", kr.GoalAbsolute, "", 1990, 2030, 70),            // only SMHI has 1990
				goal("M6", kr.GoalAbsolute, "", 2012, 2030, 50),            // nobody has 2012
			}}
		for y := 2015; y <= 2024; y++ {
			for i, s := range kr.MainSectors() {
				rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(20000 + 1000*i - 700*(y-2015)))})
			}
		}
		if r := upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, rep)); r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}

		var public struct {
			Goals []analytics.GoalReport `json:"goals"`
		}
		if r := get(t, ts.URL+"/api/v1/municipalities/1281/metrics", ""); r.status != http.StatusOK {
			t.Fatalf("metrics: %d %s", r.status, r.body)
		} else {
			r.json(t, &public)
		}
		var review complianceBody
		if r := get(t, ts.URL+"/api/v1/municipalities/1281/compliance?year=2026", revToken); r.status != http.StatusOK {
			t.Fatalf("compliance: %d %s", r.status, r.body)
		} else {
			r.json(t, &review)
		}
		if review.Member == nil || len(review.Member.Goals) != len(rep.Goals) || len(public.Goals) != len(rep.Goals) {
			t.Fatalf("goals: %d public, review %+v", len(public.Goals), review.Member)
		}
		tracked := map[string]int{}
		for i, pg := range public.Goals {
			rg := review.Member.Goals[i]
			if pg.ID != rg.GoalID {
				t.Fatalf("goal %d: %s on the page, %s in the review", i, pg.ID, rg.GoalID)
			}
			if !reflect.DeepEqual(pg.Tracking, rg.Sources) {
				t.Errorf("%s: the page and the review differ:\npage:   %+v\nreview: %+v", pg.ID, pg.Tracking, rg.Sources)
			}
			if len(pg.Tracking) == 0 && (rg.Tracking != nil || rg.Problem != pg.Note || pg.Note == "") {
				t.Errorf("%s: not followed up: page %q, review %q", pg.ID, pg.Note, rg.Problem)
			}
			for _, gt := range pg.Tracking {
				tracked[gt.Source]++
				// The review counts the member's own figures when it can.
				if gt.Source == analytics.SourceReported && (rg.Tracking == nil || rg.Tracking.Verdict != gt.Verdict || rg.BaseSource != gt.Source) {
					t.Errorf("%s: the review counts %+v, not the member's own figures", pg.ID, rg.Tracking)
				}
			}
		}
		// M1–M4 on both sources, M5 on SMHI's alone, M6 on neither.
		if tracked[analytics.SourceSMHI] != 5 || tracked[analytics.SourceReported] != 4 || len(public.Goals[5].Tracking) != 0 {
			t.Errorf("followed up: %v", tracked)
		}
		// The two sources really differ, so the test compares something.
		if m1 := public.Goals[0].Tracking; len(m1) != 2 || m1[0].LatestTonnes == m1[1].LatestTonnes || m1[0].Verdict == m1[1].Verdict {
			t.Errorf("M1: the sources agree: %+v", m1)
		}
	})
}
