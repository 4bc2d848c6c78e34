package backup

import (
	"fmt"
	"reflect"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage/chtype"
)

// colType is a column type as a backup handles it: chtype's reading,
// limited to the types a backup carries (SupportedTypes).
type colType struct {
	*chtype.Type
	elem *colType // Nullable, Array
}

// SupportedTypes lists the column types a backup carries, for messages.
const SupportedTypes = "String, FixedString(N), UUID, Enum8, Enum16, Int8…Int64, UInt8…UInt64, Float32, Float64, Date, DateTime('UTC'), Nullable(T) and Array(T) of those"

// parseType parses a column type as system.columns shows it.
func parseType(s string) (*colType, error) {
	t, err := chtype.Parse(s)
	if err == nil {
		err = supported(t, false)
	}
	if err != nil {
		return nil, fmt.Errorf("column type %s: %w (supported: %s)", s, err, SupportedTypes)
	}
	return wrap(t), nil
}

// supported checks that a backup carries t: one Nullable or Array at most,
// around a scalar, and DateTime only in UTC (a DateTime in another time
// zone would shift between engines).
func supported(t *chtype.Type, inner bool) error {
	switch t.Kind {
	case chtype.Nullable, chtype.Array:
		if inner {
			return fmt.Errorf("%s inside Nullable or Array is not supported", t.Text)
		}
		return supported(t.Elem, true)
	case chtype.DateTime:
		if t.Zone != "UTC" {
			return fmt.Errorf("only DateTime('UTC') is supported: a DateTime in another time zone would shift between engines")
		}
	}
	return nil
}

func wrap(t *chtype.Type) *colType {
	c := &colType{Type: t}
	if t.Elem != nil {
		c.elem = wrap(t.Elem)
	}
	return c
}

var timeType = reflect.TypeOf(time.Time{})

// goType is the Go type a column is read into and inserted from.
func (t *colType) goType() reflect.Type {
	switch t.Kind {
	case chtype.String, chtype.UUID, chtype.Enum:
		return reflect.TypeOf("")
	case chtype.Int:
		return [...]reflect.Type{8: reflect.TypeOf(int8(0)), 16: reflect.TypeOf(int16(0)), 32: reflect.TypeOf(int32(0)), 64: reflect.TypeOf(int64(0))}[t.Bits]
	case chtype.Uint:
		return [...]reflect.Type{8: reflect.TypeOf(uint8(0)), 16: reflect.TypeOf(uint16(0)), 32: reflect.TypeOf(uint32(0)), 64: reflect.TypeOf(uint64(0))}[t.Bits]
	case chtype.Float:
		if t.Bits == 32 {
			return reflect.TypeOf(float32(0))
		}
		return reflect.TypeOf(float64(0))
	case chtype.Date, chtype.DateTime:
		return timeType
	case chtype.Nullable:
		return reflect.PointerTo(t.elem.goType())
	case chtype.Array:
		return reflect.SliceOf(t.elem.goType())
	}
	panic("backup: unknown kind")
}

// selectExpr is the expression that reads column col into goType on both
// engines exactly: bytes as hex (chDB returns JSON, whose strings cannot
// carry arbitrary bytes), UUIDs and enums as text.
func (t *colType) selectExpr(col string) string {
	switch t.Kind {
	case chtype.String:
		return "hex(" + col + ")"
	case chtype.UUID, chtype.Enum:
		return "toString(" + col + ")"
	case chtype.Nullable:
		return t.elem.selectExpr(col)
	case chtype.Array:
		switch t.elem.Kind {
		case chtype.String:
			return "arrayMap(x -> hex(x), " + col + ")"
		case chtype.UUID, chtype.Enum:
			return "arrayMap(x -> toString(x), " + col + ")"
		}
	}
	return col
}

// fix turns a value as selected into the value as stored: hex decoded,
// times in UTC.
func (t *colType) fix(v reflect.Value) error {
	switch t.Kind {
	case chtype.String:
		b, err := unhex(v.String())
		if err != nil {
			return err
		}
		v.SetString(b)
	case chtype.Date:
		d := v.Interface().(time.Time)
		v.Set(reflect.ValueOf(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)))
	case chtype.DateTime:
		v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
	case chtype.Nullable:
		if !v.IsNil() {
			return t.elem.fix(v.Elem())
		}
	case chtype.Array:
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
	switch t.Kind {
	case chtype.String, chtype.Int, chtype.Uint, chtype.UUID, chtype.Enum, chtype.Date, chtype.DateTime:
		return true
	}
	return false
}

// hasFloat reports whether non-finite floats must be checked for.
func (t *colType) hasFloat() bool {
	return t.Kind == chtype.Float || (t.elem != nil && t.elem.Kind == chtype.Float)
}

// sizeExpr estimates a column's bytes in a row, for page sizes.
func (t *colType) sizeExpr(col string) string {
	switch {
	case t.Kind == chtype.String:
		return "length(" + col + ")"
	case t.Kind == chtype.Nullable && t.elem.Kind == chtype.String:
		return "length(ifNull(" + col + ", ''))"
	case t.Kind == chtype.Array && t.elem.Kind == chtype.String:
		return "length(arrayStringConcat(" + col + "))"
	case t.Kind == chtype.Array:
		return "length(" + col + ") * 8"
	}
	return ""
}

// nonFiniteExpr is true for a row holding NaN or ±Inf in col.
func (t *colType) nonFiniteExpr(col string) string {
	switch t.Kind {
	case chtype.Float:
		return "NOT isFinite(" + col + ")"
	case chtype.Nullable:
		return "NOT isFinite(ifNull(" + col + ", 0))"
	case chtype.Array:
		return "arrayExists(x -> NOT isFinite(x), " + col + ")"
	}
	return ""
}
