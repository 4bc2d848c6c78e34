package workbook

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport"
)

// countyLimits resolves names through SCB's real list.
func countyLimits(t testing.TB) Limits {
	names := scbNames(t)
	return Limits{NameToCode: names.Municipality, CountyToCode: names.County}
}

// TestSMHICountyCut: Skåne's rows cut out of SMHI's real export (the
// county's own rows and its municipalities', as SMHI's county export lists
// them) are read, for a region uploading for 12, as the county's
// inventory: every county-level sector and subsector value, none of the
// municipalities'.
func TestSMHICountyCut(t *testing.T) {
	b, kept := cutRows(t, smhiSample(t), func(c []string) bool { return c[2] == "Skåne län" })
	want, munis := 0, 0
	for _, r := range kept {
		if r[3] != "Alla" {
			munis++
			continue
		}
		if r[0] == "Alla" {
			continue // the total is checked, not stored
		}
		for _, c := range r[4:] {
			if c != "" {
				want++
			}
		}
	}
	if want == 0 || munis == 0 {
		t.Fatalf("the cut has %d county values and %d municipality rows", want, munis)
	}
	rep, items, err := Check(bytes.NewReader(b), int64(len(b)), countyLimits(t),
		ValidationContext{UploaderCode: "12", Today: date(2024, 5, 1), KnownCode: knownCodes})
	if err != nil {
		t.Fatal(err)
	}
	if items.HasErrors() {
		t.Fatalf("rejected: %s", mustJSON(t, items))
	}
	if rep.Details.Code != "12" || rep.Details.Name != "Skåne län" || len(rep.Inventory) != want {
		t.Fatalf("details %+v, %d values, want code 12 and %d values", rep.Details, len(rep.Inventory), want)
	}
	// Lund's Transporter row and Skåne's differ: the county's was taken.
	for _, r := range kept {
		if r[0] == "Transporter" && r[1] == "Alla" && r[3] == "Alla" {
			x, _ := parseNumber(r[4])
			for _, v := range rep.Inventory {
				if v.Sector == "Transporter" && v.Subsector == "" && v.Year == 1990 && (v.Tonnes == nil || *v.Tonnes != x) {
					t.Errorf("Transporter 1990: %v, want the county's %v", v.Tonnes, x)
				}
			}
		}
	}
}

// TestSMHITwoCounties: a region's file with two counties' rows is an error
// naming both, once for the other county however many rows it has; its
// municipalities' rows are that county's too.
func TestSMHITwoCounties(t *testing.T) {
	b, _ := cutRows(t, smhiSample(t), func(c []string) bool { return c[2] == "Skåne län" || c[2] == "Blekinge län" })
	_, items, err := Check(bytes.NewReader(b), int64(len(b)), countyLimits(t),
		ValidationContext{UploaderCode: "12", Today: date(2024, 5, 1), KnownCode: knownCodes})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.Code == CodeSeveralCounties {
			n++
			if !strings.Contains(it.Message, "Blekinge län") || !strings.Contains(it.Message, "Skåne län") {
				t.Errorf("the message does not name both counties: %s", it.Message)
			}
		}
	}
	if n != 1 || !items.HasErrors() {
		t.Errorf("%d %s items, want 1: %s", n, CodeSeveralCounties, mustJSON(t, items))
	}
}

// TestSMHICountyTotals: a county's total that its sectors do not sum to is
// worded for the county.
func TestSMHICountyTotals(t *testing.T) {
	b := smhiTestWorkbook(t, [][]any{
		{"Alla", "Alla", "Alla", "Alla", 500.0, 500, 500},
		{"Alla", "Alla", "Skåne län", "Alla", 100.0, 100, 100},
		{"Transporter", "Alla", "Skåne län", "Alla", 60.0, 60, 60},
		{"Jordbruk", "Alla", "Skåne län", "Alla", 40.5, 40, 40},
		{"Transporter", "Alla", "Skåne län", "Lund", 6.0, 6, 6},
	})
	rep, items, err := Check(bytes.NewReader(b), int64(len(b)), countyLimits(t),
		ValidationContext{UploaderCode: "12", Today: date(2024, 5, 1), KnownCode: knownCodes})
	if err != nil {
		t.Fatal(err)
	}
	if items.HasErrors() || len(rep.Inventory) != 6 {
		t.Fatalf("%d values, items %s", len(rep.Inventory), mustJSON(t, items))
	}
	var got []string
	for _, it := range items {
		if it.Code == CodeSumMismatch {
			got = append(got, it.Cell+" "+it.Message)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "E8 Länets totala utsläpp 2020") {
		t.Errorf("totals items %q", got)
	}
}

// TestSMHIWrongLevel: an SMHI export of the other level than the uploader's
// (a municipality's rows for a region, a county's only for a municipality)
// is refused with a message saying which export to take, not read as an
// empty inventory.
func TestSMHIWrongLevel(t *testing.T) {
	lund, _ := cutRows(t, smhiSample(t), func(c []string) bool { return c[3] == "Lund" })
	skane, _ := cutRows(t, smhiSample(t), func(c []string) bool { return c[2] == "Skåne län" && c[3] == "Alla" })
	for _, tc := range []struct {
		name, uploader string
		file           []byte
		says           string
	}{
		{"a municipality's file for a region", "12", lund, "länets"},
		{"a county's file for a municipality", "1281", skane, "kommunens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, items, err := Check(bytes.NewReader(tc.file), int64(len(tc.file)), countyLimits(t),
				ValidationContext{UploaderCode: tc.uploader, Today: date(2024, 5, 1), KnownCode: knownCodes})
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, it := range items {
				found = found || it.Code == CodeWrongLevel && it.Severity == klimatrapport.SeverityError && strings.Contains(it.Message, tc.says)
			}
			if !found || len(rep.Inventory) != 0 {
				t.Errorf("%d values, items %s; want none and a %s error saying %q", len(rep.Inventory), mustJSON(t, items), CodeWrongLevel, tc.says)
			}
		})
	}
}
