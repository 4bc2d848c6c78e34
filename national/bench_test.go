package national_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/national/smhi"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// bareRead is excelize's streaming read of every row of every sheet: the
// floor an import can reach.
func bareRead(b []byte) error {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	defer f.Close()
	for _, s := range f.GetSheetList() {
		rows, err := f.Rows(s)
		if err != nil {
			return err
		}
		for rows.Next() {
			if _, err := rows.Columns(); err != nil {
				return err
			}
		}
		rows.Close()
	}
	return nil
}

// placesCSV writes places in SCB's municipality list layout.
func placesCSV(munis []kr.Municipality) []byte {
	var b bytes.Buffer
	b.WriteString("municipality_code,municipality_name,municipality_name_short,county_code,county_name,county_name_short\n")
	for _, m := range munis {
		fmt.Fprintf(&b, "%s,%s kommun,%s,%s,%s,%s\n", m.Code, m.Name, m.Name, m.CountyCode, m.CountyName, m.CountyName)
	}
	return b.Bytes()
}

func benchmarkImport(b *testing.B, file, places []byte) {
	b.Run("bare-excelize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := bareRead(file); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, e := range storagetest.EngineNames() {
		b.Run("import-"+e, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storagetest.Migrated(b, e)
				s := &national.Store{DB: db}
				if _, err := s.ImportMunicipalities(ctx, kr.System(), bytes.NewReader(places)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := s.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "bench.xlsx", Content: file})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(sum.Release.Values), "values")
			}
		})
	}
}

// BenchmarkImportSMHI: the real national CO2 file.
func BenchmarkImportSMHI(b *testing.B) {
	benchmarkImport(b, samples.Read(b, samples.SMHI), samples.Read(b, samples.Municipalities))
}

// BenchmarkImportSMHISynthetic10x: a generated file ten times larger, all
// seven substances.
func BenchmarkImportSMHISynthetic10x(b *testing.B) {
	var buf bytes.Buffer
	if err := smhi.WriteSynthetic(&buf, nil, 10); err != nil {
		b.Fatal(err)
	}
	munis, _ := smhi.SyntheticPlaces()
	benchmarkImport(b, buf.Bytes(), placesCSV(munis))
}
