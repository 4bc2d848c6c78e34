package chdb

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Inserts reach libchdb as RowBinary in a temporary file, read with
// INSERT … FROM INFILE: no text parsing (several times faster than
// TabSeparated), and floats arrive bit for bit (libchdb's text parser rounds
// about one value in 100 000 to the neighbouring double).

// encoder appends one value of a column in RowBinary.
type encoder func(buf []byte, v reflect.Value) ([]byte, error)

var enumPairRe = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'\s*=\s*(-?\d+)`)

// encoderFor builds the encoder of a ClickHouse column type.
func encoderFor(colType string) (encoder, error) {
	switch {
	case strings.HasPrefix(colType, "Nullable(") && strings.HasSuffix(colType, ")"):
		inner, err := encoderFor(colType[len("Nullable(") : len(colType)-1])
		if err != nil {
			return nil, err
		}
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					return append(buf, 1), nil
				}
				v = v.Elem()
			}
			return inner(append(buf, 0), v)
		}, nil
	case strings.HasPrefix(colType, "Array(") && strings.HasSuffix(colType, ")"):
		inner, err := encoderFor(colType[len("Array(") : len(colType)-1])
		if err != nil {
			return nil, err
		}
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			if v.Kind() != reflect.Slice {
				return nil, fmt.Errorf("%s needs a slice, got %s", colType, v.Type())
			}
			buf = binary.AppendUvarint(buf, uint64(v.Len()))
			var err error
			for i := 0; i < v.Len() && err == nil; i++ {
				buf, err = inner(buf, v.Index(i))
			}
			return buf, err
		}, nil
	case strings.HasPrefix(colType, "Enum8(") || strings.HasPrefix(colType, "Enum16("):
		values := map[string]int64{}
		for _, m := range enumPairRe.FindAllStringSubmatch(colType, -1) {
			n, _ := strconv.ParseInt(m[2], 10, 16)
			values[strings.ReplaceAll(m[1], `\'`, `'`)] = n
		}
		wide := strings.HasPrefix(colType, "Enum16(")
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			n, ok := values[v.String()]
			if !ok {
				return nil, fmt.Errorf("%q is not a value of %s", v.String(), colType)
			}
			if wide {
				return binary.LittleEndian.AppendUint16(buf, uint16(n)), nil
			}
			return append(buf, byte(int8(n))), nil
		}, nil
	case colType == "String":
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			if v.Kind() == reflect.Slice { // []byte
				b := v.Bytes()
				return append(binary.AppendUvarint(buf, uint64(len(b))), b...), nil
			}
			s := v.String()
			return append(binary.AppendUvarint(buf, uint64(len(s))), s...), nil
		}, nil
	case strings.HasPrefix(colType, "FixedString(") && strings.HasSuffix(colType, ")"):
		n, err := strconv.Atoi(colType[len("FixedString(") : len(colType)-1])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("chdb: bad column type %s", colType)
		}
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			var b []byte
			if v.Kind() == reflect.Slice {
				b = v.Bytes()
			} else {
				b = []byte(v.String())
			}
			if len(b) > n {
				return nil, fmt.Errorf("%d bytes do not fit %s", len(b), colType)
			}
			buf = append(buf, b...)
			return append(buf, make([]byte, n-len(b))...), nil // zero-padded, as ClickHouse pads
		}, nil
	case colType == "UUID":
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			u, err := uuid.Parse(v.String())
			if err != nil {
				return nil, err
			}
			// Two little-endian 64-bit halves, high half first.
			for i := 7; i >= 0; i-- {
				buf = append(buf, u[i])
			}
			for i := 15; i >= 8; i-- {
				buf = append(buf, u[i])
			}
			return buf, nil
		}, nil
	case colType == "Date":
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			t := v.Interface().(time.Time)
			days := int64(0)
			if !t.IsZero() {
				days = t.UTC().Truncate(24*time.Hour).Unix() / 86400
			}
			if days < 0 || days > math.MaxUint16 {
				return nil, fmt.Errorf("date %s out of range", t.Format(time.DateOnly))
			}
			return binary.LittleEndian.AppendUint16(buf, uint16(days)), nil
		}, nil
	case colType == "DateTime" || strings.HasPrefix(colType, "DateTime("):
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			t := v.Interface().(time.Time)
			secs := int64(0)
			if !t.IsZero() {
				secs = t.Unix()
			}
			if secs < 0 || secs > math.MaxUint32 {
				return nil, fmt.Errorf("time %s out of range", t.Format(time.DateTime))
			}
			return binary.LittleEndian.AppendUint32(buf, uint32(secs)), nil
		}, nil
	case colType == "Float64":
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("%v is not a finite number", f)
			}
			return binary.LittleEndian.AppendUint64(buf, math.Float64bits(f)), nil
		}, nil
	case colType == "Float32":
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(v.Float()))), nil
		}, nil
	}
	var size int
	var signed bool
	switch colType {
	case "UInt8":
		size = 1
	case "UInt16":
		size = 2
	case "UInt32":
		size = 4
	case "UInt64":
		size = 8
	case "Int8":
		size, signed = 1, true
	case "Int16":
		size, signed = 2, true
	case "Int32":
		size, signed = 4, true
	case "Int64":
		size, signed = 8, true
	default:
		return nil, fmt.Errorf("chdb: no RowBinary encoding for column type %s", colType)
	}
	return func(buf []byte, v reflect.Value) ([]byte, error) {
		var u uint64
		switch v.Kind() {
		case reflect.Bool:
			if v.Bool() {
				u = 1
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n := v.Int()
			if !signed && n < 0 {
				return nil, fmt.Errorf("%d does not fit %s", n, colType)
			}
			u = uint64(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			u = v.Uint()
		default:
			return nil, fmt.Errorf("%s needs an integer, got %s", colType, v.Type())
		}
		if size < 8 && !signed && u>>(8*size) != 0 {
			return nil, fmt.Errorf("%d does not fit %s", u, colType)
		}
		for i := 0; i < size; i++ {
			buf = append(buf, byte(u>>(8*i)))
		}
		return buf, nil
	}, nil
}
