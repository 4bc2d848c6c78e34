package pages_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"maps"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/opendata"
)

func getOpen(t *testing.T, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestOpenDataReleases(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		ts := w.Serve(t, "")
		rels, err := w.National.Releases(t.Context())
		if err != nil || len(rels) == 0 {
			t.Fatalf("releases %v, %v", rels, err)
		}
		// The first file asked for builds what is missing; the page lists it after.
		if res, _ := getOpen(t, "GET", ts.URL+"/oppna-data/smhi-"+rels[0].ID+".csv.gz", nil); res.StatusCode != 200 {
			t.Fatalf("first file: %d", res.StatusCode)
		}
		res, page := getOpen(t, "GET", ts.URL+"/oppna-data", nil)
		if res.StatusCode != 200 || !bytes.Contains(page, []byte("<h1>Öppna data</h1>")) || !bytes.Contains(page, []byte(`<th scope="col">`)) {
			t.Fatalf("page: %d %s", res.StatusCode, page)
		}
		for _, r := range rels {
			name := "smhi-" + r.ID + ".csv.gz"
			if !bytes.Contains(page, []byte("/oppna-data/"+name)) {
				t.Errorf("page does not link %s", name)
			}
			res, body := getOpen(t, "GET", ts.URL+"/oppna-data/"+name, nil)
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/gzip" {
				t.Fatalf("%s: %d %s", name, res.StatusCode, res.Header.Get("Content-Type"))
			}
			recs := gunzipCSV(t, body)
			var want []struct {
				N uint64 `ch:"n"`
			}
			if err := w.DB.Select(t.Context(), &want, "SELECT count() AS n FROM smhi_values WHERE toString(release_id) = ?", r.ID); err != nil {
				t.Fatal(err)
			}
			if strings.Join(recs[0], ",") != "release_id,release_date,area_code,area_name,level,year,main_sector,subsector,substance,tonnes" {
				t.Errorf("header %v", recs[0])
			}
			if uint64(len(recs)-1) != want[0].N || want[0].N == 0 {
				t.Errorf("%s: %d rows, the database has %d", name, len(recs)-1, want[0].N)
			}
			etag, lm := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("no ETag %q or Last-Modified %q", etag, lm)
			}
			if res, _ := getOpen(t, "GET", ts.URL+"/oppna-data/"+name, map[string]string{"If-None-Match": etag}); res.StatusCode != 304 {
				t.Errorf("If-None-Match: %d", res.StatusCode)
			}
			if res, _ := getOpen(t, "GET", ts.URL+"/oppna-data/"+name, map[string]string{"If-Modified-Since": lm}); res.StatusCode != 304 {
				t.Errorf("If-Modified-Since: %d", res.StatusCode)
			}
			if res, b := getOpen(t, "HEAD", ts.URL+"/oppna-data/"+name, nil); res.StatusCode != 200 || len(b) != 0 {
				t.Errorf("HEAD: %d, %d bytes", res.StatusCode, len(b))
			}
			xname := "smhi-" + r.ID + ".xlsx"
			res, body = getOpen(t, "GET", ts.URL+"/oppna-data/"+xname, nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", xname, res.StatusCode)
			}
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			head, _ := f.GetRows(f.GetSheetName(0))
			if len(head) == 0 || head[0][2] != "Områdeskod" || uint64(len(head)-1) != want[0].N {
				t.Errorf("xlsx: %d rows", len(head))
			}
			// Laid out as every workbook the service writes (xlsx.SetLayout).
			if pl, err := f.GetPageLayout(f.GetSheetName(0)); err != nil || pl.Orientation == nil || *pl.Orientation != "landscape" {
				t.Errorf("xlsx page layout %+v %v, want landscape", pl, err)
			}
			if about, err := f.GetRows(opendata.AboutSheet); err != nil || len(about) < 5 {
				t.Errorf("Om filen: %v %v", about, err)
			}
			f.Close()
			t.Logf("%s: %d rows, xlsx %d bytes", r.ID, want[0].N, len(body))
		}
		for _, p := range []string{"/oppna-data/../../etc/passwd", "/oppna-data/%2e%2e%2fetc%2fpasswd", "/oppna-data/okand.csv.gz",
			"/oppna-data/smhi-00000000-0000-0000-0000-000000000000.csv.gz", "/oppna-data/" + strings.Repeat("a", 300) + ".xlsx"} {
			res, b := getOpen(t, "GET", ts.URL+p, nil)
			if res.StatusCode != 404 || bytes.Contains(b, []byte("root:")) {
				t.Errorf("%s: %d", p, res.StatusCode)
			}
		}
	})
}

func gunzipCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestOpenDataMembers(t *testing.T) {
	testworld.Engines(t, testworld.Options{Samples: true}, func(t *testing.T, w *testworld.World) {
		ctx := t.Context()
		gen := publishLund(t, w)
		if err := w.OpenData.Refresh(ctx, gen); err != nil {
			t.Fatal(err)
		}
		ts := w.Serve(t, "")
		res, body := getOpen(t, "GET", ts.URL+"/oppna-data/medlemmar-atgarder.csv.gz", nil)
		if res.StatusCode != 200 {
			t.Fatalf("measures: %d", res.StatusCode)
		}
		{
			recs := gunzipCSV(t, body)
			found := false
			for _, r := range recs {
				if len(r) > 4 && strings.HasPrefix(r[4], "'=HYPERLINK") {
					found = true
				}
				if len(r) > 4 && strings.HasPrefix(r[4], "=") {
					t.Errorf("a formula came out as it was: %q", r[4])
				}
			}
			if !found {
				t.Errorf("the hostile measure is missing: %v", recs)
			}
		}
		checkComplianceFile(t, ts.URL, lundReport(true).Details.ReportYear)
		res, body = getOpen(t, "GET", ts.URL+"/oppna-data/medlemmar-utslapp.csv.gz", nil)
		recs := gunzipCSV(t, body)
		if res.StatusCode != 200 || len(recs) < 2 || recs[1][0] != "1281" {
			t.Fatalf("figures: %d %v", res.StatusCode, recs)
		}
		etag := res.Header.Get("ETag")
		rep := lundReport(false)
		rep.Inventory[0].Tonnes = fp(123456)
		w.Submit(t, admin, "lund2.xlsx", rep)
		if _, err := w.Published.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		// The request after the commit starts the rebuild in the background
		// and is answered at once with a complete file, old or new; the
		// requests after it get the new file once it is complete.
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, body = getOpen(t, "GET", ts.URL+"/oppna-data/medlemmar-utslapp.csv.gz", nil)
			now := gunzipCSV(t, body)
			if res.StatusCode != 200 || len(now) != len(recs) {
				t.Fatalf("during the rebuild: %d, %d rows, want %d", res.StatusCode, len(now), len(recs))
			}
			if res.Header.Get("ETag") != etag && strings.Contains(strings.Join(flatten(now), ","), "123456") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the figures file did not change in 30 s (ETag %s)", res.Header.Get("ETag"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func flatten(recs [][]string) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r...)
	}
	return out
}

// checkComplianceFile: Lund, a member since 2019, has the four obligations
// for every year from 2019, and in the report's year its inventory is met.
func checkComplianceFile(t *testing.T, site string, reportYear int) {
	t.Helper()
	res, body := getOpen(t, "GET", site+"/oppna-data/medlemmar-kraven.csv.gz", nil)
	if res.StatusCode != 200 {
		t.Fatalf("compliance: %d", res.StatusCode)
	}
	recs := gunzipCSV(t, body)
	if want := "area_code,area_name,year,obligation,obligation_title,status,overridden,binding,evaluated"; strings.Join(recs[0], ",") != want {
		t.Fatalf("compliance header %q", recs[0])
	}
	years := map[string]int{}
	inventory := ""
	for _, r := range recs[1:] {
		if r[0] != "1281" {
			t.Errorf("compliance: a row of %s", r[0])
		}
		years[r[2]]++
		if r[2] == strconv.Itoa(reportYear) && r[3] == "inventory" {
			inventory = r[5]
		}
	}
	for y := 2019; y <= time.Now().Year(); y++ {
		if years[strconv.Itoa(y)] != 4 {
			t.Errorf("compliance %d: %d rows, want the four obligations", y, years[strconv.Itoa(y)])
		}
	}
	if inventory != "uppfyllt" && inventory != "försenat" {
		t.Errorf("compliance %d: the inventory is %q, want it met", reportYear, inventory)
	}
}

// TestOpenDataCloseWaits: Close stops a background rebuild and returns once
// it has ended, leaving no temporary file behind (the directory can go),
// and no rebuild starts after it.
func TestOpenDataCloseWaits(t *testing.T) {
	w := testworld.New(t, "chdb", testworld.Options{Samples: true})
	gen := publishLund(t, w)
	w.OpenData.RefreshLater(gen, func(err error) { t.Errorf("the rebuild: %v", err) })
	w.OpenData.Close()
	before := dirState(t, w.OpenData.Dir)
	for name := range before {
		if strings.HasPrefix(name, ".build-") {
			t.Errorf("a temporary file is left after Close: %s", name)
		}
	}
	w.OpenData.RefreshLater(gen+1, func(err error) { t.Errorf("a rebuild after Close: %v", err) })
	w.OpenData.Close() // waits for one if it had started
	if after := dirState(t, w.OpenData.Dir); !maps.Equal(before, after) {
		t.Errorf("a rebuild ran after Close: %v, then %v", before, after)
	}
}

// publishLund makes Lund a member with its report accepted and publishes
// a snapshot with it; it returns the snapshot's generation.
func publishLund(t *testing.T, w *testworld.World) uint64 {
	t.Helper()
	w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
	w.Submit(t, admin, "lund.xlsx", lundReport(true))
	snap, err := w.Published.Refresh(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return snap.Generation
}

// dirState is each file of dir with its modification time.
func dirState(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			out[e.Name()] = info.ModTime()
		}
	}
	return out
}
