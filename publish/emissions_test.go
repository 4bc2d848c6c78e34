package publish_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestEmissionsFromSnapshot: the emissions the snapshot answers are, JSON
// byte for byte, the database's answer (figures.Data.Emissions) to the same
// query, and read nothing from the database once the snapshot has the
// reported figures; other releases and substances are left to the database.
func TestEmissionsFromSnapshot(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		cdb := &storagetest.Recorder{DB: db}
		w := newWorld(t, cdb)
		for i, code := range []string{"1281", "1280", "0180"} {
			rep := &kr.Report{Details: kr.Details{Code: code, ReportYear: 2024}}
			for j, s := range kr.MainSectors() {
				for _, y := range []int{2019, 2021, 2022} {
					rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(i+1)*1000.1 + float64(j)*0.37 + float64(y%7)/3)})
				}
			}
			w.submit(t, rep)
		}
		snap, err := w.svc.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		release, _ := time.Parse(time.DateOnly, "2024-04-18")
		other, _ := time.Parse(time.DateOnly, "2020-01-01")
		held := []figures.EmissionsQuery{
			{},
			{BySector: true},
			{PerCapita: true},
			{BySector: true, PerCapita: true, From: 2010, To: 2015},
			{Source: "smhi", Codes: []string{"1281", "1280", "1281"}, From: 2022, To: 2022, PerCapita: true},
			{Codes: []string{"12", "00", "0180"}, BySector: true},
			{Codes: []string{"00"}, PerCapita: true},
			{Codes: []string{"9999"}},
			{From: 2030},
			{From: 2015, To: 2010},
			{Codes: []string{"1281"}, Release: release, Substance: "CO2"},
			{Source: "reported"},
			{Source: "reported", BySector: true, PerCapita: true},
			{Source: "reported", Codes: []string{"1281", "0180", "00"}, From: 2021},
			{Source: "reported", Codes: []string{"1280"}, BySector: true, To: 2021, Release: other, Substance: "CH4"},
			{Source: "reported", Codes: []string{"2584"}},
			{Source: "nonsense"},
		}
		for _, q := range held {
			before := cdb.Count()
			got, ok, gotErr := snap.Emissions(ctx, q)
			if n := cdb.Count() - before; n != 0 {
				t.Errorf("%+v: %d database queries, want none", q, n)
			}
			want, wantErr := w.Data().Emissions(ctx, q)
			if !ok || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%+v: held %v, error %v; the database's %v", q, ok, gotErr, wantErr)
				continue
			}
			if g, w := jsonOf(t, got), jsonOf(t, want); !bytes.Equal(g, w) {
				t.Errorf("%+v:\n snapshot %.600s\n database %.600s", q, g, w)
			}
		}
		for _, q := range []figures.EmissionsQuery{{Release: other}, {Substance: "CH4"}, {Codes: []string{"99"}}, {Release: release, Substance: "GGT"}} {
			if _, ok, _ := snap.Emissions(ctx, q); ok {
				t.Errorf("%+v: answered from the snapshot, which does not hold it", q)
			}
		}
	})
}

func jsonOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
