package backup

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chtype"
)

// Column is a table column as the manifest records it.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // the ClickHouse type, as system.columns shows it
}

// markerTables are written by the service after the rows they make visible
// (ARCHITECTURE.md, "Visibility without transactions"). They are read first
// and written last, so that a backup or copy taken while the service runs
// never shows a submission or release whose rows it lacks, and an
// interrupted restore leaves only invisible rows.
var markerTables = []string{"submissions", "smhi_releases"}

// skipTables are not copied: schema_migrations is written by migrating
// the target.
var skipTables = map[string]bool{"schema_migrations": true}

// tableInfo is a table as the database describes it.
type tableInfo struct {
	Name    string
	Columns []Column
	Key     []string // sorting key expressions
}

// listTables returns the MergeTree-family tables of db's database, minus
// schema_migrations, markers first and then by name.
func listTables(ctx context.Context, db storage.DB) ([]tableInfo, error) {
	var ts []struct {
		Name   string `ch:"name"`
		Engine string `ch:"engine"`
		Key    string `ch:"sorting_key"`
	}
	if err := db.Select(ctx, &ts, "SELECT name, engine, sorting_key FROM system.tables WHERE database = ?", db.Database()); err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	var cs []struct {
		Table string `ch:"table"`
		Name  string `ch:"name"`
		Type  string `ch:"type"`
		Kind  string `ch:"default_kind"`
	}
	if err := db.Select(ctx, &cs, "SELECT table, name, type, default_kind FROM system.columns WHERE database = ?", db.Database()); err != nil {
		return nil, fmt.Errorf("listing columns: %w", err)
	}
	cols := map[string][]Column{}
	for _, c := range cs {
		switch c.Kind {
		case "MATERIALIZED", "ALIAS", "EPHEMERAL":
			continue // computed, not stored as given
		}
		cols[c.Table] = append(cols[c.Table], Column{Name: c.Name, Type: c.Type})
	}
	var out []tableInfo
	for _, t := range ts {
		if !strings.HasSuffix(t.Engine, "MergeTree") || skipTables[t.Name] {
			continue
		}
		if !storage.IsIdent(t.Name) {
			return nil, fmt.Errorf("table name %q is not a plain identifier", t.Name)
		}
		out = append(out, tableInfo{Name: t.Name, Columns: cols[t.Name], Key: splitKey(t.Key)})
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := markerRank(out[i].Name), markerRank(out[j].Name)
		if ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// markerRank orders marker tables first.
func markerRank(name string) int {
	for i, m := range markerTables {
		if m == name {
			return i
		}
	}
	return len(markerTables)
}

func isMarker(name string) bool { return markerRank(name) < len(markerTables) }

// splitKey splits a sorting key at top-level commas.
func splitKey(key string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || (key[i] == ',' && depth == 0) {
			if s := strings.TrimSpace(key[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + 1
			continue
		}
		switch key[i] {
		case '(':
			depth++
		case ')':
			depth--
		}
	}
	return out
}

// table is a table ready to be read, written and hashed: its columns, the
// Go struct types its rows go in, and the columns that page it.
type table struct {
	name     string
	cols     []Column
	types    []*colType
	key      []int        // leading sorting-key columns usable for paging
	rowType  reflect.Type // fields tagged with the column names: Insert
	selType  reflect.Type // the same fields tagged c0, c1, …: Select
	selList  string
	sizeExpr string
	floats   string // condition true for rows with NaN or ±Inf
}

func newTable(name string, cols []Column, sortingKey []string) (*table, error) {
	if !storage.IsIdent(name) {
		return nil, fmt.Errorf("table name %q is not a plain identifier", name)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s has no columns", name)
	}
	t := &table{name: name, cols: cols}
	var rowFields, selFields []reflect.StructField
	var sel, sizes, floats []string
	seen := map[string]int{}
	for i, c := range cols {
		if !storage.IsIdent(c.Name) {
			return nil, fmt.Errorf("table %s: column name %q is not a plain identifier", name, c.Name)
		}
		if strings.HasPrefix(c.Name, alias) {
			return nil, fmt.Errorf("table %s: column name %s starts with %s, which backup uses for aliases", name, c.Name, alias)
		}
		if _, dup := seen[c.Name]; dup {
			return nil, fmt.Errorf("table %s: column %s twice", name, c.Name)
		}
		seen[c.Name] = i
		ct, err := parseType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("table %s, column %s: %w", name, c.Name, err)
		}
		t.types = append(t.types, ct)
		field := "F" + strconv.Itoa(i)
		rowFields = append(rowFields, reflect.StructField{Name: field, Type: ct.goType(), Tag: reflect.StructTag(`ch:"` + c.Name + `"`)})
		selFields = append(selFields, reflect.StructField{Name: field, Type: ct.goType(), Tag: reflect.StructTag(`ch:"` + alias + strconv.Itoa(i) + `"`)})
		sel = append(sel, ct.selectExpr(c.Name)+" AS "+alias+strconv.Itoa(i))
		if s := ct.sizeExpr(c.Name); s != "" {
			sizes = append(sizes, s)
		}
		if ct.hasFloat() {
			floats = append(floats, ct.nonFiniteExpr(c.Name))
		}
	}
	for _, k := range sortingKey {
		i, ok := seen[k]
		if !ok || !t.types[i].keyable() {
			break // an expression or an unordered type: page by what came before
		}
		t.key = append(t.key, i)
	}
	t.rowType = reflect.StructOf(rowFields)
	t.selType = reflect.StructOf(selFields)
	t.selList = strings.Join(sel, ", ")
	t.sizeExpr = "sum(toUInt64(0)" + strings.Join(append([]string{""}, sizes...), " + ") + ")"
	t.floats = strings.Join(floats, " OR ")
	return t, nil
}

// alias starts the names results are selected as, so that they never
// shadow a column.
const alias = "_kr_"

// Options tune the commands.
type Options struct {
	// Force writes into a database that already holds rows: the rows are
	// added to those there. Without it Restore and Copy refuse.
	Force bool
	// Cluster migrates the target ON CLUSTER with replicated tables.
	Cluster string
	// PageRows and PageBytes bound how much of a table is held at once
	// (0: 25 000 rows, 16 MiB of strings). A page holds at least the rows
	// of one value of the table's sorting key.
	PageRows  int
	PageBytes int64
	// Gzip compresses the table files of a backup.
	Gzip bool
	// Progress, when set, is told about each table as it is done.
	Progress func(table string, rows uint64)
	// Tool names the program making a backup, for the manifest.
	Tool string
}

const (
	defaultPageRows  = 25_000
	defaultPageBytes = 16 << 20
)

// keysPerQuery bounds the distinct key values read at once (tests lower it).
var keysPerQuery = 10_000

func (o Options) pageRows() uint64 {
	if o.PageRows > 0 {
		return uint64(o.PageRows)
	}
	return defaultPageRows
}

func (o Options) pageBytes() uint64 {
	if o.PageBytes > 0 {
		return uint64(o.PageBytes)
	}
	return defaultPageBytes
}

// scanner reads a table page by page.
type scanner struct {
	db   storage.DB
	t    *table
	opts Options
}

// scan calls fn with every row of the table, a page at a time; fn gets a
// []t.rowType (as a reflect.Value) that it must not keep.
func (s *scanner) scan(ctx context.Context, fn func(rows reflect.Value) error) error {
	if s.t.floats != "" {
		var bad []struct {
			N uint64 `ch:"_kr_n"`
		}
		if err := s.db.Select(ctx, &bad, "SELECT count() AS _kr_n FROM "+s.t.name+" WHERE "+s.t.floats); err != nil {
			return fmt.Errorf("%s: %w", s.t.name, err)
		}
		if len(bad) > 0 && bad[0].N > 0 {
			return fmt.Errorf("%s: %d rows hold NaN or infinite numbers, which a backup does not carry", s.t.name, bad[0].N)
		}
	}
	return s.walk(ctx, 0, nil, nil, fn)
}

type keyRow struct {
	K string `ch:"_kr_k"`
	N uint64 `ch:"_kr_n"`
	B uint64 `ch:"_kr_b"`
}

// keyExprs returns how key column i is selected (as text), grouped and
// ordered, and compared with an argument.
func (s *scanner) keyExprs(i int) (sel, order, cmp string) {
	c := s.t.cols[i].Name
	switch s.t.types[i].Kind {
	case chtype.String:
		return "hex(" + c + ")", c, c
	case chtype.Int, chtype.Uint:
		return "toString(" + c + ")", c, c
	}
	return "toString(" + c + ")", "toString(" + c + ")", "toString(" + c + ")"
}

// keyArg turns a selected key back into an argument for cmp.
func (s *scanner) keyArg(i int, k string) (any, error) {
	switch t := s.t.types[i]; t.Kind {
	case chtype.String:
		return unhex(k)
	case chtype.Int:
		return strconv.ParseInt(k, 10, 64)
	case chtype.Uint:
		return strconv.ParseUint(k, 10, 64)
	}
	return k, nil
}

// walk pages the rows matching conds by key column depth: the distinct
// values of that column are grouped into ranges of about a page each; a
// value with more than a page of rows is paged by the next key column.
func (s *scanner) walk(ctx context.Context, depth int, conds []string, args []any, fn func(reflect.Value) error) error {
	if depth >= len(s.t.key) {
		return s.page(ctx, conds, args, fn)
	}
	col := s.t.key[depth]
	sel, order, cmp := s.keyExprs(col)
	rowBytes := uint64(8*len(s.t.cols) + 32)
	maxRows, maxBytes := s.opts.pageRows(), s.opts.pageBytes()
	var after any
	for {
		c, a := conds, args
		if after != nil {
			c, a = append(clip(conds), cmp+" > ?"), append(clip(args), after)
		}
		q := "SELECT " + sel + " AS _kr_k, count() AS _kr_n, " + s.t.sizeExpr + " AS _kr_b FROM " + s.t.name + where(c) +
			" GROUP BY " + order + " ORDER BY " + order + " LIMIT " + strconv.Itoa(keysPerQuery)
		var keys []keyRow
		if err := s.db.Select(ctx, &keys, q, a...); err != nil {
			return fmt.Errorf("%s: %w", s.t.name, err)
		}
		var lo, hi any
		var n, b uint64
		flush := func() error {
			if lo == nil {
				return nil
			}
			var err error
			if lo == hi {
				err = s.page(ctx, append(clip(conds), cmp+" = ?"), append(clip(args), lo), fn)
			} else {
				err = s.page(ctx, append(clip(conds), cmp+" >= ?", cmp+" <= ?"), append(clip(args), lo, hi), fn)
			}
			lo, hi, n, b = nil, nil, 0, 0
			return err
		}
		for _, k := range keys {
			v, err := s.keyArg(col, k.K)
			if err != nil {
				return fmt.Errorf("%s: key %q: %w", s.t.name, k.K, err)
			}
			size := k.B + k.N*rowBytes
			if (k.N > maxRows || size > maxBytes) && depth+1 < len(s.t.key) {
				if err := flush(); err != nil {
					return err
				}
				if err := s.walk(ctx, depth+1, append(clip(conds), cmp+" = ?"), append(clip(args), v), fn); err != nil {
					return err
				}
				continue
			}
			if lo != nil && (n+k.N > maxRows || b+size > maxBytes) {
				if err := flush(); err != nil {
					return err
				}
			}
			if lo == nil {
				lo = v
			}
			hi = v
			n += k.N
			b += size
		}
		if err := flush(); err != nil {
			return err
		}
		if len(keys) < keysPerQuery {
			return nil
		}
		after, _ = s.keyArg(col, keys[len(keys)-1].K)
	}
}

// clip lets append copy instead of writing into a shared backing array.
func clip[T any](s []T) []T { return s[:len(s):len(s)] }

func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// page reads the rows matching conds and hands them to fn.
func (s *scanner) page(ctx context.Context, conds []string, args []any, fn func(reflect.Value) error) error {
	dest := reflect.New(reflect.SliceOf(s.t.selType))
	if err := s.db.Select(ctx, dest.Interface(), "SELECT "+s.t.selList+" FROM "+s.t.name+where(conds), args...); err != nil {
		return fmt.Errorf("%s: %w", s.t.name, err)
	}
	sel := dest.Elem()
	rows := reflect.MakeSlice(reflect.SliceOf(s.t.rowType), sel.Len(), sel.Len())
	for i := 0; i < sel.Len(); i++ {
		r := rows.Index(i)
		r.Set(sel.Index(i).Convert(s.t.rowType))
		for j, ct := range s.t.types {
			if err := ct.fix(r.Field(j)); err != nil {
				return fmt.Errorf("%s.%s: %w", s.t.name, s.t.cols[j].Name, err)
			}
		}
	}
	sel.SetZero()
	if rows.Len() == 0 {
		return nil
	}
	return fn(rows)
}

// count returns the number of rows of a table.
func count(ctx context.Context, db storage.DB, table string) (uint64, error) {
	var n []struct {
		N uint64 `ch:"_kr_n"`
	}
	if err := db.Select(ctx, &n, "SELECT count() AS _kr_n FROM "+table); err != nil {
		return 0, err
	}
	if len(n) == 0 {
		return 0, nil
	}
	return n[0].N, nil
}
