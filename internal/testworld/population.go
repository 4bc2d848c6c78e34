package testworld

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national/scb"
)

// PopulationTable is SCB's population table (BE0101, in SCB's layout: a
// title naming the year, the header "Kommun | Kommunnamn | Folkmängd", a
// row per area) for year, with the sample's 2024 figures times factor,
// rounded: another year's table whose figures differ from 2024's, for
// tests of per capita with each year's own population.
func PopulationTable(t testing.TB, year int, factor float64) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Totalt"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	set := func(row int, values ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			t.Fatal(err)
		}
	}
	set(1, "Folkmängd i riket, län och kommuner 31 december "+strconv.Itoa(year))
	set(3, "Kommun", "Kommunnamn", "Folkmängd")
	row := 4
	if _, err := scb.ParsePopulation(samples.Open(t, samples.Population), 2024, func(p kr.Population) error {
		set(row, p.AreaCode, "", int64(math.Round(float64(p.Persons)*factor)))
		row++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ImportPopulationYear imports PopulationTable(year, factor) through the
// normal import, beside the years already stored.
func (w *World) ImportPopulationYear(t testing.TB, year int, factor float64) {
	t.Helper()
	if _, err := w.National.ImportPopulation(context.Background(), kr.System(), bytes.NewReader(PopulationTable(t, year, factor)), 0); err != nil {
		t.Fatal(err)
	}
}
