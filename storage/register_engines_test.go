package storage_test

import (
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestRegisterOnEngines: a register row embedding Change goes in and comes
// out whole on both engines, and Latest picks each key's newest version.
func TestRegisterOnEngines(t *testing.T) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) {
			db := storagetest.Open(t, e)
			if err := db.Exec(ctx, `CREATE TABLE reg (k String, v String, changed_by String, changed_at DateTime('UTC'), version UInt64)
				ENGINE = MergeTree() ORDER BY (k, version)`); err != nil {
				t.Fatal(err)
			}
			type regRow struct {
				K string `ch:"k"`
				V string `ch:"v"`
				storage.Change
			}
			var clock storage.Clock
			at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
			row := func(k, v string) regRow {
				return regRow{K: k, V: v, Change: storage.Change{By: "anna", At: at, Version: clock.Version(at)}}
			}
			// Same instant each time: the clock alone orders the versions.
			if err := db.Insert(ctx, "reg", []regRow{row("a", "1"), row("b", "1"), row("a", "2")}); err != nil {
				t.Fatal(err)
			}
			if err := db.Insert(ctx, "reg", []regRow{row("a", "3")}); err != nil {
				t.Fatal(err)
			}
			var got []regRow
			if err := db.Select(ctx, &got, storage.Latest("reg", []string{"k"}, []string{"v", "changed_by", "changed_at"}, "")+" ORDER BY k"); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].V != "3" || got[1].V != "1" || got[0].By != "anna" || !got[0].At.Equal(at) {
				t.Errorf("latest rows: %+v", got)
			}
			var one []regRow
			if err := db.Select(ctx, &one, storage.Latest("reg", []string{"k"}, []string{"v"}, "WHERE k = ?"), "b"); err != nil {
				t.Fatal(err)
			}
			if len(one) != 1 || one[0].V != "1" {
				t.Errorf("latest of b: %+v", one)
			}
		})
	}
}
