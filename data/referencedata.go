// Package referencedata is the public reference data the service ships
// with, embedded in the binary so that it works from any directory: SCB's
// municipality list and population table and SMHI's newest releases (all
// greenhouse gases and CO2). serve imports it into an empty database on
// its first start (internal/app, reference.go); README.md beside this file
// gives each file's source, licence and date.
package referencedata

import (
	"embed"
	"fmt"
)

//go:embed scb/municipality_county.csv scb/be0101-population-2024.xlsx smhi/ggt-2026-04-15-sektorer.xlsx smhi/smhi-co2-2024-04-18.xlsx
var files embed.FS

// The bundled files, by their path in this directory.
const (
	Municipalities = "scb/municipality_county.csv"     // SCB's municipalities with their counties
	Population     = "scb/be0101-population-2024.xlsx" // SCB's BE0101, 31 December 2024
	GGT            = "smhi/ggt-2026-04-15-sektorer.xlsx"
	CO2            = "smhi/smhi-co2-2024-04-18.xlsx"
)

// SMHIRelease is a bundled SMHI export and the substance it is a release of.
type SMHIRelease struct {
	File      string
	Substance string
	Pages     bool // the pages show it (the default substance); the others are for the API
}

// SMHI are the bundled SMHI releases, the one the pages show (all
// greenhouse gases) first.
var SMHI = []SMHIRelease{{GGT, "GGT", true}, {CO2, "CO2", false}}

// Read returns a bundled file's bytes.
func Read(name string) ([]byte, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("referencedata: %w", err)
	}
	return b, nil
}
