package storage_test

// The storage contract: the same cases on embedded chDB and on a ClickHouse
// server. Whatever the rest of the service relies on from a DB is here.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/schema"
	"github.com/klimatkommunerna/klimatrapport/storage/chdb"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) {
	if os.Getenv("CONTRACT_CHILD") != "" {
		os.Exit(child())
	}
	storagetest.Main(m)
}

var ctx = context.Background()

func TestSchemaTwice(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Open(t, e)
			ms, err := schema.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			n, err := schema.Migrate(ctx, db)
			if err != nil || n != len(ms) {
				t.Fatalf("first migrate: applied %d of %d, err %v", n, len(ms), err)
			}
			n, err = schema.Migrate(ctx, db)
			if err != nil || n != 0 {
				t.Fatalf("second migrate: applied %d, err %v; want 0, nil", n, err)
			}
			v, err := schema.Version(ctx, db)
			if err != nil || v != ms[len(ms)-1].Version {
				t.Fatalf("version %d, %v; want %d", v, err, ms[len(ms)-1].Version)
			}
			var tables []struct {
				N uint64 `ch:"n"`
			}
			if err := db.Select(ctx, &tables, "SELECT count() AS n FROM system.tables WHERE database = ? AND name IN ('submissions', 'inventory_values', 'smhi_values', 'accounts')", db.Database()); err != nil {
				t.Fatal(err)
			}
			if tables[0].N != 4 {
				t.Fatalf("found %d of the 4 core tables", tables[0].N)
			}
		})
	}
}

// every holds one value of each column type the schema uses.
type every struct {
	ID    string     `ch:"id"`
	S     string     `ch:"s"`
	U8    uint8      `ch:"u8"`
	U16   uint16     `ch:"u16"`
	U32   uint32     `ch:"u32"`
	U64   uint64     `ch:"u64"`
	F     float64    `ch:"f"`
	NF    *float64   `ch:"nf"`
	D     time.Time  `ch:"d"`
	ND    *time.Time `ch:"nd"`
	TS    time.Time  `ch:"ts"`
	E     string     `ch:"e"`
	Years []uint16   `ch:"years"`
	Strs  []string   `ch:"strs"`
}

const everyTable = `CREATE TABLE every (
    id UUID, s String, u8 UInt8, u16 UInt16, u32 UInt32, u64 UInt64,
    f Float64, nf Nullable(Float64), d Date, nd Nullable(Date), ts DateTime('UTC'),
    e Enum8('accepted' = 1, 'rejected' = 2), years Array(UInt16), strs Array(String)
) ENGINE = MergeTree() ORDER BY id`

const everySelect = "SELECT toString(id) AS id, s, u8, u16, u32, u64, f, nf, d, nd, ts, toString(e) AS e, years, strs FROM every"

func hostileStrings() []string {
	return []string{
		"", "plain", "Malmö, Göteborg, Åre", "O'Hara", `back\slash`, `\\`, `\'`, `\N`,
		"tab\there", "new\nline", "cr\rlf", "'; DROP TABLE every; --", `"); DROP TABLE every; --`,
		"nul\x00byte", "emoji 🌍🔥", "{p0:String}", "?", "? OR 1=1", "</script><script>alert(1)</script>",
		"=cmd|' /C calc'!A0", strings.Repeat("åäö€", 25_000), // 100 kB+
	}
}

func TestEveryTypeAndHostileStrings(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Open(t, e)
			if err := db.Exec(ctx, everyTable); err != nil {
				t.Fatal(err)
			}
			f := 12.25
			d := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
			var want []every
			for i, s := range hostileStrings() {
				want = append(want, every{
					ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), S: s,
					U8: 255, U16: 2024, U32: 4_000_000_000, U64: 1 << 62, F: -1.5e-7, NF: &f, D: d, ND: &d,
					TS: time.Date(2026, 11, 26, 13, 14, 15, 0, time.UTC), E: "rejected",
					Years: []uint16{1990, 2005, 2022}, Strs: []string{s, "x'y", "a\tb"},
				})
			}
			want = append(want, every{ID: "00000000-0000-4000-8000-999999999999", E: "accepted", D: d, TS: d, Years: []uint16{}, Strs: []string{}})
			if err := db.Insert(ctx, "every", want); err != nil {
				t.Fatal(err)
			}
			var got []every
			if err := db.Select(ctx, &got, everySelect+" ORDER BY id"); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("read %d rows, wrote %d", len(got), len(want))
			}
			for i := range want {
				if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) && !equalEvery(got[i], want[i]) {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, short(got[i]), short(want[i]))
				}
			}
			// Each hostile string is also a safe argument.
			for _, s := range hostileStrings() {
				var rows []every
				if err := db.Select(ctx, &rows, everySelect+" WHERE s = ? AND has(strs, ?)", s, s); err != nil {
					t.Fatalf("select with %q: %v", trunc(s), err)
				}
				if len(rows) != 1 || rows[0].S != s {
					t.Errorf("select with %q found %d rows", trunc(s), len(rows))
				}
			}
			var in []every
			if err := db.Select(ctx, &in, everySelect+" WHERE has(?, s) ORDER BY id", hostileStrings()[:6]); err != nil {
				t.Fatal(err)
			}
			if len(in) != 7 { // the empty string matches the last row too
				t.Errorf("has(array arg) found %d rows, want 7", len(in))
			}
		})
	}
}

func equalEvery(a, b every) bool {
	if a.NF == nil || b.NF == nil || a.ND == nil || b.ND == nil {
		return a.NF == nil && b.NF == nil && a.ND == nil && b.ND == nil &&
			fmt.Sprint(a.ID, a.S, a.Years, a.Strs, a.E) == fmt.Sprint(b.ID, b.S, b.Years, b.Strs, b.E)
	}
	return *a.NF == *b.NF && a.ND.Equal(*b.ND) && a.D.Equal(b.D) && a.TS.Equal(b.TS) &&
		fmt.Sprint(a.ID, a.S, a.U8, a.U16, a.U32, a.U64, a.F, a.E, a.Years, a.Strs) ==
			fmt.Sprint(b.ID, b.S, b.U8, b.U16, b.U32, b.U64, b.F, b.E, b.Years, b.Strs)
}

func short(e every) every { e.S = trunc(e.S); e.Strs = nil; return e }

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func TestConcurrentQueries(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Migrated(t, e)
			var wg sync.WaitGroup
			errs := make(chan error, 400)
			for g := 0; g < 40; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 10; i++ {
						var r []struct {
							N uint64 `ch:"n"`
						}
						if err := db.Select(ctx, &r, "SELECT toUInt64(?) + toUInt64(?) AS n", g, i); err != nil {
							errs <- err
							return
						}
						if r[0].N != uint64(g+i) {
							errs <- fmt.Errorf("goroutine %d: got %d want %d", g, r[0].N, g+i)
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Open(t, e)
			c, cancel := context.WithCancel(ctx)
			cancel()
			err := db.Ping(c)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("ping with a cancelled context: %v, want context.Canceled", err)
			}
		})
	}
}

// TestChdbReopen writes in one process and reads in another: the data path
// keeps its data across restarts. (chDB opens one path per process, so the
// test runs two child processes of its own.)
func TestChdbReopen(t *testing.T) {
	storagetest.ChdbPath(t) // fails early without libchdb
	dir := t.TempDir()
	run := func(mode string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "CONTRACT_CHILD="+mode, "CONTRACT_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child %s: %v\n%s", mode, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("write")
	if got := run("read"); !strings.HasSuffix(got, "rows=3 migrations-applied=0") {
		t.Fatalf("after reopen: %q, want rows=3 and nothing to migrate", got)
	}
}

func child() int {
	db, err := chdb.Open(ctx, os.Getenv("CONTRACT_DIR"), "reopen")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer db.Close()
	n, err := schema.Migrate(ctx, db)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	if os.Getenv("CONTRACT_CHILD") == "write" {
		type c struct {
			Code    string `ch:"code"`
			Name    string `ch:"name"`
			Version uint64 `ch:"version"`
		}
		if err := db.Insert(ctx, "counties", []c{{"12", "Skåne län", 1}, {"01", "Stockholms län", 1}, {"14", "Västra Götalands län", 1}}); err != nil {
			fmt.Println(err)
			return 1
		}
		return 0
	}
	var r []struct {
		N uint64 `ch:"n"`
	}
	if err := db.Select(ctx, &r, "SELECT count() AS n FROM counties"); err != nil {
		fmt.Println(err)
		return 1
	}
	fmt.Printf("rows=%d migrations-applied=%d\n", r[0].N, n)
	return 0
}

// TestFloatsExact: every Float64 comes back bit for bit (libchdb's text
// parser rounded about one value in 100 000; inserts are binary now).
func TestFloatsExact(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Open(t, e)
			if err := db.Exec(ctx, "CREATE TABLE fl (i UInt32, v Float64) ENGINE = MergeTree() ORDER BY i"); err != nil {
				t.Fatal(err)
			}
			type fl struct {
				I uint32  `ch:"i"`
				V float64 `ch:"v"`
			}
			rng := rand.New(rand.NewSource(1))
			var want []fl
			for i, v := range []float64{4.81, 0.1, 1e-300, 5e-324, 123456.789, math.Copysign(0, -1), 1.7976931348623157e308} {
				want = append(want, fl{uint32(i), v})
			}
			for i := len(want); i < 20000; i++ {
				want = append(want, fl{uint32(i), math.Float64frombits(rng.Uint64()&^(0x7ff<<52) | uint64(rng.Intn(2046)+1)<<52)})
			}
			if err := db.Insert(ctx, "fl", want); err != nil {
				t.Fatal(err)
			}
			var got []fl
			if err := db.Select(ctx, &got, "SELECT i, v FROM fl ORDER BY i"); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			bad := 0
			for i := range want {
				if math.Float64bits(got[i].V) != math.Float64bits(want[i].V) && !(got[i].V == 0 && want[i].V == 0) {
					if bad++; bad <= 3 {
						t.Errorf("row %d: %v came back as %v", i, want[i].V, got[i].V)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d floats changed", bad, len(want))
			}
		})
	}
}
