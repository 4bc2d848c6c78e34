package scb

import (
	"bytes"
	"testing"
)

// TestParseMunicipalitiesWindows1252: a list saved as Windows-1252 reads the
// bytes Latin-1 lacks (0x80–0x9F: "–", "’", "€") as those characters, not as
// control characters.
func TestParseMunicipalitiesWindows1252(t *testing.T) {
	csv := []byte("kommunkod;kommunnamn;l\xe4nskod;l\xe4nsnamn\n" +
		"1281;Lunds kommun;12;Sk\xe5ne l\xe4n \x96 S\x92yd\n" +
		"0180;Stockholms stad;01;Stockholms l\xe4n\n")
	munis, counties, err := ParseMunicipalities(bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(munis) != 2 || munis[0].Name != "Lund" || munis[1].Name != "Stockholm" {
		t.Fatalf("municipalities %+v", munis)
	}
	if want := "Skåne län – S’yd"; counties[1].Name != want || munis[0].CountyName != want {
		t.Errorf("county %q (municipality's %q), want %q", counties[1].Name, munis[0].CountyName, want)
	}
	// A UTF-8 file with a byte order mark is read as UTF-8.
	utf := append([]byte("\xef\xbb\xbf"), []byte("kommunkod,kommunnamn\n1281,Lunds kommun – test\n")...)
	munis, _, err = ParseMunicipalities(bytes.NewReader(utf))
	if err != nil || munis[0].Name != "Lunds kommun – test" {
		t.Errorf("UTF-8 with BOM: %+v %v", munis, err)
	}
}
