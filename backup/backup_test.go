package backup

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/chtype"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// allBytes holds every byte value once.
var allBytes = func() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

var hostile = []string{
	"", "0180", "tab\there", "new\nline", "cr\r\nlf", `back\slash`, `\N`, `quote ' and " and ` + "`",
	"NUL\x00byte", "\xff\xfe\xfd invalid UTF-8", "åäö ÅÄÖ 🌍", "[1,'2']", "{p0:String}", "?", "'); DROP TABLE x; --",
	"\b\f\v\a", strings.Repeat("lång ", 300), allBytes,
}

var uuids = []string{
	"00000000-0000-0000-0000-000000000000", "6f1c7d1e-3f0b-4a47-9d2e-7a1c2b3d4e5f",
	"ffffffff-ffff-ffff-ffff-ffffffffffff", "0b8e1f6a-1111-4222-8333-944455556666",
}

// value returns the i-th test value of type t: strings and binary bytes
// that break careless escaping, extreme numbers and dates, NULLs, arrays.
func value(t *colType, i int) reflect.Value {
	v := reflect.New(t.goType()).Elem()
	switch t.Kind {
	case chtype.String:
		s := hostile[i%len(hostile)]
		if n := t.Size; n > 0 { // FixedString(N)
			s = (s + strings.Repeat("\x00", n))[:n]
		}
		v.SetString(s)
	case chtype.UUID:
		v.SetString(uuids[i%len(uuids)])
	case chtype.Enum:
		names := slices.SortedFunc(maps.Keys(t.Values), func(a, b string) int { return cmp.Compare(t.Values[a], t.Values[b]) })
		v.SetString(names[i%len(names)])
	case chtype.Int:
		lim := int64(1)<<(t.Bits-1) - 1
		v.SetInt([]int64{0, -1, 1, lim, -lim - 1, 2024}[i%6])
	case chtype.Uint:
		lim := uint64(1)<<(t.Bits-1)*2 - 1
		v.SetUint([]uint64{0, 1, lim, 2024, 7}[i%5])
	case chtype.Float:
		// Subnormals and extremes too: chDB takes inserts in binary, so
		// they arrive bit for bit and verification is exact.
		fs := []float64{0, math.Copysign(0, -1), 0.1, -1e300, 2.2250738585072014e-308, math.MaxFloat64, 123.456, 1e21,
			0.30000000000000004, 5e-324, -1.5e-310}
		if t.Bits == 32 {
			fs = []float64{0, 0.1, 3e38, -2.5, 123.456, math.MaxFloat32, 1.17549435e-38, math.SmallestNonzeroFloat32}
		}
		f := fs[i%len(fs)]
		if t.Bits == 32 {
			f = float64(float32(f))
		}
		v.SetFloat(f)
	case chtype.Date:
		d := []string{"1970-01-01", "2000-02-29", "2099-12-31", "2024-06-30"}[i%4]
		tm, _ := time.Parse(time.DateOnly, d)
		v.Set(reflect.ValueOf(tm))
	case chtype.DateTime:
		d := []string{"1970-01-01 00:00:00", "2038-01-19 03:14:08", "2105-12-31 23:59:59", "2024-06-30 12:34:56"}[i%4]
		tm, _ := time.Parse(time.DateTime, d)
		v.Set(reflect.ValueOf(tm))
	case chtype.Nullable:
		if i%3 == 1 {
			return v
		}
		p := reflect.New(t.elem.goType())
		p.Elem().Set(value(t.elem, i))
		v.Set(p)
	case chtype.Array:
		n := i % 4
		s := reflect.MakeSlice(v.Type(), 0, n)
		for j := 0; j < n; j++ {
			s = reflect.Append(s, value(t.elem, i+j))
		}
		v.Set(s)
	}
	return v
}

// fill writes rows rows of test values into every table of db.
func fill(t *testing.T, db storage.DB, rows int) {
	t.Helper()
	ctx := context.Background()
	infos, err := listTables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) < 10 {
		t.Fatalf("only %d tables", len(infos))
	}
	for _, info := range infos {
		tb, err := newTable(info.Name, info.Columns, info.Key)
		if err != nil {
			t.Fatal(err)
		}
		rs := reflect.MakeSlice(reflect.SliceOf(tb.rowType), rows, rows)
		for i := 0; i < rows; i++ {
			for j, ct := range tb.types {
				// Different columns of a row get different values.
				rs.Index(i).Field(j).Set(value(ct, i*7+j*3+i/len(hostile)))
			}
		}
		if err := db.Insert(ctx, info.Name, rs.Interface()); err != nil {
			t.Fatalf("fill %s: %v", info.Name, err)
		}
	}
	// An upload of binary bytes larger than a page.
	big := make([]byte, 300_000)
	for i := range big {
		big[i] = byte(i*131 + i/251)
	}
	type file struct {
		ID      string `ch:"submission_id"`
		Content string `ch:"content"`
	}
	if err := db.Insert(ctx, "submission_files", []file{{uuids[1], string(big)}, {uuids[2], allBytes + "\x00\xff"}}); err != nil {
		t.Fatal(err)
	}
}

const extraTable = `CREATE TABLE extra_types (
    k      String,
    n      Int64,
    i8     Int8,
    u64    UInt64,
    f32    Float32,
    fs     FixedString(4),
    e16    Enum16('a' = -1000, 'b\'q' = 1000),
    ns     Nullable(String),
    nu     Nullable(UUID),
    arr_s  Array(String),
    arr_i  Array(Int32),
    nd     Nullable(DateTime('UTC'))
) ENGINE = MergeTree() ORDER BY (k, n)`

// small pages and key batches exercise paging on a few rows (the backup
// reads with them); medium keeps the other steps quick.
var (
	small  = Options{PageRows: 3, PageBytes: 4000}
	medium = Options{PageRows: 15, PageBytes: 100_000}
)

func lowerKeyBatch(t *testing.T) {
	old := keysPerQuery
	keysPerQuery = 4
	t.Cleanup(func() { keysPerQuery = old })
}

// sums returns every table's checksum.
func sums(t *testing.T, db storage.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	infos, err := listTables(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, info := range infos {
		tb, err := newTable(info.Name, info.Columns, info.Key)
		if err != nil {
			t.Fatal(err)
		}
		d, err := (&scanner{db: db, t: tb}).sum(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, err := count(ctx, db, info.Name)
		if err != nil {
			t.Fatal(err)
		}
		if n != d.Rows {
			t.Fatalf("%s: count() %d, scanned %d rows", info.Name, n, d.Rows)
		}
		out[info.Name] = fmt.Sprintf("%s %d", d.Hex(), d.Rows)
	}
	return out
}

// answers runs a few of the service's kinds of queries.
func answers(t *testing.T, db storage.DB) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	var files []struct {
		H string `ch:"h"`
	}
	if err := db.Select(ctx, &files, "SELECT hex(content) AS h FROM submission_files ORDER BY h"); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		out = append(out, "file "+f.H)
	}
	var inv []struct {
		Code string  `ch:"code"`
		N    uint64  `ch:"n"`
		T    float64 `ch:"t"`
	}
	if err := db.Select(ctx, &inv, `SELECT hex(municipality_code) AS code, count() AS n, sum(ifNull(tonnes, 0)) AS t
		FROM inventory_values WHERE tonnes IS NULL OR abs(tonnes) < 1e100 GROUP BY municipality_code ORDER BY municipality_code`); err != nil {
		t.Fatal(err)
	}
	for _, r := range inv {
		out = append(out, fmt.Sprintf("inventory %s %d %.6g", r.Code, r.N, r.T))
	}
	var acc []struct {
		ID    string `ch:"aid"`
		Email string `ch:"email"`
		Role  string `ch:"role"`
	}
	// The current rows of a register (ties in version give several).
	if err := db.Select(ctx, &acc, `SELECT aid, email, role
		FROM (SELECT toString(id) AS aid, version, hex(email) AS email, toString(role) AS role FROM accounts) AS a
		ALL INNER JOIN (SELECT toString(id) AS aid, max(version) AS version FROM accounts GROUP BY aid) AS m USING (aid, version)
		ORDER BY aid, email, role`); err != nil {
		t.Fatal(err)
	}
	for _, r := range acc {
		out = append(out, "account "+r.ID+" "+r.Email+" "+r.Role)
	}
	var vis []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &vis, `SELECT count() AS n FROM (SELECT toString(submission_id) AS sid FROM inventory_values) AS v
		ALL INNER JOIN (SELECT DISTINCT toString(id) AS sid FROM submissions WHERE status = 'accepted') AS s USING sid`); err != nil {
		t.Fatal(err)
	}
	out = append(out, fmt.Sprintf("visible inventory rows %d", vis[0].N))
	var rel []struct {
		Years []uint16  `ch:"years"`
		Date  time.Time `ch:"d"`
	}
	if err := db.Select(ctx, &rel, "SELECT years, release_date AS d FROM smhi_releases"); err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, r := range rel {
		rels = append(rels, fmt.Sprintf("release %s %v", r.Date.Format(time.DateOnly), r.Years))
	}
	sort.Strings(rels)
	return append(out, rels...)
}

// equal compares two []string or map[string]string, showing only what differs.
func equal[T []string | map[string]string](t *testing.T, what string, got, want T) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	cut := func(s string) string {
		if len(s) > 120 {
			return s[:120] + "…"
		}
		return s
	}
	var diffs []string
	switch g := any(got).(type) {
	case []string:
		w := any(want).([]string)
		for i := 0; i < max(len(g), len(w)); i++ {
			var a, b string
			if i < len(g) {
				a = g[i]
			}
			if i < len(w) {
				b = w[i]
			}
			if a != b {
				diffs = append(diffs, fmt.Sprintf("[%d] got %q want %q", i, cut(a), cut(b)))
			}
		}
	case map[string]string:
		w := any(want).(map[string]string)
		for k := range w {
			if g[k] != w[k] {
				diffs = append(diffs, fmt.Sprintf("%s: got %q want %q", k, cut(g[k]), cut(w[k])))
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: unexpected", k))
			}
		}
	}
	if len(diffs) > 10 {
		diffs = diffs[:10]
	}
	t.Fatalf("%s differ:\n%s", what, strings.Join(diffs, "\n"))
}

// source returns a migrated database on engine with test rows in every
// table, including extra_types.
func source(t *testing.T, engine string) storage.DB {
	db := storagetest.Migrated(t, engine)
	if err := db.Exec(context.Background(), extraTable); err != nil {
		t.Fatal(err)
	}
	fill(t, db, 40)
	return db
}

// emptyTarget returns a database on engine with only extra_types created.
func emptyTarget(t *testing.T, engine string) storage.DB {
	db := storagetest.Open(t, engine)
	if err := db.Exec(context.Background(), extraTable); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestBackupRestore backs up a database on each engine and restores it on
// each engine: the same tables, rows, checksums and answers.
func TestBackupRestore(t *testing.T) {
	lowerKeyBatch(t)
	ctx := context.Background()
	for _, from := range storagetest.EngineNames() {
		t.Run("from_"+from, func(t *testing.T) {
			src := source(t, from)
			want, wantAnswers := sums(t, src), answers(t, src)
			dir := filepath.Join(t.TempDir(), "backup")
			opts := small
			opts.Gzip = from == "chdb"
			opts.Tool = "test"
			m, err := Backup(ctx, src, dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			if m.SourceEngine != from || m.SchemaVersion == 0 || len(m.Tables) != len(want) {
				t.Fatalf("manifest: %+v", m)
			}
			if m.Tables[0].Name != "submissions" || m.Tables[1].Name != "smhi_releases" {
				t.Errorf("marker tables are not read first: %s, %s", m.Tables[0].Name, m.Tables[1].Name)
			}
			for _, tm := range m.Tables {
				if tm.Rows == 0 {
					t.Errorf("table %s is empty in the backup", tm.Name)
				}
			}
			if _, err := Check(dir); err != nil {
				t.Fatal(err)
			}
			for _, to := range storagetest.EngineNames() {
				t.Run("to_"+to, func(t *testing.T) {
					dst := emptyTarget(t, to)
					res, err := Restore(ctx, dst, dir, medium)
					if err != nil {
						t.Fatal(err)
					}
					if len(res) != len(want) || res[len(res)-1].Name != "smhi_releases" {
						t.Errorf("results %v", res)
					}
					equal(t, "checksums", sums(t, dst), want)
					equal(t, "answers", answers(t, dst), wantAnswers)
				})
			}
		})
	}
}

// TestRestoreRefuses: a damaged or partial backup and a non-empty target.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	storagetest.Engines(t, func(t *testing.T, src storage.DB) {
		fill(t, src, 5)
		dir := filepath.Join(t.TempDir(), "b")
		if _, err := Backup(ctx, src, dir, Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := Backup(ctx, src, dir, Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("backup into a used directory: %v", err)
		}
		dst := storagetest.Open(t, src.Engine())
		damage := func(name string, f func(dir string)) {
			t.Helper()
			bad := filepath.Join(t.TempDir(), "bad")
			copyDir(t, dir, bad)
			f(bad)
			_, err := Restore(ctx, dst, bad, Options{})
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("want an error about %q, got %v", name, err)
			}
			if n, _ := count(ctx, dst, "submission_files"); n != 0 {
				t.Errorf("a refused restore wrote %d rows", n)
			}
		}
		file := filepath.Join("submission_files.tsv")
		damage("submission_files.tsv (table submission_files) has SHA-256", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, file))
			data[len(data)/2] ^= 1
			os.WriteFile(filepath.Join(d, file), data, 0o644)
		})
		damage("submission_files.tsv (table submission_files) has", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, file))
			os.WriteFile(filepath.Join(d, file), data[:len(data)-10], 0o644)
		})
		damage("is missing", func(d string) { os.Remove(filepath.Join(d, "goals.tsv")) })
		damage("no manifest.json", func(d string) { os.Remove(filepath.Join(d, ManifestFile)) })
		damage("manifest says 4 rows", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, ManifestFile))
			data = []byte(strings.Replace(string(data), `"rows": 5,`, `"rows": 4,`, 1))
			os.WriteFile(filepath.Join(d, ManifestFile), data, 0o644)
		})
		damage("bad file name", func(d string) {
			data, _ := os.ReadFile(filepath.Join(d, ManifestFile))
			data = []byte(strings.Replace(string(data), `"file": "goals.tsv"`, `"file": "../goals.tsv"`, 1))
			os.WriteFile(filepath.Join(d, ManifestFile), data, 0o644)
		})

		// A target with rows is refused, unless forced: then the rows add up.
		if _, err := Restore(ctx, src, dir, Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("restore into a database with rows: %v", err)
		}
		before := sums(t, src)
		if _, err := Restore(ctx, src, dir, Options{Force: true}); err != nil {
			t.Fatal(err)
		}
		if n, _ := count(ctx, src, "goals"); n != 10 {
			t.Errorf("goals after a forced restore: %d rows, want 10", n)
		}
		if after := sums(t, src); after["goals"] == before["goals"] {
			t.Error("forced restore did not change goals")
		}
	})
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(from)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCopy copies chDB → server (the requirement) and server → chDB.
func TestCopy(t *testing.T) {
	lowerKeyBatch(t)
	ctx := context.Background()
	for _, dir := range [][2]string{{"chdb", "clickhouse"}, {"clickhouse", "chdb"}} {
		t.Run(dir[0]+"_to_"+dir[1], func(t *testing.T) {
			src := source(t, dir[0])
			dst := emptyTarget(t, dir[1])
			want, wantAnswers := sums(t, src), answers(t, src)
			res, err := Copy(ctx, src, dst, medium)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != len(want) {
				t.Errorf("copied %d tables, want %d", len(res), len(want))
			}
			for _, r := range res {
				if !strings.HasPrefix(want[r.Name], r.Checksum) {
					t.Errorf("%s: copy reports %s, source has %s", r.Name, r.Checksum, want[r.Name])
				}
			}
			equal(t, "checksums", sums(t, dst), want)
			equal(t, "answers", answers(t, dst), wantAnswers)
			if _, err := Copy(ctx, src, dst, medium); err == nil || !strings.Contains(err.Error(), "not empty") {
				t.Errorf("copy into a database with rows: %v", err)
			}
		})
	}
}

// TestFloatsIntoChdb: decimals that libchdb's text parser reads one unit in
// the last place off (4.81 → 4.8100000000000005) arrive exactly now that
// chDB inserts are binary, and copy and restore verify them exactly.
func TestFloatsIntoChdb(t *testing.T) {
	ctx := context.Background()
	const table = `CREATE TABLE measurements (k UInt32, x Float64, n Nullable(Float64)) ENGINE = MergeTree() ORDER BY k`
	src := storagetest.Migrated(t, "clickhouse")
	if err := src.Exec(ctx, table); err != nil {
		t.Fatal(err)
	}
	type row struct {
		K uint32   `ch:"k"`
		X float64  `ch:"x"`
		N *float64 `ch:"n"`
	}
	var rows []row
	for i := 0; i < 20000; i++ {
		x := float64(i) * 0.37 // 13 * 0.37 = 4.81
		rows = append(rows, row{uint32(i), x, &x})
	}
	if err := src.Insert(ctx, "measurements", rows); err != nil {
		t.Fatal(err)
	}
	check := func(res []TableResult) {
		t.Helper()
		i := slices.IndexFunc(res, func(r TableResult) bool { return r.Name == "measurements" })
		if i < 0 {
			t.Fatalf("no result for measurements: %+v", res)
		}
		if r := res[i]; r.Rows != 20000 {
			t.Errorf("measurements: %+v; want 20000 rows", r)
		}
	}
	dst := storagetest.Open(t, "chdb")
	if err := dst.Exec(ctx, table); err != nil {
		t.Fatal(err)
	}
	res, err := Copy(ctx, src, dst, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(res)
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := Backup(ctx, src, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	dst2 := storagetest.Open(t, "chdb")
	if err := dst2.Exec(ctx, table); err != nil {
		t.Fatal(err)
	}
	if res, err = Restore(ctx, dst2, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	check(res)
}
