package backup

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kind is what a column type is, as far as copying it is concerned.
type kind int

const (
	kString   kind = iota // String, FixedString(N): bytes, read with hex()
	kUUID                 // read with toString(), written as text
	kEnum                 // Enum8/Enum16: read with toString(), written by name
	kInt                  // Int8…Int64
	kUint                 // UInt8…UInt64
	kFloat                // Float32, Float64 (finite only)
	kDate                 // Date
	kDateTime             // DateTime('UTC')
	kNullable             // Nullable(T)
	kArray                // Array(T)
)

// colType is a parsed ClickHouse column type.
type colType struct {
	text string
	kind kind
	bits int      // kInt, kUint, kFloat
	elem *colType // kNullable, kArray
}

var (
	intRe   = regexp.MustCompile(`^(U?)Int(8|16|32|64)$`)
	fixedRe = regexp.MustCompile(`^FixedString\(\d+\)$`)
	identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// SupportedTypes lists the column types a backup carries, for messages.
const SupportedTypes = "String, FixedString(N), UUID, Enum8, Enum16, Int8…Int64, UInt8…UInt64, Float32, Float64, Date, DateTime('UTC'), Nullable(T) and Array(T) of those"

// parseType parses a column type as system.columns shows it.
func parseType(s string) (*colType, error) {
	t, err := parseInner(strings.TrimSpace(s), 0)
	if err != nil {
		return nil, fmt.Errorf("column type %s: %w (supported: %s)", s, err, SupportedTypes)
	}
	return t, nil
}

func parseInner(s string, depth int) (*colType, error) {
	if depth > 3 {
		return nil, fmt.Errorf("nested too deep")
	}
	if inner, ok := wrapped(s, "Nullable"); ok {
		e, err := parseInner(inner, depth+1)
		if err != nil {
			return nil, err
		}
		if e.kind == kNullable || e.kind == kArray {
			return nil, fmt.Errorf("Nullable(%s) is not supported", inner)
		}
		return &colType{text: s, kind: kNullable, elem: e}, nil
	}
	if inner, ok := wrapped(s, "Array"); ok {
		e, err := parseInner(inner, depth+1)
		if err != nil {
			return nil, err
		}
		if e.kind == kNullable || e.kind == kArray {
			return nil, fmt.Errorf("Array(%s) is not supported", inner)
		}
		return &colType{text: s, kind: kArray, elem: e}, nil
	}
	switch {
	case s == "String" || fixedRe.MatchString(s):
		return &colType{text: s, kind: kString}, nil
	case s == "UUID":
		return &colType{text: s, kind: kUUID}, nil
	case strings.HasPrefix(s, "Enum8(") || strings.HasPrefix(s, "Enum16("):
		return &colType{text: s, kind: kEnum}, nil
	case s == "Float32":
		return &colType{text: s, kind: kFloat, bits: 32}, nil
	case s == "Float64":
		return &colType{text: s, kind: kFloat, bits: 64}, nil
	case s == "Date":
		return &colType{text: s, kind: kDate}, nil
	case s == "DateTime('UTC')":
		return &colType{text: s, kind: kDateTime}, nil
	case s == "DateTime" || strings.HasPrefix(s, "DateTime("):
		return nil, fmt.Errorf("only DateTime('UTC') is supported: a DateTime in another time zone would shift between engines")
	}
	if m := intRe.FindStringSubmatch(s); m != nil {
		bits, _ := strconv.Atoi(m[2])
		k := kInt
		if m[1] == "U" {
			k = kUint
		}
		return &colType{text: s, kind: k, bits: bits}, nil
	}
	return nil, fmt.Errorf("unsupported")
}

// wrapped reports whether s is name(inner).
func wrapped(s, name string) (string, bool) {
	if strings.HasPrefix(s, name+"(") && strings.HasSuffix(s, ")") {
		return s[len(name)+1 : len(s)-1], true
	}
	return "", false
}

var timeType = reflect.TypeOf(time.Time{})

// goType is the Go type a column is read into and inserted from.
func (t *colType) goType() reflect.Type {
	switch t.kind {
	case kString, kUUID, kEnum:
		return reflect.TypeOf("")
	case kInt:
		return [...]reflect.Type{8: reflect.TypeOf(int8(0)), 16: reflect.TypeOf(int16(0)), 32: reflect.TypeOf(int32(0)), 64: reflect.TypeOf(int64(0))}[t.bits]
	case kUint:
		return [...]reflect.Type{8: reflect.TypeOf(uint8(0)), 16: reflect.TypeOf(uint16(0)), 32: reflect.TypeOf(uint32(0)), 64: reflect.TypeOf(uint64(0))}[t.bits]
	case kFloat:
		if t.bits == 32 {
			return reflect.TypeOf(float32(0))
		}
		return reflect.TypeOf(float64(0))
	case kDate, kDateTime:
		return timeType
	case kNullable:
		return reflect.PointerTo(t.elem.goType())
	case kArray:
		return reflect.SliceOf(t.elem.goType())
	}
	panic("backup: unknown kind")
}

// selectExpr is the expression that reads column col into goType on both
// engines exactly: bytes as hex (chDB returns JSON, whose strings cannot
// carry arbitrary bytes), UUIDs and enums as text.
func (t *colType) selectExpr(col string) string {
	switch t.kind {
	case kString:
		return "hex(" + col + ")"
	case kUUID, kEnum:
		return "toString(" + col + ")"
	case kNullable:
		return t.elem.selectExpr(col)
	case kArray:
		switch t.elem.kind {
		case kString:
			return "arrayMap(x -> hex(x), " + col + ")"
		case kUUID, kEnum:
			return "arrayMap(x -> toString(x), " + col + ")"
		}
	}
	return col
}

// fix turns a value as selected into the value as stored: hex decoded,
// times in UTC.
func (t *colType) fix(v reflect.Value) error {
	switch t.kind {
	case kString:
		b, err := unhex(v.String())
		if err != nil {
			return err
		}
		v.SetString(b)
	case kDate:
		d := v.Interface().(time.Time)
		v.Set(reflect.ValueOf(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)))
	case kDateTime:
		v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
	case kNullable:
		if !v.IsNil() {
			return t.elem.fix(v.Elem())
		}
	case kArray:
		for i := 0; i < v.Len(); i++ {
			if err := t.elem.fix(v.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// unhex decodes hex() output.
func unhex(s string) (string, error) {
	if len(s)%2 != 0 {
		return "", fmt.Errorf("odd hex length %d", len(s))
	}
	b := make([]byte, len(s)/2)
	for i := range b {
		hi, ok1 := hexVal(s[2*i])
		lo, ok2 := hexVal(s[2*i+1])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("bad hex %q", s[2*i:2*i+2])
		}
		b[i] = hi<<4 | lo
	}
	return string(b), nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// keyable reports whether a column can page a table: an ordered scalar.
func (t *colType) keyable() bool {
	switch t.kind {
	case kString, kInt, kUint, kUUID, kEnum, kDate, kDateTime:
		return true
	}
	return false
}

// hasFloat reports whether non-finite floats must be checked for.
func (t *colType) hasFloat() bool {
	return t.kind == kFloat || (t.elem != nil && t.elem.kind == kFloat)
}

// sizeExpr estimates a column's bytes in a row, for page sizes.
func (t *colType) sizeExpr(col string) string {
	switch {
	case t.kind == kString:
		return "length(" + col + ")"
	case t.kind == kNullable && t.elem.kind == kString:
		return "length(ifNull(" + col + ", ''))"
	case t.kind == kArray && t.elem.kind == kString:
		return "length(arrayStringConcat(" + col + "))"
	case t.kind == kArray:
		return "length(" + col + ") * 8"
	}
	return ""
}

// nonFiniteExpr is true for a row holding NaN or ±Inf in col.
func (t *colType) nonFiniteExpr(col string) string {
	switch t.kind {
	case kFloat:
		return "NOT isFinite(" + col + ")"
	case kNullable:
		return "NOT isFinite(ifNull(" + col + ", 0))"
	case kArray:
		return "arrayExists(x -> NOT isFinite(x), " + col + ")"
	}
	return ""
}
