package scb

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
)

func parsePx(t *testing.T, body string) ([]klimatrapport.Population, PxWebMeta, error) {
	t.Helper()
	var got []klimatrapport.Population
	meta, err := ParsePxWebPopulation(strings.NewReader(body), func(p klimatrapport.Population) error {
		got = append(got, p)
		return nil
	})
	return got, meta, err
}

func TestPxWebPopulationRoundTrip(t *testing.T) {
	pops := []klimatrapport.Population{
		{AreaCode: "00", Year: 1990, Persons: 8590630}, {AreaCode: "00", Year: 2024, Persons: 10587710},
		{AreaCode: "12", Year: 1990, Persons: 1068587}, {AreaCode: "12", Year: 2024, Persons: 1421781},
		{AreaCode: "1281", Year: 1990, Persons: 98948}, {AreaCode: "1281", Year: 2024, Persons: 129401},
		{AreaCode: "0330", Year: 2024, Persons: 47000}, // Knivsta: none for 1990 (null)
	}
	var b bytes.Buffer
	if err := WritePxWebPopulation(&b, pops); err != nil {
		t.Fatal(err)
	}
	got, meta, err := parsePx(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pops) || meta.Rows != len(pops) || meta.Content != "Folkmängd" || len(meta.Years) != 2 || meta.Years[0] != 1990 {
		t.Fatalf("%+v %+v", got, meta)
	}
	want := map[klimatrapport.Population]bool{}
	for _, p := range pops {
		want[p] = true
	}
	for _, p := range got {
		if !want[p] {
			t.Errorf("unexpected %+v", p)
		}
	}
}

// A sparse answer (values an object), the dimensions in another order, a
// total dimension, an array index, two contents of which one is the
// population, and regions of other kinds, as PxWeb may write them.
const sparsePx = `{"version":"2.0","class":"dataset","label":"t","id":["Tid","Kon","Region","ContentsCode"],"size":[2,1,3,2],
"dimension":{
 "Tid":{"category":{"index":["2023","2024"]}},
 "Kon":{"category":{"label":{"1+2":"totalt"}}},
 "Region":{"category":{"index":{"00":0,"1281":1,"SE1":2}}},
 "ContentsCode":{"category":{"index":{"BE0101N2":0,"BE0101N1":1},"label":{"BE0101N2":"Folkökning","BE0101N1":"Folkmängd"}}}},
"value":{"1":10551707,"3":127376,"5":99,"7":10587710,"9":129401,"8":1}}`

func TestPxWebPopulationSparse(t *testing.T) {
	got, meta, err := parsePx(t, sparsePx)
	if err != nil {
		t.Fatal(err)
	}
	want := []klimatrapport.Population{
		{AreaCode: "00", Year: 2023, Persons: 10551707}, {AreaCode: "00", Year: 2024, Persons: 10587710},
		{AreaCode: "1281", Year: 2023, Persons: 127376}, {AreaCode: "1281", Year: 2024, Persons: 129401},
	}
	if len(got) != len(want) || meta.Rows != 4 {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPxWebPopulationRefused(t *testing.T) {
	var ds map[string]any
	if err := json.Unmarshal([]byte(sparsePx), &ds); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(map[string]any)) string {
		b, _ := json.Marshal(ds)
		var c map[string]any
		json.Unmarshal(b, &c)
		f(c)
		b, _ = json.Marshal(c)
		return string(b)
	}
	for name, c := range map[string]struct {
		body string
		kind klimatrapport.Kind
		word string
	}{
		"not json":       {`{"class":"dataset",`, klimatrapport.Invalid, "JSON-stat2"},
		"truncated":      {sparsePx[:len(sparsePx)/2], klimatrapport.Invalid, "JSON-stat2"},
		"values too few": {edit(func(c map[string]any) { c["value"] = []any{1, 2} }), klimatrapport.Invalid, "celler"},
		"not eliminated": {edit(func(c map[string]any) { c["size"] = []any{2, 2, 3, 2}; c["value"] = map[string]any{} }), klimatrapport.Invalid, "Kon"},
		"no population": {edit(func(c map[string]any) {
			c["dimension"].(map[string]any)["ContentsCode"] = map[string]any{"category": map[string]any{"index": []any{"A", "B"}}}
		}), klimatrapport.Invalid, "ingen folkmängd"},
		"not whole":        {edit(func(c map[string]any) { c["value"] = map[string]any{"1": 1.5} }), klimatrapport.Invalid, "heltal"},
		"negative":         {edit(func(c map[string]any) { c["value"] = map[string]any{"1": -1} }), klimatrapport.Invalid, "heltal"},
		"no rows":          {edit(func(c map[string]any) { c["value"] = map[string]any{} }), klimatrapport.Invalid, "ingen folkmängd"},
		"cell out of cube": {edit(func(c map[string]any) { c["value"] = map[string]any{"12": 1} }), klimatrapport.Invalid, "plats"},
		"too many cells":   {edit(func(c map[string]any) { c["size"] = []any{2000, 1, 2000, 2} }), klimatrapport.TooLarge, "celler"},
	} {
		_, _, err := parsePx(t, c.body)
		if err == nil || klimatrapport.KindOf(err) != c.kind || !strings.Contains(klimatrapport.MessageOf(err), c.word) {
			t.Errorf("%s: %v (kind %v), want %v with %q", name, err, klimatrapport.KindOf(err), c.kind, c.word)
		}
	}
}

func TestPopulationQuery(t *testing.T) {
	want := `{"selection":[{"variableCode":"Region","valueCodes":["*"]},{"variableCode":"ContentsCode","valueCodes":["BE0101N1"]},{"variableCode":"Tid","valueCodes":["*"]}]}`
	if got := string(PopulationQuery()); got != want {
		t.Errorf("%s", got)
	}
}
