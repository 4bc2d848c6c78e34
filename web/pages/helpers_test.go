package pages_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// hostile is a name that would run code if it reached a page unescaped.
const hostile = `</script><script>alert(1)</script>`

var ctx = context.Background()

var admin = kr.Actor{ID: "admin", Email: "admin@klimatkommunerna.se", Role: kr.RoleAdmin}

func fp(v float64) *float64 { return &v }

// pop1990Factor scales the 2024 population sample to 1990's (Sweden had
// 8 590 630 inhabitants at the end of 1990, 10 587 710 at the end of 2024).
const pop1990Factor = 8590630.0 / 10587710

// fixture is a service with the shared sample data, three members and a
// report from Lund, served by the real router.
type fixture struct {
	*testworld.World
	url string
}

type fixtureOptions struct {
	hostileNames bool // Lund's name and its goal's name are hostile
	noReport     bool
	region       bool // Region Skåne (12) is a member too, with a report of its own
}

func newFixture(t testing.TB, db storage.DB, o fixtureOptions) *fixture {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{Samples: true})
	// 1990's population beside 2024's: per capita divides 1990 by its own
	// year's and the years between by the nearest year's (an estimate).
	w.ImportPopulationYear(t, 1990, pop1990Factor)
	f := &fixture{World: w}
	if o.hostileNames {
		// A later municipality list names Lund with markup (SMHI's file,
		// already imported, was mapped by the real name).
		csv := strings.Replace(string(samples.Read(t, samples.Municipalities)), "1281,Lunds kommun,Lund,", "1281,Lunds kommun,"+hostile+",", 1)
		if _, err := f.National.ImportMunicipalities(ctx, kr.System(), strings.NewReader(csv)); err != nil {
			t.Fatal(err)
		}
	}
	w.Join(t, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280", "0180")
	if !o.noReport {
		f.submit(t, lundReport(o.hostileNames))
	}
	if o.region {
		w.Join(t, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), "12")
		f.Submit(t, admin, "region-skane.xlsx", regionReport())
	}
	f.url = w.Serve(t, "").URL
	return f
}

// regionReport is Region Skåne's own inventory (2015–2022), a goal, a plan
// and a measure.
func regionReport() *kr.Report {
	rep := &kr.Report{Details: kr.Details{Code: "12", Name: "Region Skåne", ReportYear: 2024, Contact: "Eva Ek", Email: "eva@skane.se"}}
	for y := 2015; y <= 2022; y++ {
		for i, s := range kr.MainSectors() {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(900000-(y-2015)*40000) / float64(i+1))})
		}
	}
	rep.Goals = []kr.Goal{{ID: "R1", Name: "Skåne fossilfritt 2030", Type: kr.GoalAbsolute, BaseYear: 2015, TargetYear: 2030, ReductionPct: 80,
		DecidedBy: "Regionfullmäktige"}}
	rep.Plans = []kr.ActionPlan{{Name: "Klimatplan Skåne", Adopted: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), DecidedBy: "Regionfullmäktige",
		ValidFrom: 2022, ValidTo: 2030}}
	rep.Measures = []kr.Measure{{ID: "RÅ1", Name: "Elektrifierad kollektivtrafik", Sector: "Transporter", Status: kr.MeasureOngoing,
		StartYear: 2022, EndYear: 2028, ExpectedReduction: fp(30000), Responsible: "Skånetrafiken"}}
	return rep
}

// lundReport is Lund's own inventory (1990, 2005, 2015–2023), goals,
// plan and measures.
func lundReport(hostileNames bool) *kr.Report {
	rep := &kr.Report{Details: kr.Details{Code: "1281", Name: "Lunds kommun", ReportYear: 2024, Contact: "Anna Andersson", Email: "anna@lund.se"}}
	years := []int{1990, 2005, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023}
	for _, y := range years {
		for i, s := range kr.MainSectors() {
			v := float64(20000-(y-1990)*300) / float64(i+1)
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(v)})
		}
	}
	goalName := "Halvera utsläppen till 2030"
	measureName := "Fler laddplatser"
	if hostileNames {
		goalName, measureName = hostile, "=HYPERLINK(\"http://x\")"+hostile
	}
	rep.Goals = []kr.Goal{
		{ID: "M1", Name: goalName, Type: kr.GoalAbsolute, BaseYear: 1990, TargetYear: 2030, ReductionPct: 60, DecidedBy: "Kommunfullmäktige"},
		{ID: "M2", Name: "Nettonoll 2045", Type: kr.GoalNetZero, BaseYear: 2015, TargetYear: 2045, ReductionPct: 100},
		{ID: "M3", Name: "Transporter per invånare", Type: kr.GoalPerCapita, Sector: "Transporter", BaseYear: 2015, TargetYear: 2030, ReductionPct: 40},
	}
	rep.Plans = []kr.ActionPlan{{Name: "LundaEko III", Adopted: time.Date(2021, 5, 27, 0, 0, 0, 0, time.UTC), DecidedBy: "Kommunfullmäktige",
		ValidFrom: 2021, ValidTo: 2030, Link: "https://lund.se/lundaeko"}}
	rep.Measures = []kr.Measure{
		{ID: "Å1", Name: measureName, Sector: "Transporter", Status: kr.MeasureOngoing, StartYear: 2022, EndYear: 2026, ExpectedReduction: fp(1200), Responsible: "Tekniska förvaltningen"},
		{ID: "Å2", Name: "Solceller på kommunens tak", Sector: "El och fjärrvärme", Status: kr.MeasureDone, StartYear: 2019, EndYear: 2021},
		{ID: "Å3", Name: "Biogasbussar", Sector: "Transporter", Status: kr.MeasurePlanned, StartYear: 2025},
	}
	return rep
}

func (f *fixture) submit(t testing.TB, rep *kr.Report) submissions.Result {
	t.Helper()
	return f.Submit(t, admin, "lund-"+rep.Details.Code+".xlsx", rep)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func get(t testing.TB, url string) response {
	t.Helper()
	r := testworld.Get(t, url)
	return response{r.Status, r.Header, r.Body}
}

func getJSON(t testing.TB, url string, v any) {
	t.Helper()
	r := get(t, url)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", url, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// htmlTable returns the cell texts of the table with the given id, header
// row first.
func htmlTable(t testing.TB, page []byte, id string) [][]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var table *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" && attr(n, "id") == id {
			table = n
			return
		}
		for c := n.FirstChild; c != nil && table == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if table == nil {
		t.Fatalf("no table #%s in the page", id)
	}
	var rows [][]string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					row = append(row, strings.TrimSpace(text(c)))
				}
			}
			rows = append(rows, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(table)
	return rows
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "span" && attr(c, "aria-hidden") == "true" {
			continue
		}
		b.WriteString(text(c))
	}
	return b.String()
}

// chartOptions returns the parsed JSON options of every chart on a page,
// by chart id.
func chartOptions(t testing.TB, page []byte) map[string]map[string]any {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" && attr(n, "type") == "application/json" {
			var opt map[string]any
			if err := json.Unmarshal([]byte(text(n)), &opt); err != nil {
				t.Fatalf("chart options %s are not JSON: %v", attr(n, "id"), err)
			}
			out[strings.TrimSuffix(attr(n, "id"), "-options")] = opt
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
