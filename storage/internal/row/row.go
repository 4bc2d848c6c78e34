// Package row maps Go structs with `ch:"column"` tags to ClickHouse columns.
// Both engines use it, so that a struct means the same columns on each.
package row

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Field is one tagged struct field.
type Field struct {
	Column string
	Index  []int // for reflect.Value.FieldByIndex: embedded structs make it longer than one
}

// Struct describes a struct type's tagged fields, in declaration order.
type Struct struct {
	Type    reflect.Type
	Fields  []Field
	byName  map[string]int
	Columns []string
}

// Field returns the field for a column name.
func (s *Struct) Field(column string) (Field, bool) {
	i, ok := s.byName[column]
	if !ok {
		return Field{}, false
	}
	return s.Fields[i], true
}

var cache sync.Map // reflect.Type → *Struct

// Of describes struct type t (a struct, not a pointer).
func Of(t reflect.Type) (*Struct, error) {
	if s, ok := cache.Load(t); ok {
		return s.(*Struct), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("row: %s is not a struct", t)
	}
	s := &Struct{Type: t, byName: map[string]int{}}
	s.add(t, nil)
	if len(s.Fields) == 0 {
		return nil, fmt.Errorf("row: %s has no ch-tagged fields", t)
	}
	cache.Store(t, s)
	return s, nil
}

// add describes t's tagged fields, and those of its embedded structs
// without a tag (as clickhouse-go reads them), at index path prefix.
func (s *Struct) add(t reflect.Type, prefix []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		name := f.Tag.Get("ch")
		if name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			s.add(f.Type, index)
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		s.byName[name] = len(s.Fields)
		s.Fields = append(s.Fields, Field{Column: name, Index: index})
		s.Columns = append(s.Columns, name)
	}
}

// ForInsert checks an insert's table name and rows (a slice of tagged
// structs, or a pointer to one) and describes them. The slice may be empty:
// then there is nothing to insert.
func ForInsert(table string, rows any) (reflect.Value, *Struct, error) {
	if !storage.IsIdent(table) {
		return reflect.Value{}, nil, fmt.Errorf("storage: invalid table name %q", table)
	}
	rv := reflect.ValueOf(rows)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice {
		return reflect.Value{}, nil, fmt.Errorf("row: want a slice of structs, got %T", rows)
	}
	s, err := Of(rv.Type().Elem())
	return rv, s, err
}
