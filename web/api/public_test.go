package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/api"
)

// publicWorld is the samples, two members, reports of three municipalities,
// and the real router, warming each new snapshot; its published service
// never probes the data (the test publishes with Refresh).
func publicWorld(t *testing.T, db storage.DB) (*testworld.World, string) {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{Samples: true})
	w.Published.ProbeInterval = -1
	w.Published.WarmTimeout = time.Minute
	w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280")
	for i, code := range []string{"1281", "1280", "0180"} {
		rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: 2024}}
		for j, s := range kr.MainSectors() {
			for _, y := range []int{2019, 2021, 2022} {
				rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(i+1)*1000.1 + float64(j)*0.37 + float64(y%7)/3)})
			}
		}
		w.Submit(t, kr.Actor{ID: "a", Role: kr.RoleAdmin}, "r.xlsx", rep)
	}
	ts := w.Serve(t, staticTokens)
	for range 2 { // the first snapshot is published before it is warmed
		if _, err := w.Published.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return w, ts.URL
}

// TestPublicAnswersWithoutDatabase: a new snapshot is published with the
// API's answers behind the default pages rendered into it (checkWarmed);
// once it is, the list of municipalities and the emissions of the published release (SMHI's and
// the reported figures) are answered without a database query, even for
// queries never asked before, with the JSON the database's answer gives
// byte for byte; an older release still goes to the database.
func TestPublicAnswersWithoutDatabase(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		cdb := &storagetest.Recorder{DB: db}
		w, base := publicWorld(t, cdb)
		n0 := cdb.Count()
		checkWarmed(t, w, base)
		if qs := cdb.Since(n0); len(qs) > 0 {
			t.Errorf("the warmed answers ran %d database queries, want none: %q", len(qs), qs)
		}
		ctx := context.Background()
		release, _ := time.Parse(time.DateOnly, "2024-04-18")
		for _, e := range []struct {
			query string
			q     figures.EmissionsQuery
		}{
			{"", figures.EmissionsQuery{}},
			{"by=sector", figures.EmissionsQuery{BySector: true}},
			{"per_capita=true&by=total", figures.EmissionsQuery{PerCapita: true}},
			{"by=sector&per_capita=true&from=2010&to=2015", figures.EmissionsQuery{BySector: true, PerCapita: true, From: 2010, To: 2015}},
			{"source=smhi&municipality=1281&municipality=1280&municipality=1281&from=2022&to=2022&per_capita=true",
				figures.EmissionsQuery{Source: "smhi", Codes: []string{"1281", "1280", "1281"}, From: 2022, To: 2022, PerCapita: true}},
			{"municipality=12&municipality=00&municipality=0180&by=sector", figures.EmissionsQuery{Codes: []string{"12", "00", "0180"}, BySector: true}},
			{"municipality=00&per_capita=true", figures.EmissionsQuery{Codes: []string{"00"}, PerCapita: true}},
			{"municipality=9999", figures.EmissionsQuery{Codes: []string{"9999"}}},
			{"from=2015&to=2010", figures.EmissionsQuery{From: 2015, To: 2010}},
			{"municipality=1281&release=2024-04-18&substance=CO2", figures.EmissionsQuery{Codes: []string{"1281"}, Release: release, Substance: "CO2"}},
			{"source=reported", figures.EmissionsQuery{Source: "reported"}},
			{"source=reported&by=sector&per_capita=true", figures.EmissionsQuery{Source: "reported", BySector: true, PerCapita: true}},
			{"source=reported&municipality=1281&municipality=0180&municipality=00&from=2021",
				figures.EmissionsQuery{Source: "reported", Codes: []string{"1281", "0180", "00"}, From: 2021}},
			{"source=reported&municipality=1280&by=sector&to=2021&substance=CH4", figures.EmissionsQuery{Source: "reported", Codes: []string{"1280"}, BySector: true, To: 2021, Substance: "CH4"}},
			{"source=nonsense", figures.EmissionsQuery{Source: "nonsense"}},
		} {
			want, wantErr := w.Data().Emissions(ctx, e.q)
			n := cdb.Count()
			r := get(t, base+"/api/v1/emissions?"+e.query, "")
			if qs := cdb.Since(n); len(qs) > 0 {
				t.Errorf("emissions?%s ran %d database queries, want none: %q", e.query, len(qs), qs)
			}
			if wantErr != nil {
				var got struct{ Error struct{ Message string } }
				if json.Unmarshal(r.body, &got); r.status != 422 || got.Error.Message != kr.MessageOf(wantErr) {
					t.Errorf("emissions?%s: %d %s, want 422 with %q", e.query, r.status, r.body, kr.MessageOf(wantErr))
				}
				continue
			}
			if js, _ := json.Marshal(want); r.status != 200 || !bytes.Equal(r.body, js) {
				t.Errorf("emissions?%s: %d\n served   %.500s\n database %.500s", e.query, r.status, r.body, js)
			}
		}
		n := cdb.Count()
		for _, path := range []string{"/api/v1/municipalities", "/api/v1/municipalities.csv", "/api/v1/emissions.csv?municipality=1281&by=sector",
			"/api/v1/emissions.xlsx?source=reported", "/api/v1/ranking?metric=emissions", "/api/v1/ranking.csv?order=desc"} {
			if r := get(t, base+path, ""); r.status != 200 {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
		if qs := cdb.Since(n); len(qs) > 0 {
			t.Errorf("the public answers ran %d database queries, want none: %q", len(qs), qs)
		}
		n = cdb.Count()
		if r := get(t, base+"/api/v1/emissions?release=2020-01-01", ""); r.status != 404 || cdb.Count() == n {
			t.Errorf("an older release: %d, %d queries; want 404 from the database", r.status, cdb.Count()-n)
		}
	})
}

// TestMunicipalitiesFromSnapshot: the list of municipalities is the
// snapshot's, membership as of the snapshot's day.
func TestMunicipalitiesFromSnapshot(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := loadNational(t, db)
		w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281")
		ts := w.Serve(t, "")
		var list struct {
			Municipalities []struct {
				Code   string `json:"code"`
				Member *struct {
					Kind     string `json:"kind"`
					Joined   string `json:"joined"`
					Observer bool   `json:"observer"`
					Active   bool   `json:"active"`
				} `json:"member"`
			} `json:"municipalities"`
		}
		r := get(t, ts.URL+"/api/v1/municipalities", "")
		r.json(t, &list)
		if r.status != 200 || len(list.Municipalities) != 290 || r.header.Get("ETag") == "" {
			t.Fatalf("municipalities: %d, %d entries, ETag %q", r.status, len(list.Municipalities), r.header.Get("ETag"))
		}
		for _, m := range list.Municipalities {
			if (m.Member != nil) != (m.Code == "1281") || m.Member != nil && (m.Member.Joined != "2019-01-01" || !m.Member.Active || m.Member.Kind != "municipality") {
				t.Errorf("%s: member %+v", m.Code, m.Member)
			}
		}
	})
}

// warmedAPI are the keys of the API's answers warmed into every snapshot.
func warmedAPI(snap *publish.Snapshot) []string {
	rk, _ := snap.Ranking(context.Background(), publish.RankingQuery{})
	linked := url.Values{"metric": {rk.Metric.Name}, "year": {strconv.Itoa(rk.Year)}, "source": {rk.Source}, "order": {"asc"}}
	var paths []string
	for _, ext := range []string{"", ".csv", ".xlsx"} {
		paths = append(paths, "/api/v1/ranking"+ext, "/api/v1/ranking"+ext+"?"+linked.Encode())
		for _, m := range snap.Municipalities {
			paths = append(paths, "/api/v1/municipalities/"+m.Code+"/metrics"+ext)
		}
	}
	return append(paths, "/api/v1/municipalities")
}

// checkWarmed: the snapshot was published with the API's answers behind
// the default pages already rendered into it, under the keys the requests
// use, and the first request for each is served that answer.
func checkWarmed(t *testing.T, w *testworld.World, base string) {
	t.Helper()
	{
		snap, err := w.Published.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		paths := warmedAPI(snap)
		if len(paths) != 3*(2+290)+1 {
			t.Fatalf("%d answers to check", len(paths))
		}
		renders := 0
		kept := map[string]*publish.Body{}
		for _, path := range paths {
			u, _ := url.Parse(path)
			b, err := snap.Body(context.Background(), publish.KeyOf("api:"+u.Path, u.Query(), api.Params), func() (*publish.Body, error) {
				renders++
				return &publish.Body{Bytes: []byte("not warmed")}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			kept[path] = b
		}
		if renders != 0 {
			t.Errorf("%d of %d answers were not rendered before the snapshot was published", renders, len(paths))
		}
		for _, path := range []string{"/api/v1/municipalities", "/api/v1/ranking", "/api/v1/ranking.xlsx", paths[1],
			"/api/v1/municipalities/1281/metrics", "/api/v1/municipalities/1281/metrics.csv", "/api/v1/municipalities/2584/metrics.xlsx"} {
			r := get(t, base+path, "")
			etag := strings.Replace(r.header.Get("ETag"), `-gzip"`, `"`, 1) // compressed at warm time
			if b := kept[path]; r.status != 200 || !bytes.Equal(r.body, b.Bytes) || etag != b.ETag {
				t.Errorf("%s: %d, served the warmed answer: %v", path, r.status, bytes.Equal(r.body, b.Bytes))
			}
		}
	}
}
