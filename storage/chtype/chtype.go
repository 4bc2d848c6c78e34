// Package chtype owns the reading of ClickHouse column type names, as
// system.columns shows them ("Nullable(Float64)", "Enum8('a' = 1)"). It is
// the one parser of type names: the embedded engine encodes inserts by it
// (RowBinary) and backup reads and writes columns by it. Each user decides
// which of the parsed types it supports.
package chtype

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the family of a column type.
type Kind int

// Kinds of column type.
const (
	String   Kind = iota // String, or FixedString(N) with Size N
	UUID                 // UUID
	Enum                 // Enum8 or Enum16 (Bits 8 or 16), with Values
	Int                  // Int8…Int64 (Bits)
	Uint                 // UInt8…UInt64 (Bits)
	Float                // Float32, Float64 (Bits)
	Date                 // Date
	DateTime             // DateTime, or DateTime('zone') with Zone
	Nullable             // Nullable(Elem)
	Array                // Array(Elem)
)

// Type is a parsed column type.
type Type struct {
	Text   string // as given
	Kind   Kind
	Bits   int              // Int, Uint, Float, Enum
	Size   int              // FixedString(N): N; 0 for String
	Values map[string]int64 // Enum: each name's number
	Zone   string           // DateTime: the time zone named, "" for none
	Elem   *Type            // Nullable, Array
}

// maxDepth bounds how deeply Nullable and Array may nest.
const maxDepth = 4

var (
	intRe      = regexp.MustCompile(`^(U?)Int(8|16|32|64)$`)
	fixedRe    = regexp.MustCompile(`^FixedString\((\d+)\)$`)
	enumRe     = regexp.MustCompile(`^Enum(8|16)\((.*)\)$`)
	enumPairRe = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)`)
	zoneRe     = regexp.MustCompile(`^DateTime\('([^'\\]*)'\)$`)
)

// Parse reads a column type name. Types outside the kinds above (Decimal,
// LowCardinality, Map, …) are an error.
func Parse(s string) (*Type, error) {
	return parse(strings.TrimSpace(s), 0)
}

func parse(s string, depth int) (*Type, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("chtype: %s is nested too deep", s)
	}
	for _, w := range []struct {
		name string
		kind Kind
	}{{"Nullable", Nullable}, {"Array", Array}} {
		if inner, ok := wrapped(s, w.name); ok {
			e, err := parse(inner, depth+1)
			if err != nil {
				return nil, err
			}
			return &Type{Text: s, Kind: w.kind, Elem: e}, nil
		}
	}
	if t, ok := scalars[s]; ok {
		t.Text = s
		return &t, nil
	}
	if m := intRe.FindStringSubmatch(s); m != nil {
		bits, _ := strconv.Atoi(m[2])
		if m[1] == "U" {
			return &Type{Text: s, Kind: Uint, Bits: bits}, nil
		}
		return &Type{Text: s, Kind: Int, Bits: bits}, nil
	}
	if m := fixedRe.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("chtype: bad column type %s", s)
		}
		return &Type{Text: s, Kind: String, Size: n}, nil
	}
	if m := zoneRe.FindStringSubmatch(s); m != nil {
		return &Type{Text: s, Kind: DateTime, Zone: m[1]}, nil
	}
	if m := enumRe.FindStringSubmatch(s); m != nil {
		return parseEnum(s, m[1], m[2])
	}
	return nil, fmt.Errorf("chtype: unsupported column type %s", s)
}

// scalars are the types named by one word.
var scalars = map[string]Type{
	"String":   {Kind: String},
	"UUID":     {Kind: UUID},
	"Float32":  {Kind: Float, Bits: 32},
	"Float64":  {Kind: Float, Bits: 64},
	"Date":     {Kind: Date},
	"DateTime": {Kind: DateTime},
}

// parseEnum reads the names and numbers of Enum8 or Enum16.
func parseEnum(s, bits, body string) (*Type, error) {
	t := &Type{Text: s, Kind: Enum, Bits: 8, Values: map[string]int64{}}
	if bits == "16" {
		t.Bits = 16
	}
	for _, m := range enumPairRe.FindAllStringSubmatch(body, -1) {
		n, err := strconv.ParseInt(m[2], 10, t.Bits)
		if err != nil {
			return nil, fmt.Errorf("chtype: %s: %w", s, err)
		}
		t.Values[strings.ReplaceAll(m[1], `\'`, `'`)] = n
	}
	if len(t.Values) == 0 {
		return nil, fmt.Errorf("chtype: %s has no values", s)
	}
	return t, nil
}

// wrapped reports whether s is name(inner).
func wrapped(s, name string) (string, bool) {
	if strings.HasPrefix(s, name+"(") && strings.HasSuffix(s, ")") {
		return s[len(name)+1 : len(s)-1], true
	}
	return "", false
}
