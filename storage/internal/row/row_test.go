package row

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

type stamp struct {
	By      string    `ch:"changed_by"`
	At      time.Time `ch:"changed_at"`
	Version uint64    `ch:"version"`
}

type tagged struct {
	Code    string `ch:"code"`
	skipped string `ch:"hidden"`
	Ignored string `ch:"-"`
	Plain   string
	stamp
	Note string `ch:"note"`
}

func TestOfFlattensEmbeddedStructs(t *testing.T) {
	s, err := Of(reflect.TypeOf(tagged{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"code", "changed_by", "changed_at", "version", "note"}; !slices.Equal(s.Columns, want) {
		t.Errorf("columns %q, want %q", s.Columns, want)
	}
	f, ok := s.Field("version")
	v := reflect.ValueOf(tagged{stamp: stamp{Version: 7}, skipped: "x"})
	if !ok || v.FieldByIndex(f.Index).Uint() != 7 {
		t.Errorf("version field %+v does not reach the embedded value", f)
	}
	if _, err := Of(reflect.TypeOf(struct{ A string }{})); err == nil {
		t.Error("a struct without tags accepted")
	}
}

func TestForInsert(t *testing.T) {
	if _, _, err := ForInsert("t; DROP TABLE x", []tagged{}); err == nil {
		t.Error("a table name that is no identifier accepted")
	}
	rv, _, err := ForInsert("members", []tagged{{Code: "1281"}})
	if err != nil || rv.Len() != 1 {
		t.Errorf("ForInsert: %v rows, %v", rv.Len(), err)
	}
}
