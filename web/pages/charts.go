package pages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"

	"github.com/klimatkommunerna/klimatrapport/analytics"
	"github.com/klimatkommunerna/klimatrapport/web/site"
)

// Charts are built with go-echarts, but never rendered by it: its templates
// put the options into a <script> as JSON with HTML escaping turned off
// (JSONNotEscaped, passed through safeJS), so a municipality or goal named
// "</script><script>…" would end the script and run code. Instead the
// options are encoded with encoding/json, which escapes <, > and & (and
// U+2028/2029), and placed in a <script type="application/json"> block
// that static/charts.js parses with JSON.parse: the names are data, never
// markup or code, and the page needs no inline script (a strict CSP).

// Okabe–Ito, a palette that colour-blind readers can tell apart; black and
// grey complete it to nine for the sectors.
var (
	okabeIto = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"}

	colourMeasured  = "#0072B2" // blue: SMHI's measured values and their estimates
	colourCarbonLaw = "#009E73" // bluish green: the Carbon Law path
	colourReported  = "#D55E00" // vermillion: the member's own figures
	colourGoal      = "#CC79A7" // reddish purple: goal paths
	colourSweden    = "#000000"
	colourMembers   = "#E69F00"
	colourCounty    = "#56B4E9"
)

// Chart is a chart on a page: its options as escaped JSON and the table
// with the same numbers that follows it.
type Chart struct {
	ID       string
	Caption  string // shown as the figure's caption
	Label    string // accessible name of the drawing; says the table has the numbers
	Unit     string
	Decimals int
	Option   template.JS // JSON, HTML-escaped: safe inside <script type="application/json">
	Assets   []string    // the ECharts files the chart needs, under site.AssetsPath
	Table    site.Table
}

// lineSeries is one line of a line chart.
type lineSeries struct {
	Name     string
	Short    string // table heading; Name when empty
	Points   analytics.Series
	Colour   string
	Dash     string // "solid", "dashed" or "dotted"
	Symbol   string // "circle", "emptyCircle", "triangle", "none", …
	Estimate bool   // drawn dashed or dotted, labelled as an estimate
}

// encodeOption turns a go-echarts chart's options into HTML-safe JSON.
func encodeOption(obj map[string]any) (template.JS, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true) // the default; stated because it is the point
	if err := enc.Encode(obj); err != nil {
		return "", err
	}
	return template.JS(bytes.TrimSpace(b.Bytes())), nil
}

func commonOpts(id string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, AssetsHost: site.AssetsPath, Width: "100%", Height: "360px"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "24", Top: "36", Bottom: "48", ContainLabel: opts.Bool(true)}),
		// Decal patterns tell stacked bars apart without colour; the
		// accessible name is the page's own Swedish one, not ECharts'.
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true), Label: &opts.AriaLabel{Enabled: opts.Bool(false)},
			Decal: &opts.AriaDecal{Show: opts.Bool(true)}}),
	}
}

// newLineChart builds a line chart over years (a value axis, so sparse years
// keep their spacing).
func newLineChart(id, yName string, series []lineSeries) (*charts.Line, int, int) {
	minYear, maxYear := 0, 0
	for _, s := range series {
		for _, p := range s.Points {
			if minYear == 0 || p.Year < minYear {
				minYear = p.Year
			}
			if p.Year > maxYear {
				maxYear = p.Year
			}
		}
	}
	line := charts.NewLine()
	line.SetGlobalOptions(commonOpts(id)...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: minYear, Max: maxYear, MinInterval: 1}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName}),
	)
	colours := make([]string, len(series))
	line.MultiSeries = make(charts.MultiSeries, 0, len(series)) // a series is some 4 kB: not copied as the slice grows
	for i, s := range series {
		colours[i] = s.Colour
		dash, symbol := s.Dash, s.Symbol
		if dash == "" {
			dash = "solid"
		}
		if symbol == "" {
			symbol = "circle"
		}
		addLineSeries(line, s.Name, pointsJSON(s.Points),
			charts.WithLineStyleOpts(opts.LineStyle{Color: s.Colour, Width: 2.5, Type: dash}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Colour}),
			charts.WithLineChartOpts(opts.LineChart{Symbol: symbol, SymbolSize: 7, ShowSymbol: opts.Bool(true)}),
		)
	}
	line.SetGlobalOptions(charts.WithColorsOpts(colours))
	return line, minYear, maxYear
}

// addLineSeries is Line.AddSeries without its walk, by reflection, of
// every field of the series for `default:` tags, which SingleSeries has
// none of (Bar.AddSeries does not walk at all): the walk was the largest
// part of building a comparison's 36 series. Its data is the series'
// points already as JSON (pointsJSON). TestAddLineSeriesIsAddSeries checks
// that the options mean the same as AddSeries'.
func addLineSeries(line *charts.Line, name string, data json.RawMessage, options ...charts.SeriesOpts) {
	series := charts.SingleSeries{Name: name, Type: types.ChartLine, Data: data, Animation: line.Animation}
	series.ConfigureSeriesOpts(options...)
	line.MultiSeries = append(line.MultiSeries, series)
}

// pointsJSON is a series' points as ECharts' data, [[year,value],…], with
// the numbers as encoding/json writes them. Written directly rather than
// as opts.LineData values for encoding/json to walk by reflection: that
// walk was most of the cost of a comparison's options (36 series of some
// 35 points). A value that is not a number (none should be) is null, a gap
// in the line.
func pointsJSON(points analytics.Series) json.RawMessage {
	b := make([]byte, 0, 2+len(points)*16)
	b = append(b, '[')
	for i, p := range points {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(p.Year), 10)
		b = append(b, ',')
		b = appendJSONNumber(b, p.Tonnes)
		b = append(b, ']')
	}
	return append(b, ']')
}

// appendJSONNumber appends f as encoding/json encodes a float64 (the
// shortest form that reads back the same; exponents for the very small
// and the very large), or null when f is not a number.
func appendJSONNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2], b = b[n-1], b[:n-1] // e-07 as e-7, as encoding/json writes it
	}
	return b
}

// lineChart returns a line chart's options and assets.
func lineChart(id, yName string, series []lineSeries) (template.JS, []string, error) {
	line, _, _ := newLineChart(id, yName, series)
	line.Validate()
	opt, err := encodeOption(line.JSON())
	return opt, line.JSAssets.Values, err
}

// stackedBars returns the options of bars per year stacked by sector.
func stackedBars(id, yName string, years []int, sectors []string, value func(sector string, year int) (float64, bool)) (template.JS, []string, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(commonOpts(id)...)
	labels := make([]string, len(years))
	for i, y := range years {
		labels[i] = strconv.Itoa(y)
	}
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName}),
		charts.WithColorsOpts(okabeIto),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	)
	bar.SetXAxis(labels)
	for _, s := range sectors {
		data := make([]opts.BarData, len(years))
		for i, y := range years {
			if v, ok := value(s, y); ok {
				data[i] = opts.BarData{Value: v}
			} else {
				data[i] = opts.BarData{Value: "-"}
			}
		}
		bar.AddSeries(s, data, charts.WithBarChartOpts(opts.BarChart{Stack: "sektorer"}))
	}
	bar.Validate()
	opt, err := encodeOption(bar.JSON())
	return opt, bar.JSAssets.Values, err
}

// bars returns the options of one series of bars over categories; a
// missing value is a gap.
func bars(id, yName, series string, categories []string, values []*float64) (template.JS, []string, error) {
	bar := charts.NewBar()
	bar.SetGlobalOptions(commonOpts(id)...)
	bar.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Rotate: 45, Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName}),
		charts.WithColorsOpts(okabeIto),
	)
	bar.SetXAxis(categories)
	data := make([]opts.BarData, len(values))
	for i, v := range values {
		data[i] = opts.BarData{Value: "-"}
		if v != nil && !math.IsNaN(*v) {
			data[i] = opts.BarData{Value: *v}
		}
	}
	bar.AddSeries(series, data)
	bar.Validate()
	opt, err := encodeOption(bar.JSON())
	return opt, bar.JSAssets.Values, err
}

// yearsOf are the years of the series' points, in order, each once.
func yearsOf(series ...analytics.Series) []int {
	var ys []int
	for _, s := range series {
		for _, p := range s {
			ys = append(ys, p.Year)
		}
	}
	slices.Sort(ys)
	return slices.Compact(ys)
}

// seriesTable is the table of several series by year: one row per year, one
// column per series; estimates are marked.
func seriesTable(id, caption, yearLabel string, series []lineSeries, decimals int) site.Table {
	t := site.Table{ID: id, Caption: caption, Head: []site.Cell{textCell(yearLabel)}}
	var points []analytics.Series
	for _, s := range series {
		name := s.Short
		if name == "" {
			name = s.Name
		}
		h := site.Cell{Text: name, Num: true, Estimate: s.Estimate}
		t.Head = append(t.Head, h)
		points = append(points, s.Points)
	}
	for _, y := range yearsOf(points...) {
		row := []site.Cell{textCell(strconv.Itoa(y))}
		for _, s := range series {
			if v, ok := s.Points.Value(y); ok {
				c := numCell(v, decimals)
				c.Estimate = s.Estimate
				row = append(row, c)
			} else {
				row = append(row, site.Cell{Text: "", Num: true})
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// newLineFigure assembles a line chart and its table.
func newLineFigure(id, caption, unit string, decimals int, series []lineSeries) (Chart, error) {
	opt, assets, err := lineChart(id, unit, series)
	if err != nil {
		return Chart{}, fmt.Errorf("chart %s: %w", id, err)
	}
	return Chart{ID: id, Caption: caption, Unit: unit, Decimals: decimals, Option: opt, Assets: assets,
		Label: "Diagram: " + caption + ". Samma siffror finns i tabellen under diagrammet.",
		Table: seriesTable(id+"-tabell", "Siffrorna i diagrammet: "+caption+" ("+unit+")", "År", series, decimals),
	}, nil
}
