package pages

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

const hostile = `</script><script>alert(1)</script>`

// TestChartOptionsEscaped: go-echarts' own rendering puts a series name into
// the page's <script> unescaped (JSONNotEscaped through safeJS), which is
// why the pages never use it; the options the pages embed escape <, > and &
// and still carry the name as data.
func TestChartOptionsEscaped(t *testing.T) {
	series := []lineSeries{{Name: hostile, Points: analytics.Series{{Year: 2020, Tonnes: 1}, {Year: 2021, Tonnes: 2}}, Colour: colourMeasured}}
	opt, assets, err := lineChart("x", "ton & <mer>", series)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(opt), "<>&") {
		t.Fatalf("options hold raw <, > or &: %s", opt)
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(opt), &back); err != nil {
		t.Fatal(err)
	}
	if name := back["series"].([]any)[0].(map[string]any)["name"]; name != hostile {
		t.Errorf("the name does not round-trip: %q", name)
	}
	if len(assets) != 1 || assets[0] != "/static/echarts.min.js" {
		t.Errorf("assets %v: ECharts must come from the service itself", assets)
	}

	// What go-echarts would have done with the same name.
	line := charts.NewLine()
	line.SetGlobalOptions(charts.WithInitializationOpts(opts.Initialization{ChartID: "x", AssetsHost: site.AssetsPath}))
	line.AddSeries(hostile, []opts.LineData{{Value: 1}})
	if snippet := line.RenderSnippet(); !strings.Contains(snippet.Script, hostile) {
		t.Log("go-echarts now escapes series names in its own <script>; the JSON block is still the safer way")
	} else {
		t.Log("go-echarts' own renderer emits the name unescaped inside <script>: not used by the pages")
	}

	bar, _, err := stackedBars("y", "ton", []int{2020}, []string{hostile}, func(string, int) (float64, bool) { return 1, true })
	if err != nil || strings.ContainsAny(string(bar), "<>&") || !strings.Contains(string(bar), `\u003c/script\u003e`) {
		t.Errorf("bar options: %v %s", err, bar)
	}
}
