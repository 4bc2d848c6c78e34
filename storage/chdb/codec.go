package chdb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage/internal/row"
)

// decodeRows decodes JSONEachRow output into dest, a pointer to a slice of
// ch-tagged structs.
func decodeRows(data []byte, dest any) error {
	dv := reflect.ValueOf(dest)
	if dv.Kind() != reflect.Pointer || dv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("chdb: Select wants a pointer to a slice, got %T", dest)
	}
	sv := dv.Elem()
	sv.Set(sv.Slice(0, 0)) // like clickhouse-go: dest holds this query's rows only
	st, err := row.Of(sv.Type().Elem())
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("chdb: decoding result: %w", err)
		}
		elem := reflect.New(st.Type).Elem()
		for col, raw := range obj {
			f, ok := st.Field(col)
			if !ok {
				return fmt.Errorf("chdb: result column %q has no field in %s", col, st.Type)
			}
			if err := setJSON(elem.FieldByIndex(f.Index), raw); err != nil {
				return fmt.Errorf("chdb: column %s: %w", col, err)
			}
		}
		sv.Set(reflect.Append(sv, elem))
	}
}

// setJSON stores one JSON value in v, converting ClickHouse's JSON forms
// (quoted 64-bit integers, dates as text) to the field's Go type.
func setJSON(v reflect.Value, raw json.RawMessage) error {
	if string(raw) == "null" {
		v.Set(reflect.Zero(v.Type()))
		return nil
	}
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		if err := setJSON(p.Elem(), raw); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	if v.Type() == reflect.TypeOf(time.Time{}) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		layout := time.DateTime
		if len(s) == len(time.DateOnly) {
			layout = time.DateOnly
		}
		t, err := time.ParseInLocation(layout, s, time.UTC)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			v.SetString(string(raw)) // a number into a string field
			return nil
		}
		v.SetString(s)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return err
			}
			v.SetBytes([]byte(s))
			return nil
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return err
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, it := range items {
			if err := setJSON(s.Index(i), it); err != nil {
				return err
			}
		}
		v.Set(s)
	default:
		text := strings.Trim(string(raw), `"`)
		switch v.Kind() {
		case reflect.Bool:
			v.SetBool(text == "1" || text == "true")
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, err := strconv.ParseInt(text, 10, v.Type().Bits())
			if err != nil {
				return err
			}
			v.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n, err := strconv.ParseUint(text, 10, v.Type().Bits())
			if err != nil {
				return err
			}
			v.SetUint(n)
		case reflect.Float32, reflect.Float64:
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return err
			}
			v.SetFloat(f)
		default:
			return fmt.Errorf("unsupported field type %s", v.Type())
		}
	}
	return nil
}
