package scb

import (
	"bytes"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
)

func parsePopulation(t *testing.T, b []byte, year int) (map[string]klimatrapport.Population, PopulationMeta, error) {
	t.Helper()
	got := map[string]klimatrapport.Population{}
	meta, err := ParsePopulation(bytes.NewReader(b), year, func(p klimatrapport.Population) error {
		got[p.AreaCode] = p
		return nil
	})
	return got, meta, err
}

func TestParsePopulationReal(t *testing.T) {
	pop, meta, err := parsePopulation(t, samples.Read(t, samples.Population), 0)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Year != 2024 || meta.Sheet != "Totalt" || meta.HeaderRow != 6 || meta.Rows != 312 {
		t.Errorf("meta = %+v", meta)
	}
	// Values as in the file (31 December 2024).
	for code, want := range map[string]int64{"1281": 131590, "00": 10587710, "12": 1428626, "0180": 995574, "0114": 50323, "01": 2473307} {
		if p := pop[code]; p.Persons != want || p.Year != 2024 {
			t.Errorf("%s = %+v, want %d in 2024", code, p, want)
		}
	}
	var counties, munis, sumCounties, sumMunis int64
	for code, p := range pop {
		switch len(code) {
		case 2:
			if code != SwedenCode {
				counties++
				sumCounties += p.Persons
			}
		case 4:
			munis++
			sumMunis += p.Persons
		default:
			t.Errorf("bad code %q", code)
		}
	}
	if counties != 21 || munis != 290 {
		t.Errorf("%d counties and %d municipalities, want 21 and 290", counties, munis)
	}
	if sumCounties != pop["00"].Persons || sumMunis != pop["00"].Persons {
		t.Errorf("Sweden %d, sum of counties %d, sum of municipalities %d", pop["00"].Persons, sumCounties, sumMunis)
	}
	// Every municipality of SCB's list has a population.
	for _, m := range names(t).Municipalities() {
		if _, ok := pop[m.Code]; !ok {
			t.Errorf("no population for %s %s", m.Code, m.Name)
		}
	}

	// A year given wins over the title.
	pop, meta, err = parsePopulation(t, samples.Read(t, samples.Population), 2023)
	if err != nil || meta.Year != 2023 || pop["1281"].Year != 2023 {
		t.Errorf("year 2023: %v %+v %+v", err, meta, pop["1281"])
	}
}

// TestParsePopulationLayouts: codes stored as numbers (as in SCB's sheets
// by sex), "1281 Lund" code cells, broken files.
func TestParsePopulationLayouts(t *testing.T) {
	title := []any{"Folkmängd i riket, län och kommuner 31 december 2023. Män"}
	header := []any{"Kommun", "Kommunnamn", "Folkmängd", "Folk-"}
	good := [][]any{title, nil, header, {"Län", "Länsnamn"},
		{nil, "Riket    ", 300},
		{1, "Stockholm", 100},
		{114, "Upplands Väsby", 100},
		{12, "Skåne", 200},
		{"1281 Lund", nil, 200.0},
		nil,
		{"1) Not om justeringar"},
	}
	pop, meta, err := parsePopulation(t, workbook(t, "Män", good), 0)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Year != 2023 || meta.Rows != 5 {
		t.Errorf("meta = %+v", meta)
	}
	for code, want := range map[string]int64{"00": 300, "01": 100, "0114": 100, "12": 200, "1281": 200} {
		if pop[code].Persons != want {
			t.Errorf("%s = %+v", code, pop[code])
		}
	}

	noYear := [][]any{{"Folkmängd i kommunerna"}, header, {1281, "Lund", 5}}
	_, _, err = parsePopulation(t, workbook(t, "Totalt", noYear), 0)
	wantInvalid(t, err, CodePopulationYear, "A2", "hittar inget år")
	if _, _, err := parsePopulation(t, workbook(t, "Totalt", noYear), 2024); err != nil {
		t.Errorf("with a year given: %v", err)
	}

	_, _, err = parsePopulation(t, workbook(t, "Totalt", [][]any{title, {"Kommun", "Namn", "Invånare"}, {1281, "Lund", 5}}), 0)
	wantInvalid(t, err, CodePopulationHeader, "", "Folkmängd")

	_, _, err = parsePopulation(t, workbook(t, "Totalt", [][]any{title, header, {1281, "Lund", "många"}}), 0)
	wantInvalid(t, err, CodePopulationNumber, "C3", "\"många\"", "1281")

	_, _, err = parsePopulation(t, workbook(t, "Totalt", [][]any{title, header, {1281, "Lund", 5}, {"1281", "Lund", 5}}), 0)
	wantInvalid(t, err, CodePopulationDupCode, "A4", "1281 finns redan på rad 3")

	_, _, err = parsePopulation(t, workbook(t, "Totalt", [][]any{title, header, {12811, "Lund", 5}}), 0)
	wantInvalid(t, err, CodePopulationBadCode, "A3", "\"12811\"")
}
