package pages_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// chartPages are the public pages with charts, in every variant that
// changes which charts are drawn: a member with a report, a municipality
// that is neither, another year for the estimates, each source of the
// comparison.
var chartPages = []string{
	"/",
	"/kommun/1281",
	"/kommun/1281?as_of=2026",
	"/kommun/1281?as_of=2030",
	"/kommun/0114?as_of=2026",
	"/kommun/1280",
	"/jamfor",
	"/jamfor?kod=1281&kod=Malm%C3%B6&kod=00&kod=12&bas=2005",
	"/jamfor?kod=1281&kod=1280&kalla=reported",
	"/rangordning",
	"/lan/12",
	"/lan/12?as_of=2030&sortera=namn&ordning=desc",
	"/lan/25",
	"/rangordning?kalla=reported&ar=2022",
	"/inbaddning/kommun/1281",
	"/inbaddning/jamfor?kod=1281&kod=00",
	"/inbaddning/rangordning",
}

// TestChartNumbersInTables: every value a chart draws, (series, x) by
// (series, x), is in the table under it with the same number written the
// Swedish way, so a reader who cannot see the chart reads the same figures
// (WCAG 2.1: text alternatives for non-text content). Both the chart and the
// table are read from the page as it is served: the ECharts options in the
// JSON block and the table's cells.
func TestChartNumbersInTables(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{})
		seen := map[string]int{} // values compared, by chart id
		checkChartTables(t, f.url, chartPages, seen)
		// Every kind of chart the pages draw was found, with its values.
		for _, id := range []string{"trend", "sektorer", "per-invanare", "egenrapporterat", "mal", "totalt", "per-capita", "index", "lan-diagram"} {
			if seen[id] < 10 {
				t.Errorf("chart %s: %d values compared; the test no longer finds it", id, seen[id])
			}
		}
	})
}

// TestChartNumbersInTablesHostileNames: names with markup (a municipality's,
// a goal's) name series and rows; they stay text and every value still has
// its cell.
func TestChartNumbersInTablesHostileNames(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		f := newFixture(t, db, fixtureOptions{hostileNames: true})
		checkChartTables(t, f.url, []string{"/kommun/1281", "/jamfor?kod=1281&kod=1280"}, map[string]int{})
	})
}

// checkChartTables compares every chart on the pages with its table and
// adds the values compared to seen, by chart id.
func checkChartTables(t *testing.T, base string, paths []string, seen map[string]int) {
	t.Helper()
	for _, path := range paths {
		r := get(t, base+path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		for _, fig := range pageFigures(t, r.body) {
			seen[fig.id] += fig.values()
			for _, problem := range fig.missing() {
				t.Errorf("GET %s, chart %s: %s", path, fig.id, problem)
			}
		}
	}
}

// figure is a chart as a page ships it: its parsed options, the decimals
// its numbers are shown with, and the cells of the table in its figure.
type figure struct {
	id       string
	decimals int
	option   chartOption
	table    [][]string // header row first; first cell of each row its header
}

type chartOption struct {
	XAxis []struct {
		Type string   `json:"type"`
		Data []string `json:"data"`
	} `json:"xAxis"`
	Series []struct {
		Name string     `json:"name"`
		Data []dataItem `json:"data"`
	} `json:"series"`
}

// dataItem is a data item of a series in either form ECharts reads:
// {"value": v} (bars) or v itself ([year, value] on the line charts).
type dataItem struct{ Value json.RawMessage }

func (d *dataItem) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var item struct {
			Value json.RawMessage `json:"value"`
		}
		err := json.Unmarshal(b, &item)
		d.Value = item.Value
		return err
	}
	d.Value = append(json.RawMessage(nil), b...)
	return nil
}

// pageFigures finds every chart on a page with the table in the same
// <figure>.
func pageFigures(t *testing.T, page []byte) []figure {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var figs []figure
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "figure" {
			figs = append(figs, readFigure(t, n))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return figs
}

func readFigure(t *testing.T, n *html.Node) figure {
	t.Helper()
	var fig figure
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "div" && attr(n, "data-chart") != "":
				fig.id = attr(n, "id")
				d, err := strconv.Atoi(attr(n, "data-decimals"))
				if err != nil {
					t.Fatalf("chart %s: data-decimals %q", fig.id, attr(n, "data-decimals"))
				}
				fig.decimals = d
			case n.Data == "script" && attr(n, "type") == "application/json":
				if err := json.Unmarshal([]byte(text(n)), &fig.option); err != nil {
					t.Fatalf("chart options %s: %v", attr(n, "id"), err)
				}
			case n.Data == "tr":
				var row []string
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
						row = append(row, strings.TrimSpace(plain(text(c))))
					}
				}
				fig.table = append(fig.table, row)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if fig.id == "" {
		t.Fatal("a figure without a chart")
	}
	return fig
}

// missing lists every drawn value that is not in the table. A line chart
// over years has a row per year and a column per series, in the chart's
// order; a bar chart over categories has a row per series, headed by its
// name, and a column per category.
func (fig figure) missing() []string {
	if len(fig.table) == 0 {
		return []string{"no table"}
	}
	if len(fig.option.XAxis) != 1 {
		return []string{fmt.Sprintf("%d x axes", len(fig.option.XAxis))}
	}
	byYear := fig.option.XAxis[0].Type == "value"
	var out []string
	for i, s := range fig.option.Series {
		if !byYear && (i+1 >= len(fig.table) || fig.table[i+1][0] != s.Name) {
			out = append(out, fmt.Sprintf("series %q has no row of its own", s.Name))
			continue
		}
		if byYear && i+1 >= len(fig.table[0]) {
			out = append(out, fmt.Sprintf("series %q has no column of its own", s.Name))
			continue
		}
		for j, d := range s.Data {
			if string(d.Value) == `"-"` {
				continue // a gap in the bars, drawn as nothing
			}
			x, y, ok := fig.point(j, d.Value)
			if !ok {
				out = append(out, fmt.Sprintf("%s: value %d, %s, is not a number the test can read", s.Name, j, d.Value))
				continue
			}
			want := swedish.Number(y, fig.decimals)
			got, found := fig.cell(byYear, i, x)
			if got != want {
				out = append(out, fmt.Sprintf("%s %s: the chart draws %s, the table has %q (row found: %v)", s.Name, x, want, got, found))
			}
		}
	}
	return out
}

// values is the number of values the chart draws.
func (fig figure) values() int {
	n := 0
	for _, s := range fig.option.Series {
		n += len(s.Data)
	}
	return n
}

// point is the x (as the table heads it) and the y of a series' j-th value:
// [year, y] on a line chart, y under the j-th category on a bar chart.
func (fig figure) point(j int, raw json.RawMessage) (string, float64, bool) {
	var pair []float64
	if json.Unmarshal(raw, &pair) == nil && len(pair) == 2 {
		return strconv.Itoa(int(pair[0])), pair[1], true
	}
	var y float64
	if json.Unmarshal(raw, &y) != nil || j >= len(fig.option.XAxis[0].Data) {
		return "", 0, false
	}
	return fig.option.XAxis[0].Data[j], y, true
}

// cell is the table's value of series i at x.
func (fig figure) cell(byYear bool, i int, x string) (string, bool) {
	if byYear {
		for _, row := range fig.table[1:] {
			if row[0] == x && i+1 < len(row) {
				return row[i+1], true
			}
		}
		return "", false
	}
	for col, h := range fig.table[0] {
		if h == x && col < len(fig.table[i+1]) {
			return fig.table[i+1][col], true
		}
	}
	return "", false
}
