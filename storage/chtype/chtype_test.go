package chtype

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Type{
		"String":                               {Kind: String},
		"FixedString(16)":                      {Kind: String, Size: 16},
		"UUID":                                 {Kind: UUID},
		"UInt16":                               {Kind: Uint, Bits: 16},
		"Int64":                                {Kind: Int, Bits: 64},
		"Float32":                              {Kind: Float, Bits: 32},
		"Date":                                 {Kind: Date},
		"DateTime":                             {Kind: DateTime},
		"DateTime('UTC')":                      {Kind: DateTime, Zone: "UTC"},
		"Enum8('accepted' = 1, 'it\\'s' = -2)": {Kind: Enum, Bits: 8, Values: map[string]int64{"accepted": 1, "it's": -2}},
		"Enum16('a' = 1000)":                   {Kind: Enum, Bits: 16, Values: map[string]int64{"a": 1000}},
	} {
		got, err := Parse(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		want.Text = in
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: got %+v, want %+v", in, *got, want)
		}
	}
	got, err := Parse("Array(Nullable(Float64))")
	if err != nil || got.Kind != Array || got.Elem.Kind != Nullable || got.Elem.Elem.Kind != Float || got.Elem.Elem.Bits != 64 {
		t.Errorf("Array(Nullable(Float64)): %+v, %v", got, err)
	}
	for _, bad := range []string{"Decimal(9, 2)", "LowCardinality(String)", "Map(String, String)", "FixedString(0)",
		"Enum8('a' = 300)", "Enum8()", "Nullable(Decimal(9, 2))", "Array(Array(Array(Array(Array(UInt8)))))", "UInt128"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
