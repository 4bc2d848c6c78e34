package pages

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// TestAddLineSeriesIsAddSeries: a line chart built with addLineSeries has
// the options go-echarts' own AddSeries gives it (should a newer go-echarts
// give series defaults, this fails), but for the form of its data items:
// [year,value] rather than {"value":[year,value]}, which ECharts reads
// alike. The numbers are written as encoding/json writes them, the very
// small and very large included.
func TestAddLineSeriesIsAddSeries(t *testing.T) {
	series := []lineSeries{
		{Name: "Lund", Points: analytics.Series{{Year: 1990, Tonnes: 1.5}, {Year: 2020, Tonnes: 2}}, Colour: "#000000"},
		{Name: "</script>", Points: analytics.Series{{Year: 2005, Tonnes: 3}, {Year: 2006, Tonnes: -0.1234567891234}, {Year: 2007, Tonnes: 1.5e-9}, {Year: 2008, Tonnes: 2e22}, {Year: 2009, Tonnes: 0}},
			Colour: "#E69F00", Dash: "dashed", Symbol: "none"},
	}
	got, _, err := lineChart("a", "ton", series)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := newLineChart("a", "ton", nil)
	line.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 1990, Max: 2020, MinInterval: 1}))
	for _, s := range series {
		data := make([]opts.LineData, len(s.Points))
		for j, p := range s.Points {
			data[j] = opts.LineData{Value: []float64{float64(p.Year), p.Tonnes}}
		}
		dash, symbol := s.Dash, s.Symbol
		if dash == "" {
			dash = "solid"
		}
		if symbol == "" {
			symbol = "circle"
		}
		line.AddSeries(s.Name, data,
			charts.WithLineStyleOpts(opts.LineStyle{Color: s.Colour, Width: 2.5, Type: dash}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Colour}),
			charts.WithLineChartOpts(opts.LineChart{Symbol: symbol, SymbolSize: 7, ShowSymbol: opts.Bool(true)}))
	}
	line.SetGlobalOptions(charts.WithColorsOpts([]string{"#000000", "#E69F00"}))
	line.Validate()
	wantItems, err := encodeOption(line.JSON())
	if err != nil {
		t.Fatal(err)
	}
	// Compared after one decoding each that keeps numbers as written.
	want := itemsAsValues(t, string(wantItems))
	gotBytes, _ := json.Marshal(decodeNumbers(t, string(got)))
	if string(gotBytes) != want {
		t.Errorf("options differ:\n got %s\nwant %s", gotBytes, want)
	}
}

// itemsAsValues rewrites each series' data items {"value":v} of encoded
// options as v, the form pointsJSON writes.
func itemsAsValues(t *testing.T, options string) string {
	o := decodeNumbers(t, options).(map[string]any)
	for _, s := range o["series"].([]any) {
		data := s.(map[string]any)["data"].([]any)
		for i, item := range data {
			data[i] = item.(map[string]any)["value"]
		}
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodeNumbers decodes JSON keeping each number as written (json.Number).
func decodeNumbers(t *testing.T, s string) any {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
