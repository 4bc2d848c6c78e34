package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"strconv"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage/chtype"
)

// Lines of a table file are ClickHouse's TabSeparated format, with one
// canonical spelling of each value (see the package comment), so that a
// row has exactly one line and the line can be hashed.

// appendRow appends the line for row (a struct of t.rowType) without the
// newline.
func (t *table) appendRow(buf []byte, row reflect.Value) ([]byte, error) {
	var err error
	for i, ct := range t.types {
		if i > 0 {
			buf = append(buf, '\t')
		}
		buf, err = appendValue(buf, row.Field(i), ct, false)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.name, t.cols[i].Name, err)
		}
	}
	return buf, nil
}

// appendValue appends one value; quoted is set inside arrays, where strings
// and dates are in single quotes.
func appendValue(buf []byte, v reflect.Value, t *colType, quoted bool) ([]byte, error) {
	switch t.Kind {
	case chtype.Nullable:
		if v.IsNil() {
			return append(buf, `\N`...), nil
		}
		return appendValue(buf, v.Elem(), t.elem, quoted)
	case chtype.String, chtype.UUID, chtype.Enum:
		if quoted {
			buf = append(buf, '\'')
			buf = appendEscaped(buf, v.String())
			return append(buf, '\''), nil
		}
		return appendEscaped(buf, v.String()), nil
	case chtype.Int:
		return strconv.AppendInt(buf, v.Int(), 10), nil
	case chtype.Uint:
		return strconv.AppendUint(buf, v.Uint(), 10), nil
	case chtype.Float:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%v is not a finite number", f)
		}
		return strconv.AppendFloat(buf, f, 'g', -1, t.Bits), nil
	case chtype.Date, chtype.DateTime:
		layout := time.DateTime
		if t.Kind == chtype.Date {
			layout = time.DateOnly
		}
		if quoted {
			buf = append(buf, '\'')
		}
		buf = v.Interface().(time.Time).UTC().AppendFormat(buf, layout)
		if quoted {
			buf = append(buf, '\'')
		}
		return buf, nil
	case chtype.Array:
		buf = append(buf, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendValue(buf, v.Index(i), t.elem, true); err != nil {
				return nil, err
			}
		}
		return append(buf, ']'), nil
	}
	return nil, fmt.Errorf("unsupported type %s", t.Text)
}

// appendEscaped escapes as ClickHouse's TabSeparated output does: backslash,
// single quote, and \b \f \n \r \t \0. Every other byte, valid UTF-8 or not,
// is written as it is.
func appendEscaped(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if e := escapeOf[s[i]]; e != 0 {
			buf = append(buf, '\\', e)
		} else {
			buf = append(buf, s[i])
		}
	}
	return buf
}

// escapeOf is the letter after the backslash for each byte written escaped
// (0: as it is); unescapeOf is the other way round.
var escapeOf, unescapeOf = escapeTables(map[byte]byte{'\\': '\\', '\'': '\'', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', 0: '0'})

func escapeTables(m map[byte]byte) (esc [256]byte, unesc [256]int16) {
	for i := range unesc {
		unesc[i] = -1
	}
	for c, e := range m {
		esc[c], unesc[e] = e, int16(c)
	}
	return esc, unesc
}

var errSyntax = errors.New("not canonical TabSeparated")

// parseRow parses a line (without its newline) into row, a settable struct
// of t.rowType. The line must be canonical: appendRow gives it back.
func (t *table) parseRow(line []byte, row reflect.Value, scratch []byte) ([]byte, error) {
	rest := line
	for i, ct := range t.types {
		end := len(rest)
		for j, c := range rest {
			if c == '\t' {
				end = j
				break
			}
		}
		if i < len(t.types)-1 && end == len(rest) {
			return scratch, fmt.Errorf("%d fields, want %d", i+1, len(t.types))
		}
		if err := parseField(rest[:end], row.Field(i), ct); err != nil {
			return scratch, fmt.Errorf("column %s: %w", t.cols[i].Name, err)
		}
		if end < len(rest) {
			rest = rest[end+1:]
		} else {
			rest = nil
		}
	}
	if rest != nil {
		return scratch, fmt.Errorf("more than %d fields", len(t.types))
	}
	var err error
	scratch, err = t.appendRow(scratch[:0], row)
	if err != nil {
		return scratch, err
	}
	if string(scratch) != string(line) {
		return scratch, errSyntax
	}
	return scratch, nil
}

// parseField parses one field into v.
func parseField(f []byte, v reflect.Value, t *colType) error {
	switch t.Kind {
	case chtype.Nullable:
		if string(f) == `\N` {
			v.Set(reflect.Zero(v.Type()))
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := parseField(f, p.Elem(), t.elem); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case chtype.String, chtype.UUID, chtype.Enum:
		s, n, err := unescape(f, 0)
		if err != nil {
			return err
		}
		if n != len(f) {
			return errSyntax
		}
		v.SetString(s)
		return nil
	case chtype.Array:
		return parseArray(f, v, t.elem)
	}
	return parseScalar(string(f), v, t)
}

// parseScalar parses a number, date or time.
func parseScalar(s string, v reflect.Value, t *colType) error {
	switch t.Kind {
	case chtype.Int:
		n, err := strconv.ParseInt(s, 10, t.Bits)
		if err != nil {
			return err
		}
		v.SetInt(n)
	case chtype.Uint:
		n, err := strconv.ParseUint(s, 10, t.Bits)
		if err != nil {
			return err
		}
		v.SetUint(n)
	case chtype.Float:
		f, err := strconv.ParseFloat(s, t.Bits)
		if err != nil {
			return err
		}
		v.SetFloat(f)
	case chtype.Date, chtype.DateTime:
		layout := time.DateTime
		if t.Kind == chtype.Date {
			layout = time.DateOnly
		}
		tm, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(tm))
	default:
		return fmt.Errorf("unsupported type %s", t.Text)
	}
	return nil
}

// parseArray parses [a,b,…] with quoted strings and dates.
func parseArray(f []byte, v reflect.Value, elem *colType) error {
	if len(f) < 2 || f[0] != '[' || f[len(f)-1] != ']' {
		return errSyntax
	}
	body := f[1 : len(f)-1]
	s := reflect.MakeSlice(v.Type(), 0, 4)
	ev := reflect.New(v.Type().Elem()).Elem()
	quotedElem := elem.Kind == chtype.String || elem.Kind == chtype.UUID || elem.Kind == chtype.Enum || elem.Kind == chtype.Date || elem.Kind == chtype.DateTime
	for pos := 0; pos < len(body); {
		var text string
		if quotedElem {
			if body[pos] != '\'' {
				return errSyntax
			}
			str, n, err := unescape(body, pos+1)
			if err != nil {
				return err
			}
			if n >= len(body) || body[n] != '\'' {
				return errSyntax
			}
			text, pos = str, n+1
		} else {
			end := pos
			for end < len(body) && body[end] != ',' {
				end++
			}
			text, pos = string(body[pos:end]), end
		}
		ev.SetZero()
		switch elem.Kind {
		case chtype.String, chtype.UUID, chtype.Enum:
			ev.SetString(text)
		default:
			if err := parseScalar(text, ev, elem); err != nil {
				return err
			}
		}
		s = reflect.Append(s, ev)
		if pos < len(body) {
			if body[pos] != ',' || pos == len(body)-1 {
				return errSyntax
			}
			pos++
		}
	}
	v.Set(s)
	return nil
}

// unescape reads an escaped string from b[start:] up to an unescaped single
// quote or the end, and returns it and the index where it stopped.
func unescape(b []byte, start int) (string, int, error) {
	out := make([]byte, 0, len(b)-start)
	i := start
	for ; i < len(b); i++ {
		c := b[i]
		if c == '\'' {
			break
		}
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i == len(b) {
			return "", 0, errSyntax
		}
		c = b[i]
		if unescapeOf[c] < 0 {
			return "", 0, errSyntax
		}
		out = append(out, byte(unescapeOf[c]))
	}
	return string(out), i, nil
}

// Sum is the content checksum of a table: its row count and the sum
// modulo 2^256 of the SHA-256 of every row's line. It does not depend on
// the order of the rows, so both engines, any paging and any file give the
// same sum for the same rows; and it adds up: a table's sum after rows are
// added is its sum before plus theirs.
type Sum struct {
	Rows uint64
	acc  [4]uint64 // big-endian limbs
}

// Add counts one row's line.
func (s *Sum) Add(line []byte) { s.addHash(sha256.Sum256(line)) }

// addHash counts one row by its line's SHA-256.
func (s *Sum) addHash(h [32]byte) {
	var carry uint64
	for i := 3; i >= 0; i-- {
		w := uint64(h[8*i])<<56 | uint64(h[8*i+1])<<48 | uint64(h[8*i+2])<<40 | uint64(h[8*i+3])<<32 |
			uint64(h[8*i+4])<<24 | uint64(h[8*i+5])<<16 | uint64(h[8*i+6])<<8 | uint64(h[8*i+7])
		s.acc[i], carry = bits.Add64(s.acc[i], w, carry)
	}
	s.Rows++
}

// Plus returns s + o.
func (s Sum) Plus(o Sum) Sum {
	var carry uint64
	for i := 3; i >= 0; i-- {
		s.acc[i], carry = bits.Add64(s.acc[i], o.acc[i], carry)
	}
	s.Rows += o.Rows
	return s
}

// Hex is the 256-bit sum as 64 hex digits.
func (s Sum) Hex() string {
	var b [32]byte
	for i, w := range s.acc {
		for j := 0; j < 8; j++ {
			b[8*i+j] = byte(w >> (56 - 8*j))
		}
	}
	return hex.EncodeToString(b[:])
}
