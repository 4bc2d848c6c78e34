package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/xuri/excelize/v2"
)

// Malmö's (1280) rows in the GGT sample: its total and its transport, and
// the columns of 2020 and 2024.
const (
	malmoTotal2020, malmoTransport2020, malmoTotal2024 = "J134", "J446", "N134"
	transport2020Before                                = 234915.08  // the sample's
	transport2020After                                 = 246660.834 // 5 % more
	total2020Before                                    = 698966.489999999
	total2024After                                     = 800000.0
)

// importGGT imports content as a GGT release through the real import.
func importGGT(t *testing.T, w *testworld.World, name string, content []byte) {
	t.Helper()
	if _, err := w.National.ImportSMHI(context.Background(), kr.System(), national.SMHIImport{FileName: name, Content: content}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Published.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// revisionsWorld has SMHI's GGT sample as the release of 2026-04-15 and
// two revised copies of it through the real import: 2027-04-15 (Malmö's
// transport in 2020 5 % higher, and its total with it) and 2028-04-15
// (Malmö's total of 2024 changed as well).
func revisionsWorld(t *testing.T, w *testworld.World, base string) {
	importGGT(t, w, "ggt-2026.xlsx", samples.Read(t, samples.GGT))
	checkOneRelease(t, base)
	rev2020 := map[string]float64{malmoTransport2020: transport2020After, malmoTotal2020: total2020Before + transport2020After - transport2020Before}
	importGGT(t, w, "ggt-2027.xlsx", testworld.ReviseGGT(t, "2027-04-15", rev2020))
	rev2020[malmoTotal2024] = total2024After
	importGGT(t, w, "ggt-2028.xlsx", testworld.ReviseGGT(t, "2028-04-15", rev2020))
}

// checkOneRelease: with one GGT release there is nothing to compare, and
// the answer says so.
func checkOneRelease(t *testing.T, base string) {
	t.Helper()
	var a figures.AreaAnswer
	getJSON(t, base+"/api/v1/municipalities/1280/revisions", &a)
	if a.From != nil || a.To == nil || a.To.ReleaseDate != "2026-04-15" || a.Note != figures.NoEarlierRelease || len(a.Revisions) != 0 {
		t.Errorf("one release: %+v", a)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	r := testworld.Get(t, url)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", url, r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// find returns the revision of year and sector in rs.
func find(t *testing.T, rs []analytics.Revision, year int, sector string) analytics.Revision {
	t.Helper()
	for _, r := range rs {
		if r.Year == year && r.Sector == sector {
			return r
		}
	}
	t.Fatalf("no revision of %d %q", year, sector)
	return analytics.Revision{}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestRevisionsAPI: a municipality's revisions between two real releases
// match the differences computed by hand for one year and sector; by
// default the two newest are compared (from the snapshot), from and to
// pick the releases current on those dates (an older pair, from the
// database), bad dates are refused in Swedish (422, as every malformed query parameter), an unknown code is 404;
// the summary of every municipality and its CSV name the changed years.
func TestRevisionsAPI(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		base := w.Serve(t, staticTokens).URL
		revisionsWorld(t, w, base)

		var def figures.AreaAnswer
		getJSON(t, base+"/api/v1/municipalities/1280/revisions", &def)
		if def.From == nil || def.From.ReleaseDate != "2027-04-15" || def.To.ReleaseDate != "2028-04-15" || def.Name != "Malmö" || def.Substance != "GGT" {
			t.Fatalf("default releases: %+v %+v", def.From, def.To)
		}
		if r := find(t, def.Revisions, 2024, ""); r.Status != analytics.RevisionChanged || !near(*r.After, total2024After) {
			t.Errorf("2024 total, default: %+v", r)
		}
		if r := find(t, def.Revisions, 2020, "Transporter"); r.Status != analytics.RevisionUnchanged || r.Change != 0 {
			t.Errorf("2020 transport, default: %+v", r)
		}

		// The first two releases, by dates on and between their days.
		for _, q := range []string{"?from=2026-04-15&to=2027-04-15", "?from=2026-05-01&to=2027-12-31"} {
			var old figures.AreaAnswer
			getJSON(t, base+"/api/v1/municipalities/1280/revisions"+q, &old)
			if old.From == nil || old.From.ReleaseDate != "2026-04-15" || old.To.ReleaseDate != "2027-04-15" || old.From.FileName != "ggt-2026.xlsx" {
				t.Fatalf("%s: releases %+v %+v", q, old.From, old.To)
			}
			r := find(t, old.Revisions, 2020, "Transporter")
			if r.Status != analytics.RevisionChanged || !near(*r.Before, transport2020Before) || !near(*r.After, transport2020After) ||
				!near(r.Change, 11745.754) || r.Percent == nil || !near(*r.Percent, 5) {
				t.Errorf("%s: 2020 transport %+v (percent %v)", q, r, r.Percent)
			}
			if r := find(t, old.Revisions, 2020, ""); !near(r.Change, 11745.754) {
				t.Errorf("%s: 2020 total %+v", q, r)
			}
			if r := find(t, old.Revisions, 2024, ""); r.Status != analytics.RevisionUnchanged {
				t.Errorf("%s: 2024 total %+v", q, r)
			}
		}

		for q, want := range map[string]string{
			"?from=2026-13-01":               "ÅÅÅÅ-MM-DD",
			"?to=15+april":                   "ÅÅÅÅ-MM-DD",
			"?from=2028-01-01&to=2027-01-01": "efter",
			"?from=2020-01-01":               "ingen SMHI-publicering",
			"?from=2026-04-15&to=2026-04-14": "efter",
		} {
			r := testworld.Get(t, base+"/api/v1/municipalities/1280/revisions"+q)
			var e struct {
				Error struct{ Code, Message string }
			}
			json.Unmarshal(r.Body, &e)
			if r.Status != 422 || e.Error.Code != "invalid" || !strings.Contains(e.Error.Message, want) {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
		if r := testworld.Get(t, base+"/api/v1/municipalities/9999/revisions"); r.Status != 404 {
			t.Errorf("unknown code: %d %s", r.Status, r.Body)
		}

		var all figures.Summary
		getJSON(t, base+"/api/v1/revisions?from=2026-04-15&to=2027-04-15", &all)
		changed := map[string][]figures.YearChange{}
		for _, a := range all.Areas {
			if len(a.Years) > 0 {
				changed[a.Code] = a.Years
			}
		}
		if len(all.Areas) < 290 || len(changed) != 1 || len(changed["1280"]) != 1 {
			t.Fatalf("summary: %d municipalities, changed %+v", len(all.Areas), changed)
		}
		y := changed["1280"][0]
		if y.Year != 2020 || !near(y.Change, 11745.754) || len(y.Sectors) != 1 || y.Sectors[0].Sector != "Transporter" || !near(*y.Sectors[0].Percent, 5) {
			t.Errorf("summary of Malmö: %+v", y)
		}
		csv := testworld.Get(t, base+"/api/v1/revisions.csv")
		if csv.Status != 200 || !strings.Contains(string(csv.Body), "1280,Malmö,,2024,changed") {
			t.Errorf("revisions.csv: %d %s", csv.Status, csv.Body)
		}
		complianceNamesRelease(t, w, base)
	})
}

// complianceNamesRelease: the compliance check's answers (every member's,
// and one member's) name the SMHI release goals were followed up against:
// the newest.
func complianceNamesRelease(t *testing.T, w *testworld.World, base string) {
	t.Helper()
	w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1280")
	var all struct {
		SMHIRelease *figures.ReleaseRef `json:"smhi_release"`
		Members     []struct {
			SMHIRelease *figures.ReleaseRef `json:"smhi_release"`
		} `json:"members"`
	}
	get(t, base+"/api/v1/compliance?year=2026", revToken).json(t, &all)
	if r := all.SMHIRelease; r == nil || r.ReleaseDate != "2028-04-15" || r.FileName != "ggt-2028.xlsx" || r.Substance != "GGT" || r.ID == "" {
		t.Errorf("compliance: release %+v", r)
	}
	if len(all.Members) != 1 || all.Members[0].SMHIRelease == nil || *all.Members[0].SMHIRelease != *all.SMHIRelease {
		t.Errorf("compliance: members %+v", all.Members)
	}
	var one struct {
		SMHIRelease *figures.ReleaseRef `json:"smhi_release"`
		Member      struct {
			SMHIRelease *figures.ReleaseRef `json:"smhi_release"`
		} `json:"member"`
	}
	get(t, base+"/api/v1/municipalities/1280/compliance?year=2026", revToken).json(t, &one)
	if one.SMHIRelease == nil || *one.SMHIRelease != *all.SMHIRelease || one.Member.SMHIRelease == nil || *one.Member.SMHIRelease != *all.SMHIRelease {
		t.Errorf("one member's compliance: release %+v", one.SMHIRelease)
	}
	board := get(t, base+"/api/v1/compliance.xlsx?year=2026", revToken)
	f, err := excelize.OpenReader(bytes.NewReader(board.body))
	if err != nil {
		t.Fatalf("board workbook: %d %v", board.status, err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(compliance.SheetSummary, "A2"); !strings.Contains(v, "SMHI:s publicering 2028-04-15 (GGT, ggt-2028.xlsx)") {
		t.Errorf("board workbook: %q", v)
	}
}
