package chdb

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// param is one named query parameter, its value in ClickHouse's escaped text
// form, which is how the engine parses parameter values.
type param struct{ name, value string }

// bind rewrites each "?" outside quotes and comments into a {pN:Type}
// placeholder and renders its argument. The SQL text never holds a value.
func bind(query string, args []any) (string, []param, error) {
	if len(args) == 0 {
		return query, nil, nil
	}
	var b strings.Builder
	params := make([]param, 0, len(args))
	i := 0
	for pos := 0; pos < len(query); pos++ {
		c := query[pos]
		switch c {
		case '\'', '"', '`':
			end := skipQuoted(query, pos)
			b.WriteString(query[pos:end])
			pos = end - 1
			continue
		case '-':
			if pos+1 < len(query) && query[pos+1] == '-' {
				end := strings.IndexByte(query[pos:], '\n')
				if end < 0 {
					end = len(query) - pos
				}
				b.WriteString(query[pos : pos+end])
				pos += end - 1
				continue
			}
		case '?':
			if i >= len(args) {
				return "", nil, fmt.Errorf("chdb: more placeholders than arguments in %q", query)
			}
			typ, val, err := render(args[i])
			if err != nil {
				return "", nil, fmt.Errorf("chdb: argument %d: %w", i+1, err)
			}
			name := "p" + strconv.Itoa(i)
			fmt.Fprintf(&b, "{%s:%s}", name, typ)
			params = append(params, param{name, val})
			i++
			continue
		}
		b.WriteByte(c)
	}
	if i != len(args) {
		return "", nil, fmt.Errorf("chdb: %d arguments for %d placeholders in %q", len(args), i, query)
	}
	return b.String(), params, nil
}

// skipQuoted returns the index just past the quoted section starting at pos.
func skipQuoted(s string, pos int) int {
	q := s[pos]
	for i := pos + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return len(s)
}

// render returns the ClickHouse type and escaped text of a Go value.
func render(v any) (typ, text string, err error) {
	switch x := v.(type) {
	case string:
		return "String", escape(x), nil
	case []byte:
		return "String", escape(string(x)), nil
	case bool:
		if x {
			return "UInt8", "1", nil
		}
		return "UInt8", "0", nil
	case time.Time:
		return "DateTime('UTC')", x.UTC().Format(time.DateTime), nil
	case float32, float64:
		f := reflect.ValueOf(v).Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", "", fmt.Errorf("%v is not a finite number", f)
		}
		return "Float64", strconv.FormatFloat(f, 'g', -1, 64), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "Int64", strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "UInt64", strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.String:
		return "String", escape(rv.String()), nil
	case reflect.Slice:
		if rv.Len() == 0 {
			// An empty array needs an element type; take it from the Go type.
			et, _, err := render(reflect.Zero(rv.Type().Elem()).Interface())
			if err != nil {
				return "", "", err
			}
			return "Array(" + et + ")", "[]", nil
		}
		var b strings.Builder
		b.WriteByte('[')
		var et string
		for i := 0; i < rv.Len(); i++ {
			t, _, err := render(rv.Index(i).Interface())
			if err != nil {
				return "", "", err
			}
			et = t
			if i > 0 {
				b.WriteByte(',')
			}
			writeQuotedValue(&b, rv.Index(i).Interface())
		}
		b.WriteByte(']')
		return "Array(" + et + ")", b.String(), nil
	}
	return "", "", fmt.Errorf("unsupported argument type %T", v)
}

// writeQuotedValue writes v as it appears inside an array literal.
func writeQuotedValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteByte('\'')
		b.WriteString(quoteEscape(x))
		b.WriteByte('\'')
	case time.Time:
		b.WriteByte('\'')
		b.WriteString(x.UTC().Format(time.DateTime))
		b.WriteByte('\'')
	default:
		_, text, _ := render(v)
		b.WriteString(text)
	}
}

// escape renders s in ClickHouse's Escaped (TabSeparated) text form.
func escape(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\r\x00") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// quoteEscape renders s for the inside of a single-quoted literal.
func quoteEscape(s string) string {
	return strings.ReplaceAll(escape(s), `'`, `\'`)
}
