package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/publish"
)

const regionToken = "skane-region-officer-01"

// fillInventory writes tonnes into every sector-total row of the template's
// Utsläpp sheet, in the column of year, as an officer fills it in.
func fillInventory(t *testing.T, template []byte, year int, tonnes func(row int) float64) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		t.Fatal(err)
	}
	const sheet = "Utsläpp"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	header, col := -1, -1
	for i, r := range rows {
		for j, v := range r {
			if v == strconv.Itoa(year) && len(r) > 0 && r[0] == "Sektor" {
				header, col = i, j
			}
		}
	}
	if header < 0 {
		t.Fatalf("the template's Utsläpp sheet has no column for %d: %q", year, rows[:min(3, len(rows))])
	}
	filled := 0
	for i := header + 1; i < len(rows); i++ {
		r := rows[i]
		if len(r) == 0 || r[0] == "" || (len(r) > 1 && r[1] != "") {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(col+1, i+1)
		if err := f.SetCellFloat(sheet, cell, tonnes(i), 1, 64); err != nil {
			t.Fatal(err)
		}
		filled++
	}
	if filled == 0 {
		t.Fatal("the template has no sector rows to fill")
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestRegionReports: a region member (Region Skåne, county code 12)
// reports as a municipality does: its officer downloads the template,
// fills it in, uploads it through the API (201), and the report shows in
// the county's metrics, on /lan/12 and in the compliance check.
func TestRegionReports(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "12")
		ts := w.Serve(t, staticTokens+","+regionToken+":officer:12")
		tpl := get(t, ts.URL+"/api/v1/template.xlsx?municipality=12&year=2024", regionToken)
		if tpl.status != http.StatusOK {
			t.Fatalf("the region's template: %d %s", tpl.status, tpl.body)
		}
		filled := fillInventory(t, tpl.body, 2022, func(row int) float64 { return float64(1000 * row) })
		r := upload(t, ts.URL, regionToken, "region-skane.xlsx", filled)
		if r.status != http.StatusCreated {
			t.Fatalf("the region's upload: %d %s", r.status, r.body)
		}
		if _, err := w.Published.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		var m publish.MunicipalityReport
		get(t, ts.URL+"/api/v1/counties/12/metrics", "").json(t, &m)
		if m.Member == nil || m.Member.Kind != members.KindRegion || m.Reported == nil || len(m.Reported.Submissions) != 1 ||
			m.Reported.Metrics.LastYear != 2022 || m.SMHI == nil {
			t.Errorf("the region's metrics do not show its report: member %+v, reported %+v", m.Member, m.Reported)
		}
		var check struct {
			Member struct {
				Code        string
				Kind        string
				Obligations []struct{ Obligation, Status string }
			}
		}
		get(t, ts.URL+"/api/v1/municipalities/12/compliance?year=2024", regionToken).json(t, &check)
		if check.Member.Code != "12" || len(check.Member.Obligations) == 0 || check.Member.Obligations[0].Obligation != "inventory" ||
			check.Member.Obligations[0].Status != "uppfyllt" {
			t.Errorf("the compliance check of the region: %+v", check.Member)
		}
		page := get(t, ts.URL+"/lan/12", "")
		if page.status != http.StatusOK || !strings.Contains(string(page.body), "region-skane.xlsx") {
			t.Errorf("/lan/12 does not show the region's report: %d", page.status)
		}
	})
}
