package national_test

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestRegistersNewestWins: the municipality list and the population are
// registers; an import made at the same instant as the one before still
// replaces it (the store's clock gives every import a larger version).
func TestRegistersNewestWins(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
		s := &national.Store{DB: db, Now: func() time.Time { return at }}
		for _, name := range []string{"Lund", "Lunda", "Lund"} {
			csv := "kommunkod,kommunnamn,länskod,länsnamn\n1281," + name + ",12,Skåne län\n1280,Malmö,12,Skåne län\n"
			if _, err := s.ImportMunicipalities(ctx, kr.System(), bytes.NewReader([]byte(csv))); err != nil {
				t.Fatal(err)
			}
			munis, err := s.Municipalities(ctx)
			if err != nil || len(munis) != 2 || munis[1].Code != "1281" || munis[1].Name != name || munis[1].CountyName != "Skåne län" {
				t.Fatalf("after importing %q: %+v %v", name, munis, err)
			}
			names, err := s.Names(ctx)
			if code, ok := names.Municipality(name); err != nil || !ok || code != "1281" {
				t.Fatalf("names after importing %q: %q %v %v", name, code, ok, err)
			}
		}
		pop := samples.Read(t, samples.Population)
		for _, year := range []int{2024, 2024} {
			if _, err := s.ImportPopulation(ctx, kr.System(), bytes.NewReader(pop), year); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := s.Population(ctx)
		if err != nil || len(rows) != 312 {
			t.Fatalf("%d population rows after importing the same table twice: %v", len(rows), err)
		}
	})
}

// TestImportSMHIGGT imports SMHI's 2026 release of all greenhouse gases by
// main sector: another substance and other years than the CO2 file, and a
// release whose totals all equal their parts.
func TestImportSMHIGGT(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ctx := context.Background()
		s := &national.Store{DB: db}
		if _, err := s.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(samples.Read(t, samples.Municipalities))); err != nil {
			t.Fatal(err)
		}
		sum, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "ggt.xlsx", Content: samples.Read(t, samples.GGT)})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Release.Substance != national.AllGHG || sum.Release.ReleaseDate.Format(time.DateOnly) != "2026-04-15" ||
			sum.Rows != 3120 || sum.Release.Values != 31200 || len(sum.Mismatches) != 0 || sum.Municipalities != 290 {
			t.Fatalf("summary %+v", sum)
		}
		total, _, err := s.Values(ctx, national.Query{Codes: []string{"1281"}, From: 2024, To: 2024})
		if err != nil || len(total) != 1 || total[0].Tonnes != 209790.69 {
			t.Fatalf("Lund 2024: %+v %v", total, err)
		}
		sectors, _, err := s.Values(ctx, national.Query{Codes: []string{"1281"}, From: 2024, To: 2024, BySector: true})
		if err != nil || len(sectors) != 9 {
			t.Fatalf("Lund's sectors 2024: %+v %v", sectors, err)
		}
		sectorSum := 0.0
		for _, v := range sectors {
			sectorSum += v.Tonnes
		}
		if math.Abs(sectorSum-total[0].Tonnes) > 0.01 {
			t.Errorf("Lund's sectors sum to %v, its total is %v", sectorSum, total[0].Tonnes)
		}
	})
}
