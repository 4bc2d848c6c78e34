package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// smhiCountyFile is a sheet in SMHI's county layout (Länsrapport) for
// 2020–2024 with rows as given: Huvudsektor, Undersektor, Län, Kommun and
// five values.
func smhiCountyFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	const s = "Växthusgaser totalt (CO2-ekv.)"
	_ = f.SetSheetName("Sheet1", s)
	all := append([][]any{
		{"Rapportnamn:", "Länsrapport, 2026-04-15"}, {"Emissioner av Växthusgaser totalt (CO2-ekv.)"}, {"Enhet: ton/år"}, {},
		{"", "", "", "", 2020, 2021, 2022, 2023, 2024}, {"Huvudsektor", "Undersektor", "Län", "Kommun", "GGT", "GGT", "GGT", "GGT", "GGT"},
	}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(s, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// skaneRows are a county's rows as SMHI's county export lists them:
// Sweden's, the county's (its total and nine main sectors, 100 t each a
// year) and one of its municipalities' (skipped).
func skaneRows(county string) [][]any {
	five := func(x float64) []any { return []any{x, x, x, x, x} }
	rows := [][]any{
		append([]any{"Alla", "Alla", "Alla", "Alla"}, five(9000)...),
		append([]any{"Alla", "Alla", county, "Alla"}, five(float64(100*len(kr.MainSectors())))...),
	}
	for _, s := range kr.MainSectors() {
		rows = append(rows, append([]any{s, "Alla", county, "Alla"}, five(100)...),
			append([]any{s, "Alla", county, "Bjuv"}, five(10)...))
	}
	return rows
}

// TestRegionUploadsSMHICounty: Region Skåne uploads its county's rows in
// SMHI's layout through the API: accepted with the county's nine sectors' values for five years and
// no error, on /lan/12, and its inventory counted in the compliance check.
func TestRegionUploadsSMHICounty(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		// SMHI's release of all greenhouse gases, which validation compares with.
		if _, err := w.National.ImportSMHI(t.Context(), kr.System(), national.SMHIImport{FileName: "ggt.xlsx",
			Content: samples.Read(t, samples.GGT)}); err != nil {
			t.Fatal(err)
		}
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "12")
		ts := w.Serve(t, staticTokens+","+regionToken+":officer:12")
		r := upload(t, ts.URL, regionToken, "skane-smhi.xlsx", smhiCountyFile(t, skaneRows("Skåne län")))
		var res result
		r.json(t, &res)
		if r.status != http.StatusCreated || res.Submission.MunicipalityCode != "12" || res.Submission.Counts.Inventory != 5*len(kr.MainSectors()) || res.Submission.Items.HasErrors() {
			t.Fatalf("the region's SMHI upload: %d %s", r.status, r.body)
		}
		// Validation compares the county's sectors with SMHI's county rows
		// (the samples' Skåne emits far more than 100 t a sector).
		if !strings.Contains(string(r.body), "smhi_difference") {
			t.Errorf("no comparison with SMHI's county figures: %s", r.body)
		}
		if _, err := w.Published.Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		page := get(t, ts.URL+"/lan/12", "")
		if page.status != http.StatusOK || !strings.Contains(string(page.body), "skane-smhi.xlsx") {
			t.Errorf("/lan/12 does not show the region's report: %d", page.status)
		}
		var check struct {
			Member struct {
				Obligations []struct{ Obligation, Status string }
			}
		}
		get(t, ts.URL+"/api/v1/municipalities/12/compliance?year=2024", regionToken).json(t, &check)
		if len(check.Member.Obligations) == 0 || check.Member.Obligations[0].Obligation != "inventory" ||
			check.Member.Obligations[0].Status != "uppfyllt" {
			t.Errorf("the compliance check of the region: %+v", check.Member)
		}
	})
}

// TestRegionSMHITwoCounties: a file with two counties' rows is refused
// with the Swedish error naming both, and nothing is stored.
func TestRegionSMHITwoCounties(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "12")
		ts := w.Serve(t, staticTokens+","+regionToken+":officer:12")
		rows := append(skaneRows("Skåne län"), skaneRows("Blekinge län")[1:]...)
		r := upload(t, ts.URL, regionToken, "two.xlsx", smhiCountyFile(t, rows))
		if r.status == http.StatusCreated || !strings.Contains(string(r.body), "several_counties") ||
			!strings.Contains(string(r.body), "Blekinge län") || !strings.Contains(string(r.body), "Skåne län") {
			t.Fatalf("two counties: %d %s", r.status, r.body)
		}
		list := get(t, ts.URL+"/api/v1/municipalities/12/submissions", regionToken)
		if strings.Contains(string(list.body), "two.xlsx") && strings.Contains(string(list.body), `"accepted"`) {
			t.Errorf("the refused file was stored as accepted: %s", list.body)
		}
	})
}
