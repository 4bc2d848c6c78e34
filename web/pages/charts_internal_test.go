package pages

import (
	"testing"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/klimatkommunerna/klimatrapport/analytics"
)

// TestAddLineSeriesIsAddSeries: a line chart built with addLineSeries has
// the options go-echarts' own AddSeries gives it (should a newer go-echarts
// give series defaults, this fails).
func TestAddLineSeriesIsAddSeries(t *testing.T) {
	series := []lineSeries{
		{Name: "Lund", Points: analytics.Series{{Year: 1990, Tonnes: 1.5}, {Year: 2020, Tonnes: 2}}, Colour: "#000000"},
		{Name: "</script>", Points: analytics.Series{{Year: 2005, Tonnes: 3}}, Colour: "#E69F00", Dash: "dashed", Symbol: "none"},
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
	want, err := encodeOption(line.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("options differ:\n got %s\nwant %s", got, want)
	}
}
