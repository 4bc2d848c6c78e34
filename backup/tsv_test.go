package backup

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var allTypes = []Column{
	{"s", "String"}, {"fs", "FixedString(3)"}, {"u", "UUID"}, {"e", "Enum8('a' = 1, 'b' = 2)"},
	{"i8", "Int8"}, {"i64", "Int64"}, {"u16", "UInt16"}, {"u64", "UInt64"}, {"f32", "Float32"}, {"f64", "Float64"},
	{"d", "Date"}, {"dt", "DateTime('UTC')"}, {"ns", "Nullable(String)"}, {"nd", "Nullable(Date)"},
	{"nf", "Nullable(Float64)"}, {"as", "Array(String)"}, {"ai", "Array(UInt16)"}, {"ad", "Array(Date)"},
}

// TestLines: every test value survives line → row → line, and the line
// has no raw tab or newline inside a value.
func TestLines(t *testing.T) {
	tb, err := newTable("all_types", allTypes, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	row := reflect.New(tb.rowType).Elem()
	back := reflect.New(tb.rowType).Elem()
	var sum, rev Sum
	var lines []string
	for i := 0; i < 3*len(hostile); i++ {
		for j, ct := range tb.types {
			row.Field(j).Set(value(ct, i+j))
		}
		line, err := tb.appendRow(nil, row)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(line), "\t") != len(allTypes)-1 || strings.Contains(string(line), "\n") {
			t.Fatalf("line %q", line)
		}
		if _, err := tb.parseRow(line, back, nil); err != nil {
			t.Fatalf("parse %q: %v", line, err)
		}
		if !reflect.DeepEqual(row.Interface(), back.Interface()) {
			t.Fatalf("row %d changed:\n%#v\n%#v", i, row.Interface(), back.Interface())
		}
		sum.Add(line)
		lines = append(lines, string(line))
	}
	for i := len(lines) - 1; i >= 0; i-- {
		rev.Add([]byte(lines[i]))
	}
	if sum != rev {
		t.Error("the sum depends on the order of rows")
	}
	var a, b Sum
	for i, l := range lines {
		if i%2 == 0 {
			a.Add([]byte(l))
		} else {
			b.Add([]byte(l))
		}
	}
	if a.Plus(b) != sum || sum.Rows != uint64(len(lines)) {
		t.Error("sums do not add up")
	}
	var dup Sum
	dup.Add([]byte(lines[0]))
	dup.Add([]byte(lines[0]))
	if dup.Hex() == (Sum{}).Hex() {
		t.Error("two equal rows cancel out")
	}
}

func TestParseRefuses(t *testing.T) {
	tb, err := newTable("t", []Column{{"s", "String"}, {"n", "UInt8"}, {"a", "Array(String)"}, {"x", "Nullable(Int8)"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := reflect.New(tb.rowType).Elem()
	if _, err := tb.parseRow([]byte("a\\tb\t7\t['x','y\\'z']\t\\N"), row, nil); err != nil {
		t.Fatalf("a good line: %v", err)
	}
	for _, bad := range []string{
		"a\t7\t[]",                             // too few fields
		"a\t7\t[]\t1\textra",                   // too many
		"a\\x41\t7\t[]\t1",                     // an escape we never write
		"a'b\t7\t[]\t1",                        // an unescaped quote
		"a\t256\t[]\t1",                        // out of range
		"a\t07\t[]\t1",                         // not the canonical spelling
		"a\t7\t['x',]\t1",                      // a dangling comma
		"a\t7\t['x'\t1",                        // an unclosed array
		"a\t7\t[x]\t1",                         // an unquoted string
		"a\t7\t[]\tNULL",                       // NULL is \N
		"a\t7\t[ 'x']\t1",                      // a space
		"a\\\t7\t[]\t1",                        // a backslash before the separator
		"a\t7\t[]\t\\N\t",                      // a trailing tab
		strings.Repeat("x", 3) + "\t-1\t[]\t1", // negative unsigned
	} {
		if _, err := tb.parseRow([]byte(bad), row, nil); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, typ := range []string{"DateTime", "DateTime('Europe/Stockholm')", "Decimal(9, 2)", "LowCardinality(String)", "Array(Nullable(String))", "Nullable(Array(UInt8))", "Map(String, String)"} {
		if _, err := parseType(typ); err == nil {
			t.Errorf("type %s accepted", typ)
		}
	}
}

func TestSplitKey(t *testing.T) {
	got := splitKey("municipality_code, toYYYYMM(d, 'UTC'), id")
	want := []string{"municipality_code", "toYYYYMM(d, 'UTC')", "id"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitKey: %q", got)
	}
	tb, err := newTable("t", []Column{{"a", "String"}, {"b", "Nullable(String)"}, {"c", "UInt8"}}, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tb.key, []int{0}) {
		t.Errorf("key %v: a Nullable column ends the paging key", tb.key)
	}
}

// TestRowSum: verification's sum tells any change of the rows, a float one
// unit in the last place off included, but not a change of their order.
func TestRowSum(t *testing.T) {
	tb, err := newTable("t", []Column{{"k", "String"}, {"x", "Float64"}, {"n", "Nullable(Float64)"}, {"a", "Array(Float64)"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		K string
		X float64
		N *float64
		A []float64
	}
	base := func() []row {
		var rs []row
		for i := 0; i < 200; i++ {
			n := float64(i) * 0.37
			rs = append(rs, row{K: fmt.Sprint("k", i), X: float64(i)*1.01 + 1000, N: &n, A: []float64{float64(i) / 3, -2.5}})
		}
		rs[7].N = nil
		return rs
	}
	digestOf := func(rs []row) Sum {
		rows := reflect.MakeSlice(reflect.SliceOf(tb.rowType), 0, len(rs))
		for _, r := range rs {
			v := reflect.New(tb.rowType).Elem()
			v.Field(0).SetString(r.K)
			v.Field(1).SetFloat(r.X)
			if r.N != nil {
				p := *r.N
				v.Field(2).Set(reflect.ValueOf(&p))
			}
			v.Field(3).Set(reflect.ValueOf(append([]float64(nil), r.A...)))
			rows = reflect.Append(rows, v)
		}
		var d Sum
		if _, err := addRows(&d, tb, rows, nil); err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := digestOf(base())
	reversed := base()
	slices.Reverse(reversed)
	if digestOf(reversed) != want {
		t.Fatal("the same rows in another order do not match")
	}
	for name, change := range map[string]func([]row){
		"a float one ulp off":        func(rs []row) { rs[6].X = math.Nextafter(rs[6].X, math.Inf(1)) },
		"an array float one ulp off": func(rs []row) { rs[9].A[0] = math.Nextafter(rs[9].A[0], math.Inf(-1)) },
		"a float 1e-9 off":           func(rs []row) { rs[5].X *= 1 + 1e-9 },
		"two floats swapped":         func(rs []row) { rs[3].X, rs[4].X = rs[4].X, rs[3].X },
		"array floats swapped":       func(rs []row) { rs[9].A[0], rs[9].A[1] = rs[9].A[1], rs[9].A[0] },
		"a NULL":                     func(rs []row) { rs[8].N = nil },
		"a string":                   func(rs []row) { rs[2].K = "k2 " },
	} {
		rs := base()
		change(rs)
		if digestOf(rs) == want {
			t.Errorf("%s: matched", name)
		}
	}
	if digestOf(base()[1:]) == want {
		t.Error("a missing row matched")
	}
	// Sums add up.
	b := base()
	if digestOf(b[:50]).Plus(digestOf(b[50:])) != want {
		t.Error("sums do not add up")
	}
}
