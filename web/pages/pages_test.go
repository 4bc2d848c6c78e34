package pages_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// plain undoes the no-break spaces of the pages' numbers, so they compare
// with swedish.Number.
func plain(s string) string { return strings.ReplaceAll(s, "\u00a0", " ") }

func TestPageStatus(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		for _, c := range []struct {
			path   string
			status int
			ctype  string
		}{
			{"/", 200, "text/html"},
			{"/kommun/1281", 200, "text/html"},
			{"/kommun/0114", 200, "text/html"}, // not a member, no reports
			{"/kommun/1281?as_of=2030", 200, "text/html"},
			{"/jamfor", 200, "text/html"},
			{"/jamfor?kod=1281&kod=Malm%C3%B6&kod=00&bas=2005", 200, "text/html"},
			{"/jamfor?kod=1281&kalla=reported", 200, "text/html"},
			{"/rangordning", 200, "text/html"},
			{"/rangordning?sortera=namn&ordning=desc", 200, "text/html"},
			{"/rangordning?sortera=net_zero_year&ar=2015", 200, "text/html"},
			{"/rangordning?kalla=reported", 200, "text/html"},
			{"/lan/12", 200, "text/html"},
			{"/lan/01?sortera=namn&ordning=desc", 200, "text/html"},
			{"/lan/99", 404, "text/html"},
			{"/lan/1281", 404, "text/html"},
			{"/lan/12?as_of=1800", 400, "text/html"},
			{"/lan/12?sortera=bogus", 400, "text/html"},
			{"/lan/12?ordning=upp", 400, "text/html"},
			{"/kommun/9999", 404, "text/html"},
			{"/kommun/abc", 404, "text/html"},
			{"/kommun/1281?as_of=1800", 400, "text/html"},
			{"/jamfor?kod=Ingenstans", 400, "text/html"},
			{"/jamfor?kod=", 400, "text/html"},
			{"/jamfor?kalla=annat", 400, "text/html"},
			{"/rangordning?sortera=bogus", 400, "text/html"},
			{"/rangordning?ar=1800", 400, "text/html"},
			{"/rangordning?ordning=upp", 400, "text/html"},
			{"/static/echarts.min.js", 200, "text/javascript"},
			{"/static/charts.js", 200, "text/javascript"},
			{"/static/style.css", 200, "text/css"},
			{"/static/echarts-LICENSE.txt", 200, "text/plain"},
		} {
			r := get(t, f.url+c.path)
			if r.status != c.status || !strings.HasPrefix(r.header.Get("Content-Type"), c.ctype) {
				t.Errorf("GET %s: %d %s, want %d %s", c.path, r.status, r.header.Get("Content-Type"), c.status, c.ctype)
			}
			if strings.HasPrefix(c.ctype, "text/html") {
				if !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
					t.Errorf("GET %s: no strict Content-Security-Policy", c.path)
				}
				if !strings.Contains(string(r.body), `<html lang="sv">`) || !strings.Contains(string(r.body), `class="skip-link"`) {
					t.Errorf("GET %s: not a Swedish page with a skip link", c.path)
				}
			}
		}
		// The ECharts file is the pinned one, served by the service itself.
		js := get(t, f.url+"/static/echarts.min.js")
		if len(js.body) < 500_000 || !strings.Contains(string(js.body[:600]), "Apache") {
			t.Errorf("echarts.min.js: %d bytes", len(js.body))
		}
		page := get(t, f.url+"/kommun/1281")
		if !strings.Contains(string(page.body), `src="/static/echarts.min.js?v=`) || strings.Contains(string(page.body), "go-echarts.github.io") {
			t.Errorf("the page does not load ECharts from the service itself")
		}
		// A second request is served from the cache: same ETag, 304 when
		// the client has it.
		req, _ := http.NewRequest("GET", f.url+"/kommun/1281", nil)
		req.Header.Set("If-None-Match", page.header.Get("ETag"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if page.header.Get("ETag") == "" || resp.StatusCode != http.StatusNotModified {
			t.Errorf("conditional GET: %d (ETag %q)", resp.StatusCode, page.header.Get("ETag"))
		}
	})
}

// metricsAPI is the part of GET /api/v1/municipalities/{code}/metrics the
// page tests read.
type metricsAPI struct {
	SMHI struct {
		Release string
		Metrics struct {
			LastYear   int      `json:"last_year"`
			LastTonnes float64  `json:"last_tonnes"`
			PerCapita  *float64 `json:"per_capita"`
			Change1990 *float64 `json:"change_since_1990_pct"`
			Rate2015   *float64 `json:"annual_rate_since_2015_pct"`
			Trend      struct {
				Measured, Approximated, Trend []analytics.Value
				CarbonLaw                     []analytics.Value `json:"carbon_law"`
			} `json:"trend"`
			NetZeroYear *float64 `json:"net_zero_year"`
		} `json:"metrics"`
	} `json:"smhi"`
	Reported struct {
		Metrics struct {
			Measured analytics.Series `json:"measured"`
		} `json:"metrics"`
	} `json:"reported"`
	PerCapita []publish.NamedSeries `json:"per_capita_comparison"`
	Goals     []struct {
		Name     string `json:"name"`
		Tracking []struct {
			Source       string  `json:"source"`
			LatestTonnes float64 `json:"latest_tonnes"`
			PathTonnes   float64 `json:"path_tonnes"`
			Verdict      string  `json:"verdict"`
		} `json:"tracking"`
	} `json:"goals"`
}

type emissionsAPI struct {
	Release string
	Series  []struct {
		Municipality, Name, Sector string
		Values                     []struct {
			Year      int      `json:"year"`
			Tonnes    float64  `json:"tonnes"`
			PerCapita *float64 `json:"per_capita"`
			Estimated bool     `json:"per_capita_estimated"`
		} `json:"values"`
	} `json:"series"`
}

// column returns the index of the heading that starts with name.
func column(t *testing.T, rows [][]string, name string) int {
	t.Helper()
	for i, h := range rows[0] {
		if strings.HasPrefix(h, name) {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, rows[0])
	return -1
}

// byYear maps the first cell of each row (a year) to the row.
func byYear(rows [][]string) map[int][]string {
	out := map[int][]string{}
	for _, r := range rows[1:] {
		if y, err := strconv.Atoi(r[0]); err == nil {
			out[y] = r
		}
	}
	return out
}

// TestTablesEqualAPI checks that the numbers in the pages' tables are the
// numbers the API gives, formatted the Swedish way.
func TestTablesEqualAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		tc := &tableCheck{t: t}
		municipalityTablesEqualAPI(t, f, tc)
		rankingTablesEqualAPI(t, f, tc)
		comparisonTablesEqualAPI(t, f, tc)
		if tc.n < 300 {
			t.Errorf("only %d numbers compared", tc.n)
		}
	})
}

// tableCheck compares a figure on a page with the API's and counts it.
type tableCheck struct {
	t *testing.T
	n int
}

func (tc *tableCheck) check(where, got string, want float64, decimals int) {
	tc.t.Helper()
	tc.n++
	if plain(got) != swedish.Number(want, decimals) {
		tc.t.Errorf("%s: table %q, API %s", where, got, swedish.Number(want, decimals))
	}
}

// municipalityTablesEqualAPI: /kommun/1281's trend, sectors, per capita,
// reported figures and goals.
func municipalityTablesEqualAPI(t *testing.T, f *fixture, tc *tableCheck) {
	page := get(t, f.url+"/kommun/1281").body
	var m metricsAPI
	getJSON(t, f.url+"/api/v1/municipalities/1281/metrics", &m)

	// Trend table: measured, estimated, trend and Carbon Law by year.
	trend := htmlTable(t, page, "trend-tabell")
	rows := byYear(trend)
	for _, c := range []struct {
		col  string
		vals []analytics.Value
	}{{"Uppmätt", m.SMHI.Metrics.Trend.Measured}, {"Uppskattat", m.SMHI.Metrics.Trend.Approximated},
		{"Trend", m.SMHI.Metrics.Trend.Trend}, {"Carbon Law", m.SMHI.Metrics.Trend.CarbonLaw}} {
		col := column(t, trend, c.col)
		if len(c.vals) == 0 {
			t.Fatalf("API has no %s values", c.col)
		}
		for _, v := range c.vals {
			tc.check(fmt.Sprintf("trend %s %d", c.col, v.Year), rows[v.Year][col], v.Tonnes, 0)
		}
	}
	if !strings.Contains(trend[0][column(t, trend, "Uppskattat")], "uppskattning") {
		t.Errorf("the estimates' column is not labelled as estimates: %q", trend[0])
	}

	// Sectors by year against GET /api/v1/emissions?by=sector.
	var sec emissionsAPI
	getJSON(t, f.url+"/api/v1/emissions?municipality=1281&by=sector", &sec)
	sectors := htmlTable(t, page, "sektorer-tabell")
	for _, s := range sec.Series {
		var row []string
		for _, r := range sectors[1:] {
			if r[0] == s.Sector {
				row = r
			}
		}
		if row == nil {
			t.Fatalf("sector %q missing from the table", s.Sector)
		}
		for _, v := range s.Values {
			tc.check("sector "+s.Sector+" "+strconv.Itoa(v.Year), row[column(t, sectors, strconv.Itoa(v.Year))], v.Tonnes, 0)
		}
	}

	// Per capita: Lund's own column against the emissions API.
	var pc emissionsAPI
	getJSON(t, f.url+"/api/v1/emissions?municipality=1281&per_capita=true", &pc)
	pct := htmlTable(t, page, "per-invanare-tabell")
	prow := byYear(pct)
	// Values divided by another year's population are in the column of
	// estimates.
	perCapitaColumn := func(name string, estimated bool) int {
		if estimated {
			return column(t, pct, name+" uppskattning")
		}
		return column(t, pct, name)
	}
	for _, v := range pc.Series[0].Values {
		tc.check("per capita "+strconv.Itoa(v.Year), prow[v.Year][perCapitaColumn("Lund", v.Estimated)], *v.PerCapita, 2)
	}
	// … and Sweden's and the members' columns against the metrics API.
	for _, s := range m.PerCapita[1:] {
		name := map[string]string{"00": "Sverige", "12": "Skåne län", "": "Klimatkommunernas medlemmar"}[s.Code]
		for _, p := range s.Series {
			_, estimated := s.EstimatedIn(p.Year)
			tc.check("per capita "+name+" "+strconv.Itoa(p.Year), prow[p.Year][perCapitaColumn(name, estimated)], p.Tonnes, 2)
		}
	}

	// Reported figures: their own table, equal to source=reported.
	var rep emissionsAPI
	getJSON(t, f.url+"/api/v1/emissions?municipality=1281&source=reported", &rep)
	rt := htmlTable(t, page, "egenrapporterat-tabell")
	rrow := byYear(rt)
	for _, v := range rep.Series[0].Values {
		tc.check("reported "+strconv.Itoa(v.Year), rrow[v.Year][column(t, rt, "Egenrapporterat")], v.Tonnes, 0)
	}
	if len(rep.Series[0].Values) != 11 {
		t.Errorf("%d reported years, want 11", len(rep.Series[0].Values))
	}

	// Goals: each follow-up's latest value and path value.
	gt := htmlTable(t, page, "mal-uppfoljning")
	i := 1
	for _, g := range m.Goals {
		for _, tr := range g.Tracking {
			row := gt[i]
			i++
			if row[0] != g.Name || row[5] != tr.Verdict {
				t.Errorf("goal row %q, want %s with verdict %q", row, g.Name, tr.Verdict)
			}
			dec := 0
			if strings.Contains(g.Name, "per invånare") {
				dec = 2
			}
			tc.check("goal "+g.Name+" latest", strings.Split(row[3], " (")[0], tr.LatestTonnes, dec)
			tc.check("goal "+g.Name+" path", row[4], tr.PathTonnes, dec)
		}
	}
}

// rankingTablesEqualAPI: /rangordning's rows and averages, and the
// overview's headline.
func rankingTablesEqualAPI(t *testing.T, f *fixture, tc *tableCheck) {
	// Ranking: rank and per-capita value of every municipality.
	var rk publish.Ranking
	getJSON(t, f.url+"/api/v1/ranking?metric=per_capita", &rk)
	rpage := get(t, f.url+"/rangordning").body
	rt2 := htmlTable(t, rpage, "rangordning")
	if len(rt2)-1 != len(rk.Rows) || len(rk.Rows) != 290 {
		t.Fatalf("ranking table has %d rows, the API %d", len(rt2)-1, len(rk.Rows))
	}
	pcCol := column(t, rt2, "Per invånare")
	for i, r := range rk.Rows {
		row := rt2[i+1]
		name := strings.TrimSuffix(row[1], " – medlem")
		if name != r.Name || row[0] != strconv.Itoa(r.Rank) || (r.Member != strings.HasSuffix(row[1], "medlem")) {
			t.Errorf("ranking row %d: %q, API %+v", i, row[:2], r)
		}
		// An estimate (another year's population) is marked in words.
		value, mark, _ := strings.Cut(row[pcCol], " (")
		if (mark == "uppskattad med folkmängden "+strconv.Itoa(r.PopulationYear)+")") != r.Estimated {
			t.Errorf("ranking %s: %q, API estimated %v with %d's population", r.Name, row[pcCol], r.Estimated, r.PopulationYear)
		}
		tc.check("ranking "+r.Name, value, *r.Value, 2)
	}
	avg := htmlTable(t, rpage, "genomsnitt-tabell")
	for _, g := range rk.Averages {
		if g.Group == analytics.GroupCounty {
			continue
		}
		found := false
		for _, row := range avg[1:] {
			if row[0] == g.Name {
				found = true
				for i, v := range []*float64{g.Value, g.Mean} {
					value, mark, _ := strings.Cut(row[1+i], " (")
					if (mark == "uppskattad)") != g.Estimated {
						t.Errorf("average %s: %q, API estimated %v", g.Name, row[1+i], g.Estimated)
					}
					tc.check("average "+g.Name, value, *v, 2)
				}
			}
		}
		if !found {
			t.Errorf("average %s: no row in the averages table %q", g.Name, avg)
		}
	}

	// Overview: the headline is the members' and Sweden's per capita.
	home := string(get(t, f.url+"/").body)
	for _, g := range rk.Averages[:2] {
		want := swedish.Number(*g.Value, 1)
		if !strings.Contains(plain(home), `<span class="value">`+want+`</span>`) {
			t.Errorf("overview: no headline %s for %s", want, g.Name)
		}
	}
}

// comparisonTablesEqualAPI: /jamfor's totals.
func comparisonTablesEqualAPI(t *testing.T, f *fixture, tc *tableCheck) {
	// Comparison: totals of each chosen municipality.
	var cmp emissionsAPI
	getJSON(t, f.url+"/api/v1/emissions?municipality=1281&municipality=1280", &cmp)
	jt := htmlTable(t, get(t, f.url+"/jamfor?kod=1281&kod=1280").body, "totalt-tabell")
	jrow := byYear(jt)
	for _, s := range cmp.Series {
		col := column(t, jt, s.Name)
		for _, v := range s.Values {
			tc.check("compare "+s.Name+" "+strconv.Itoa(v.Year), jrow[v.Year][col], v.Tonnes, 0)
		}
	}
}

// TestHostileNamesEscaped: a municipality and a goal named with markup are
// shown as text on every page and inside the charts' options, and no
// script runs but the service's own.
func TestHostileNamesEscaped(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{hostileNames: true})
		escaped := html.EscapeString(hostile)
		for _, path := range []string{"/kommun/1281", "/jamfor?kod=1281&kod=1280", "/jamfor?kod=1281&kalla=reported", "/rangordning",
			"/rangordning?sortera=namn", "/", "/kommun/9999"} {
			r := get(t, f.url+path)
			body := string(r.body)
			if strings.Contains(body, hostile) || strings.Contains(body, "<script>alert") {
				t.Fatalf("GET %s: the hostile name is in the page unescaped", path)
			}
			if path != "/kommun/9999" && !strings.Contains(body, escaped) && !strings.Contains(body, `\u003c/script\u003e`) {
				t.Errorf("GET %s: the name is not on the page at all", path)
			}
			// Every script is the service's own file or a JSON data block.
			doc, err := html.Parse(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "script" {
					if src := attr(n, "src"); !(strings.HasPrefix(src, "/static/") || attr(n, "type") == "application/json") {
						t.Errorf("GET %s: a script that is not the service's: %s %q", path, src, text(n))
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
		}
		page := get(t, f.url+"/kommun/1281").body
		if !strings.Contains(string(page), "<h1>"+escaped+"</h1>") {
			t.Errorf("the heading does not show the name as text")
		}
		goals := htmlTable(t, page, "mal-uppfoljning")
		if goals[1][0] != hostile {
			t.Errorf("goal name in the table: %q", goals[1][0])
		}
		measures := htmlTable(t, page, "atgarder-tabell")
		if !strings.HasPrefix(measures[1][0], "=HYPERLINK") {
			t.Errorf("measure name in the table: %q", measures[1][0])
		}
		// Inside the charts' options the names are JSON strings: the data
		// round-trips, the bytes on the page hold no "<".
		opts := chartOptions(t, page)
		found := 0
		for id, o := range opts {
			for _, s := range o["series"].([]any) {
				name := s.(map[string]any)["name"].(string)
				if strings.Contains(name, hostile) {
					found++
				}
			}
			_ = id
		}
		if found < 2 { // the per-capita line and the goal path
			t.Errorf("hostile names in %d chart series, want at least 2", found)
		}
		if !strings.Contains(string(page), `\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e`) {
			t.Errorf("the chart options do not carry the name JSON-escaped")
		}
		// The API's JSON escapes it too.
		api := string(get(t, f.url+"/api/v1/municipalities/1281/metrics").body)
		if strings.Contains(api, "<script>") {
			t.Errorf("metrics JSON carries markup unescaped")
		}
	})
}

// TestPagesFollowCommits: a new submission shows on the page once the
// snapshot the commit hook asks for is built, and so does a members change.
func TestPagesFollowCommits(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		f.Published.ProbeInterval = -1 // only the commit hooks can refresh the pages
		before := get(t, f.url+"/kommun/1281")
		rep := lundReport(false)
		rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: 2024, Sector: "Transporter", Tonnes: fp(123456)})
		rep.Details.ReportYear = 2025
		// The hooks move the generation on; the next snapshot is built in
		// the background, and waited for here.
		followed := func(before uint64) {
			if _, err := f.Published.WaitFor(ctx, before+1); err != nil {
				t.Fatal(err)
			}
		}
		gen := f.Published.Generation()
		f.submit(t, rep)
		followed(gen)
		after := get(t, f.url+"/kommun/1281")
		if after.header.Get("ETag") == before.header.Get("ETag") {
			t.Fatalf("the page did not change after a submission")
		}
		rows := byYear(htmlTable(t, after.body, "egenrapporterat-tabell"))
		if rows[2024] == nil || plain(rows[2024][1]) != "123 456" {
			t.Errorf("the new year is not on the page: %q", rows[2024])
		}
		home := string(get(t, f.url+"/").body)
		if strings.Contains(home, "/kommun/1480") {
			t.Fatalf("Göteborg listed before it is a member")
		}
		gen = f.Published.Generation()
		if _, err := f.Members.Add(ctx, kr.System(), "1480", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), false, 0); err != nil {
			t.Fatal(err)
		}
		followed(gen)
		if home := string(get(t, f.url+"/").body); !strings.Contains(home, "/kommun/1480") {
			t.Errorf("a new member is not on the overview")
		}
	})
}
