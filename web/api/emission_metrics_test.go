package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMetricsAndRankingAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		loadNational(t, db).Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := newServer(t, db)
		var m publish.MunicipalityReport
		r := get(t, ts.URL+"/api/v1/municipalities/1281/metrics?as_of=2026", "")
		r.json(t, &m)
		if r.status != 200 || m.SMHI == nil || m.Member == nil || m.AsOf != 2026 {
			t.Fatalf("metrics: %d %s", r.status, r.body[:min(300, len(r.body))])
		}
		// Change since 1990 from the emissions API's own figures.
		var e struct {
			Series []struct {
				Values []struct {
					Year   int
					Tonnes float64
				}
			}
		}
		get(t, ts.URL+"/api/v1/emissions?municipality=1281", "").json(t, &e)
		first, last := e.Series[0].Values[0], e.Series[0].Values[len(e.Series[0].Values)-1]
		sm := m.SMHI.Metrics
		if first.Year != 1990 || sm.LastYear != last.Year || math.Abs(*sm.ChangeSince1990Pct-100*(last.Tonnes-first.Tonnes)/first.Tonnes) > 1e-9 {
			t.Errorf("change since 1990: %v (last year %d)", *sm.ChangeSince1990Pct, sm.LastYear)
		}
		if sm.Trend == nil || sm.Trend.AsOf != 2026 || len(sm.Trend.Trend) != 2050-2026+1 || sm.Trend.Approximated[0].Kind != analytics.KindApproximated {
			t.Errorf("trend: %+v", sm.Trend)
		}
		for _, c := range []struct {
			path   string
			status int
		}{
			{"/api/v1/municipalities/9999/metrics", 404},
			{"/api/v1/municipalities/12ab/metrics", 404},
			{"/api/v1/municipalities/1281/metrics?as_of=1800", 422},
			{"/api/v1/municipalities/1281/metrics?as_of=2051", 422},
			{"/api/v1/ranking?metric=nonsense", 422},
			{"/api/v1/ranking?source=nonsense", 422},
			{"/api/v1/ranking?year=2030&as_of=2026", 422},
			{"/api/v1/ranking?order=up", 422},
			{"/api/v1/ranking.csv?metric=nonsense", 422},
		} {
			if r := get(t, ts.URL+c.path, ""); r.status != c.status || !strings.Contains(string(r.body), `"error"`) {
				t.Errorf("GET %s: %d %s, want %d", c.path, r.status, r.body, c.status)
			}
		}

		var rk publish.Ranking
		r = get(t, ts.URL+"/api/v1/ranking?metric=change_since_2015&year=2020", "")
		r.json(t, &rk)
		if r.status != 200 || rk.Year != 2020 || rk.Metric.Name != analytics.MetricChange2015 || len(rk.Rows) != 290 || rk.Rows[0].Rank != 1 {
			t.Fatalf("ranking: %d %+v", r.status, rk.Metric)
		}
		for i := 1; i < len(rk.Rows); i++ {
			if *rk.Rows[i].Value < *rk.Rows[i-1].Value {
				t.Fatalf("ranking not ascending at %d", i)
			}
		}
		for _, row := range rk.Rows {
			if row.Year != 2020 {
				t.Fatalf("a value from %d in a ranking for 2020", row.Year)
			}
		}
		get(t, ts.URL+"/api/v1/ranking?metric=change_since_2015&year=2020&order=desc", "").json(t, &rk)
		if *rk.Rows[0].Value < *rk.Rows[289].Value || rk.Order != "desc" {
			t.Errorf("descending ranking")
		}

		exportsEqualJSON(t, ts, len(e.Series[0].Values))

		// Caching: the same answer with an ETag; 304 when the client has it.
		r1 := get(t, ts.URL+"/api/v1/ranking?metric=per_capita", "")
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/ranking?metric=per_capita", nil)
		req.Header.Set("If-None-Match", r1.header.Get("ETag"))
		if r := do(t, req, ""); r.status != http.StatusNotModified || r1.header.Get("ETag") == "" {
			t.Errorf("conditional GET: %d", r.status)
		}
	})
}

// exportsEqualJSON: the CSV and XLSX exports hold the JSON's numbers;
// years is how many years SMHI has figures for Lund.
func exportsEqualJSON(t *testing.T, ts *httptest.Server, years int) {
	// CSV and XLSX hold the JSON's numbers.
	var rk publish.Ranking
	get(t, ts.URL+"/api/v1/ranking?metric=per_capita", "").json(t, &rk)
	r := get(t, ts.URL+"/api/v1/ranking.csv?metric=per_capita", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("ranking.csv: %d %s", r.status, r.header)
	}
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) != 291 || recs[0][0] != "rank" || recs[0][9] != "value" {
		t.Fatalf("ranking.csv: %v, %d rows, header %v", err, len(recs), recs[0])
	}
	for i, row := range rk.Rows {
		v, _ := strconv.ParseFloat(recs[i+1][9], 64)
		if recs[i+1][1] != row.Code || v != *row.Value || recs[i+1][0] != strconv.Itoa(row.Rank) {
			t.Fatalf("csv row %d %v, JSON %+v", i, recs[i+1], row)
		}
	}
	r = get(t, ts.URL+"/api/v1/ranking.xlsx?metric=per_capita", "")
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("ranking.xlsx: %v", err)
	}
	xrows, _ := f.GetRows("Rangordning", excelize.Options{RawCellValue: true})
	if len(xrows) != 291 || xrows[0][0] != "Placering" {
		t.Fatalf("ranking.xlsx: %d rows, %v", len(xrows), xrows[0])
	}
	// Spreadsheets keep 15 significant digits.
	if v, _ := strconv.ParseFloat(xrows[1][9], 64); math.Abs(v-*rk.Rows[0].Value) > 1e-14*math.Abs(v) {
		t.Errorf("xlsx value %s, JSON %v", xrows[1][9], *rk.Rows[0].Value)
	}
	avgs, _ := f.GetRows("Genomsnitt")
	if len(avgs) != 1+len(rk.Averages) {
		t.Errorf("xlsx averages: %d rows", len(avgs))
	}

	r = get(t, ts.URL+"/api/v1/emissions.csv?municipality=1281&by=sector&per_capita=true", "")
	recs, _ = csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if r.status != 200 || len(recs) != 1+9*years || recs[1][0] != "smhi" || recs[1][4] != "1281" {
		t.Errorf("emissions.csv: %d, %d rows, %v", r.status, len(recs), recs[:2])
	}
	r = get(t, ts.URL+"/api/v1/emissions.xlsx?municipality=1281", "")
	if f, err := excelize.OpenReader(bytes.NewReader(r.body)); err != nil {
		t.Errorf("emissions.xlsx: %v", err)
	} else if rows, _ := f.GetRows("Utsläpp"); len(rows) != 1+years {
		t.Errorf("emissions.xlsx: %d rows", len(rows))
	}
	r = get(t, ts.URL+"/api/v1/municipalities/1281/metrics.csv", "")
	recs, _ = csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	kinds := map[string]int{}
	for _, rec := range recs[1:] {
		kinds[rec[5]]++
		if (rec[5] == "measured") == (rec[6] == "true") {
			t.Errorf("estimate flag of %v", rec)
		}
	}
	if kinds["measured"] != years || kinds["trend"] != 25 || kinds["carbon_law"] != 25 || kinds["approximated"] == 0 {
		t.Errorf("metrics.csv kinds: %v", kinds)
	}
	r = get(t, ts.URL+"/api/v1/municipalities.csv", "")
	if recs, _ = csv.NewReader(bytes.NewReader(r.body)).ReadAll(); len(recs) != 291 {
		t.Errorf("municipalities.csv: %d rows", len(recs))
	}
}

// TestExportsNeutraliseFormulas: names that a spreadsheet would take for a
// formula are exported as text.
func TestExportsNeutraliseFormulas(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := loadNational(t, db)
		evil := `=HYPERLINK("http://evil.example","klicka")`
		csvText := "municipality_code,municipality_name,municipality_name_short,county_code,county_name,county_name_short\n" +
			`1281,Lunds kommun,"=HYPERLINK(""http://evil.example"",""klicka"")",12,Skåne län,Skåne` + "\n" +
			"1280,Malmö stad,+Malmö,12,Skåne län,Skåne\n1480,Göteborgs stad,@Göteborg,14,Västra Götalands län,Västra Götaland\n" +
			"0180,Stockholms stad,-Stockholm,01,Stockholms län,Stockholm\n"
		if _, err := w.National.ImportMunicipalities(context.Background(), kr.System(), strings.NewReader(csvText)); err != nil {
			t.Fatal(err)
		}
		ts := newServer(t, db)
		r := get(t, ts.URL+"/api/v1/municipalities.csv", "")
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, rec := range recs[1:] {
			names[rec[0]] = rec[1]
		}
		for code, want := range map[string]string{"1281": "'" + evil, "1280": "'+Malmö", "1480": "'@Göteborg", "0180": "'-Stockholm"} {
			if names[code] != want {
				t.Errorf("csv name of %s: %q, want %q", code, names[code], want)
			}
		}
		r = get(t, ts.URL+"/api/v1/ranking.xlsx", "")
		f, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Rangordning")
		found := false
		for i, row := range rows[1:] {
			if row[1] == "1281" {
				found = true
				cell, _ := excelize.CoordinatesToCellName(3, i+2)
				if formula, _ := f.GetCellFormula("Rangordning", cell); formula != "" || row[2] != "'"+evil {
					t.Errorf("xlsx name %q, formula %q", row[2], formula)
				}
			}
		}
		if !found {
			t.Error("Lund is not in the ranking")
		}
		r = get(t, ts.URL+"/api/v1/emissions.csv?municipality=1281", "")
		if !strings.Contains(string(r.body), `'=HYPERLINK`) || strings.Contains(string(r.body), `,=HYPERLINK`) || strings.Contains(string(r.body), `,"=HYPERLINK`) {
			t.Errorf("emissions.csv does not neutralise the name:\n%s", r.body[:min(400, len(r.body))])
		}
	})
}

// TestEmissionsCacheFollowsSubmissions: GET /emissions is cached (an
// unchanged answer keeps its ETag), yet an upload through the API shows at
// once: the wired service's commit hook drops the cache, and the test
// world also checks the data fingerprint on every request.
func TestEmissionsCacheFollowsSubmissions(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		loadNational(t, db)
		ts := newServer(t, db)
		url := ts.URL + "/api/v1/emissions?source=reported&municipality=1281"
		before := get(t, url, "")
		if before.status != 200 || strings.Contains(string(before.body), "4500") {
			t.Fatalf("before: %d %s", before.status, before.body)
		}
		if again := get(t, url, ""); again.header.Get("ETag") != before.header.Get("ETag") {
			t.Errorf("an unchanged answer changed its ETag")
		}
		upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, report("1281", false)))
		after := get(t, url, "")
		if after.status != 200 || !strings.Contains(string(after.body), `"tonnes":4500`) {
			t.Errorf("after an upload: %d %s", after.status, after.body)
		}
	})
}
