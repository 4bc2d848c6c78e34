package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestGPCExports: GET /municipalities/{code}/gpc.csv and .xlsx hold every
// year of SMHI's release and of the member's reports by GPC row; parsed
// back, each source's rows of a year sum to its total (SMHI's from the
// metrics answer, the member's as reported), notation keys stand where
// there is no value, the XLSX holds the CSV's rows; an unknown code is 404.
func TestGPCExports(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w, base := publicWorld(t, db)
		snap, err := w.Published.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		smhiYears := len(snap.SMHITotal("1281"))
		rows := len(kr.GPCRows())

		r := get(t, base+"/api/v1/municipalities/1281/gpc.csv", "")
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if r.status != 200 || err != nil || r.header.Get("Content-Disposition") != `attachment; filename="gpc-1281.csv"` {
			t.Fatalf("gpc.csv: %d %v %q", r.status, err, r.header.Get("Content-Disposition"))
		}
		if len(recs) != 1+(smhiYears+3)*rows || recs[0][7] != "gpc_row" || recs[0][10] != "tonnes" {
			t.Fatalf("gpc.csv: %d rows (want %d), header %v", len(recs), 1+(smhiYears+3)*rows, recs[0])
		}
		sums := map[string]float64{}
		notations := map[string]string{}
		for _, rec := range recs[1:] {
			key := rec[2] + " " + rec[5]
			if rec[10] == "" {
				notations[key+" "+rec[7]] = rec[11]
				continue
			}
			v, err := strconv.ParseFloat(rec[10], 64)
			if err != nil || rec[11] != "" {
				t.Fatalf("row %v: %v", rec, err)
			}
			sums[key] += v
		}
		smhi2022, _ := snap.SMHITotal("1281").Value(2022)
		if math.Abs(sums["smhi 2022"]-smhi2022) > 1e-6 {
			t.Errorf("SMHI 2022 rows sum to %v, total %v", sums["smhi 2022"], smhi2022)
		}
		var reported2022 float64
		for j := range kr.MainSectors() {
			reported2022 += 1000.1 + float64(j)*0.37 + float64(2022%7)/3
		}
		if math.Abs(sums["reported 2022"]-reported2022) > 1e-6 {
			t.Errorf("reported 2022 rows sum to %v, reported %v", sums["reported 2022"], reported2022)
		}
		if notations["smhi 2022 I (scope 2)"] != "NE" || notations["smhi 2022 IV.1"] != "IE" || notations["reported 2022 II.2"] != "IE" {
			t.Errorf("notations: %v", notations)
		}

		r = get(t, base+"/api/v1/municipalities/1281/gpc.xlsx", "")
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if r.status != 200 || err != nil {
			t.Fatalf("gpc.xlsx: %d %v", r.status, err)
		}
		xrows, _ := f.GetRows("GPC", excelize.Options{RawCellValue: true})
		if len(xrows) != len(recs) || xrows[0][7] != "GPC-rad" {
			t.Fatalf("gpc.xlsx: %d rows, csv %d; %v", len(xrows), len(recs), xrows[0])
		}
		for i := 1; i < len(xrows); i += 17 {
			if xrows[i][7] != recs[i][7] || xrows[i][2] != recs[i][2] {
				t.Errorf("xlsx row %d %v, csv %v", i, xrows[i], recs[i])
			}
			if recs[i][10] != "" {
				a, _ := strconv.ParseFloat(xrows[i][10], 64)
				b, _ := strconv.ParseFloat(recs[i][10], 64)
				if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)) {
					t.Errorf("xlsx row %d: %v, csv %v", i, a, b)
				}
			}
		}

		for _, path := range []string{"/api/v1/municipalities/9999/gpc.csv", "/api/v1/municipalities/abc/gpc.xlsx"} {
			r = get(t, base+path, "")
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if r.status != 404 || json.Unmarshal(r.body, &e) != nil || e.Error.Message == "" {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
	})
}
