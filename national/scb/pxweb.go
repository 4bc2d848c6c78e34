package scb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// PopulationContent is the content code of the population (folkmängd, 31
// December) in SCB's table BE0101 "Folkmängden efter region, civilstånd,
// ålder och kön. År 1968 –" (TAB638 in SCB's PxWebApi 2.0).
const PopulationContent = "BE0101N1"

// MaxPxWebBytes caps a JSON-stat2 answer ParsePxWebPopulation reads, and
// MaxPxWebCells the cells it holds: every region and year of TAB638 is
// some 18 000 cells and 1 MB.
const (
	MaxPxWebBytes = 64 << 20
	MaxPxWebCells = 2_000_000
)

// PopulationQuery is the body of a POST to PxWebApi 2.0's
// /tables/{id}/data: every region (Sweden, counties, municipalities) and
// every year of the population; the other variables (civil status, age,
// sex) are left out, which PxWeb answers with their totals.
func PopulationQuery() []byte {
	type selection struct {
		VariableCode string   `json:"variableCode"`
		ValueCodes   []string `json:"valueCodes"`
	}
	b, _ := json.Marshal(struct {
		Selection []selection `json:"selection"`
	}{[]selection{
		{"Region", []string{"*"}},
		{"ContentsCode", []string{PopulationContent}},
		{"Tid", []string{"*"}},
	}})
	return b
}

// PxWebMeta describes a parsed JSON-stat2 answer.
type PxWebMeta struct {
	Label   string `json:"label"`   // the table's title
	Updated string `json:"updated"` // when SCB last updated it
	Content string `json:"content"` // the content read ("Folkmängd")
	Years   []int  `json:"years"`   // the years with a figure, ascending
	Rows    int    `json:"rows"`    // figures emitted
}

// jsonStat is the part of a JSON-stat 2.0 dataset read here. There is no
// JSON-stat library for Go among the well-kept ones, so the format is read
// with encoding/json into these types; the answer is bounded by
// MaxPxWebBytes and MaxPxWebCells before anything is allocated for cells.
type jsonStat struct {
	Class     string                 `json:"class"`
	Label     string                 `json:"label"`
	Updated   string                 `json:"updated"`
	ID        []string               `json:"id"`
	Size      []int                  `json:"size"`
	Role      map[string][]string    `json:"role"`
	Dimension map[string]jsonStatDim `json:"dimension"`
	Value     json.RawMessage        `json:"value"`
}

type jsonStatDim struct {
	Label    string `json:"label"`
	Category struct {
		// Index is an array of codes in order, or an object from code to
		// position; absent for a single category.
		Index json.RawMessage   `json:"index"`
		Label map[string]string `json:"label"`
	} `json:"category"`
}

// codes returns the dimension's category codes by position.
func (d jsonStatDim) codes(size int) ([]string, error) {
	idx := bytes.TrimSpace(d.Category.Index)
	switch {
	case len(idx) == 0 || string(idx) == "null":
		if len(d.Category.Label) != 1 || size != 1 {
			return nil, errors.New("a dimension without an index has more than one category")
		}
		for code := range d.Category.Label {
			return []string{code}, nil
		}
	case idx[0] == '[':
		var codes []string
		if err := json.Unmarshal(idx, &codes); err != nil {
			return nil, err
		}
		if len(codes) != size {
			return nil, fmt.Errorf("%d codes for size %d", len(codes), size)
		}
		return codes, nil
	}
	var byCode map[string]int
	if err := json.Unmarshal(idx, &byCode); err != nil {
		return nil, err
	}
	codes := make([]string, size)
	for code, i := range byCode {
		if i < 0 || i >= size || codes[i] != "" {
			return nil, fmt.Errorf("index %d of %q is out of place", i, code)
		}
		codes[i] = code
	}
	if len(byCode) != size {
		return nil, fmt.Errorf("%d codes for size %d", len(byCode), size)
	}
	return codes, nil
}

// ParsePxWebPopulation reads SCB's answer in JSON-stat2 (PxWebApi 2.0,
// outputFormat=json-stat2) to PopulationQuery and calls emit with the
// population of Sweden (area code "00"), each county (2 digits) and each
// municipality (4 digits) for every year that has a figure. The region,
// time and content dimensions are found by their roles (geo, time,
// metric) or else by SCB's names (Region, Tid, ContentsCode); any other
// dimension must have one category (a total). Of several contents the
// population (PopulationContent, or one labelled "Folkmängd") is read.
// Cells without a figure (null: SCB's ".." for a municipality before it
// existed) and regions of other kinds are skipped. Errors are
// *klimatrapport.Error of kind Invalid (TooLarge over the caps).
func ParsePxWebPopulation(r io.Reader, emit func(klimatrapport.Population) error) (PxWebMeta, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxPxWebBytes+1))
	if err != nil {
		return PxWebMeta{}, pxInvalid("svaret kunde inte läsas: %v", err)
	}
	if len(body) > MaxPxWebBytes {
		return PxWebMeta{}, klimatrapport.E(klimatrapport.TooLarge, "SCB:s svar är större än %d MB och lästes inte in.", MaxPxWebBytes>>20)
	}
	var ds jsonStat
	if err := json.Unmarshal(body, &ds); err != nil {
		return PxWebMeta{}, pxInvalid("svaret är inte JSON-stat2 (%v)", err)
	}
	cube, err := newPxCube(ds)
	if err != nil {
		return PxWebMeta{}, err
	}
	meta := PxWebMeta{Label: ds.Label, Updated: ds.Updated, Content: cube.content}
	err = cube.each(func(region, year string, v float64) error {
		code, ok := pxRegion(region)
		y := sheet.ParseYear(year)
		if !ok || y == 0 {
			return nil
		}
		if v < 0 || v != math.Trunc(v) || v > 1e12 {
			return pxInvalid("folkmängden %v för %s år %s är inte ett heltal", v, region, year)
		}
		if !slices.Contains(meta.Years, y) {
			meta.Years = append(meta.Years, y)
		}
		meta.Rows++
		return emit(klimatrapport.Population{AreaCode: code, Year: y, Persons: int64(v)})
	})
	slices.Sort(meta.Years)
	if err == nil && meta.Rows == 0 {
		err = pxInvalid("svaret har ingen folkmängd för riket, ett län eller en kommun")
	}
	return meta, err
}

func pxInvalid(format string, a ...any) error {
	return klimatrapport.E(klimatrapport.Invalid, "SCB:s svar kunde inte läsas: %s.", fmt.Sprintf(format, a...))
}

// pxRegion returns the area code of a PxWeb region code: "00" Sweden, two
// digits a county, four a municipality.
func pxRegion(code string) (string, bool) {
	if !sheet.IsDigits(code) || (len(code) != 2 && len(code) != 4) {
		return "", false
	}
	return code, true
}

// pxCube is a dataset's cells addressed by region, year and the content.
type pxCube struct {
	regions, years []string
	rStride, yStride,
	offset int // the content's cell, with every other dimension at 0
	content string
	values  []*float64
}

func newPxCube(ds jsonStat) (*pxCube, error) {
	if ds.Class != "" && ds.Class != "dataset" {
		return nil, pxInvalid("klassen är %q, inte dataset", ds.Class)
	}
	if len(ds.ID) == 0 || len(ds.ID) != len(ds.Size) {
		return nil, pxInvalid("id och size stämmer inte överens")
	}
	cells := 1
	for _, n := range ds.Size {
		if n <= 0 || cells > MaxPxWebCells/n {
			return nil, klimatrapport.E(klimatrapport.TooLarge, "SCB:s svar har fler än %d celler och lästes inte in.", MaxPxWebCells)
		}
		cells *= n
	}
	geo, tid, metric := pxRole(ds, "geo", "Region"), pxRole(ds, "time", "Tid"), pxRole(ds, "metric", "ContentsCode")
	c := &pxCube{}
	stride := 1
	for i := len(ds.ID) - 1; i >= 0; i-- {
		id, n := ds.ID[i], ds.Size[i]
		dim, ok := ds.Dimension[id]
		if !ok {
			return nil, pxInvalid("dimensionen %q beskrivs inte", id)
		}
		codes, err := dim.codes(n)
		if err != nil {
			return nil, pxInvalid("dimensionen %q: %v", id, err)
		}
		switch id {
		case geo:
			c.regions, c.rStride = codes, stride
		case tid:
			c.years, c.yStride = codes, stride
		case metric:
			at, label, err := pxContent(dim, codes)
			if err != nil {
				return nil, err
			}
			c.offset += at * stride
			c.content = label
		default:
			if n != 1 {
				return nil, pxInvalid("dimensionen %q har %d värden; frågan ska bara ge dess summa", id, n)
			}
		}
		stride *= n
	}
	if c.regions == nil || c.years == nil {
		return nil, pxInvalid("svaret saknar region eller år")
	}
	values, err := pxValues(ds.Value, cells)
	if err != nil {
		return nil, err
	}
	c.values = values
	return c, nil
}

// pxRole is the dimension with role, or the one named fallback.
func pxRole(ds jsonStat, role, fallback string) string {
	if ids := ds.Role[role]; len(ids) == 1 {
		return ids[0]
	}
	return fallback
}

// pxContent is the position and label of the population among contents.
func pxContent(dim jsonStatDim, codes []string) (int, string, error) {
	for i, code := range codes {
		label := dim.Category.Label[code]
		if len(codes) == 1 || code == PopulationContent || strings.HasPrefix(strings.ToLower(label), "folkmängd") {
			return i, label, nil
		}
	}
	return 0, "", pxInvalid("svaret har ingen folkmängd (%s) bland sina innehåll %s", PopulationContent, strings.Join(codes, ", "))
}

// pxValues reads the cells: an array (null where there is no figure) or
// an object from cell position to figure.
func pxValues(raw json.RawMessage, cells int) ([]*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var values []*float64
		if err := json.Unmarshal(raw, &values); err != nil {
			return nil, pxInvalid("värdena: %v", err)
		}
		if len(values) != cells {
			return nil, pxInvalid("%d värden, men dimensionerna ger %d celler", len(values), cells)
		}
		return values, nil
	}
	var sparse map[string]*float64
	if err := json.Unmarshal(raw, &sparse); err != nil {
		return nil, pxInvalid("värdena: %v", err)
	}
	values := make([]*float64, cells)
	for k, v := range sparse {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= cells {
			return nil, pxInvalid("värdet på plats %q finns inte bland %d celler", k, cells)
		}
		values[i] = v
	}
	return values, nil
}

// each calls f with every region's figure of every year, in region order.
func (c *pxCube) each(f func(region, year string, v float64) error) error {
	for ri, region := range c.regions {
		for yi, year := range c.years {
			if v := c.values[c.offset+ri*c.rStride+yi*c.yStride]; v != nil {
				if err := f(region, year, *v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
