package smhi

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/national/internal/sheet"
)

// Places turns the place names of SMHI's export into SCB codes;
// *scb.Names is one.
type Places interface {
	County(name string) (code string, ok bool)
	Municipality(name string) (code string, ok bool)
}

// Reader reads SMHI's export layout from rows fed to it one at a time, so
// that any spreadsheet reader can drive it: Parse feeds it excelize's
// rows, package workbook its own reader's. Call StartSheet, then Row for each
// row of the sheet (empty rows may be left out), then EndSheet; then the next
// sheet. Meta describes everything read.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	places Places // nil: names are kept, not resolved

	// Caches from a raw cell string to its meaning. SMHI's files repeat a
	// few hundred distinct strings; each is resolved once.
	mains    map[string]string    // → main sector, "" for Alla
	subs     map[[2]string]string // main sector and raw subsector → subsector, "" for Alla
	counties map[string]area      // → county
	munis    map[string]area      // → municipality

	normalised map[string]string
	meta       Meta

	// The sheet being read.
	sheet     Sheet
	title     titleInfo
	yearOf    []int // by 0-based column; 0 where the column has no year
	colOf     map[int]int
	notSMHI   bool // no header in the first rows: the rest is not looked at
	substance string
}

// NewReader returns a Reader that turns place names into codes with places.
// With places nil, names are not resolved: rows keep the names (County,
// Municipality) and their level, with empty codes, and an unknown name is
// no error (a member's upload names its own municipality, which the caller
// resolves).
func NewReader(places Places) *Reader {
	return &Reader{
		places:     places,
		mains:      make(map[string]string, 16),
		subs:       make(map[[2]string]string, 64),
		counties:   make(map[string]area, 32),
		munis:      make(map[string]area, 320),
		normalised: map[string]string{},
	}
}

// StartSheet begins reading a sheet.
func (r *Reader) StartSheet(name string) {
	r.sheet = Sheet{Name: name}
	r.title = titleInfo{}
	r.yearOf, r.colOf, r.notSMHI, r.substance = nil, nil, false, ""
}

// Done reports that the rest of the sheet need not be fed: it had no header
// row in its first rows, so it is not SMHI data.
func (r *Reader) Done() bool { return r.notSMHI }

// Row takes row number row (1-based) of the sheet and returns the data row
// it holds, if it is one (ok). Rows above the header are title rows; the
// header row sets the year columns and the substance. An error names the
// cell; after one in a data row, out holds what was read before the problem
// (its place, when the problem is in its values), and the Reader may be fed
// on (a caller collecting problems skips the row) or dropped.
func (r *Reader) Row(row int, cells []string) (out Row, ok bool, err error) {
	if r.notSMHI {
		return out, false, nil
	}
	if r.sheet.HeaderRow == 0 {
		return out, false, r.beforeHeader(row, cells)
	}
	return r.dataRow(cells, row)
}

// EndSheet finishes the sheet and returns its description; found is false
// for a sheet without SMHI's header row.
func (r *Reader) EndSheet() (Sheet, bool) {
	if r.sheet.HeaderRow == 0 {
		return r.sheet, false
	}
	m := &r.meta
	m.Sheets = append(m.Sheets, r.sheet)
	m.Rows += r.sheet.Rows
	if len(m.Sheets) == 1 {
		m.Substance, m.SubstanceName, m.Unit, m.Years = r.sheet.Substance, r.sheet.SubstanceName, r.sheet.Unit, r.sheet.Years
	}
	return r.sheet, true
}

// Sheet describes the sheet being read so far: HeaderRow is 0 until its
// header row has been fed.
func (r *Reader) Sheet() Sheet { return r.sheet }

// Column returns the 0-based column of a year in the sheet being read.
func (r *Reader) Column(year int) (int, bool) {
	c, ok := r.colOf[year]
	return c, ok
}

// Meta describes what was read so far: the sheets ended with EndSheet and
// the spellings corrected.
func (r *Reader) Meta() Meta {
	m := r.meta
	m.Sheets = slices.Clone(m.Sheets)
	m.Normalised = make([]Normalisation, 0, len(r.normalised))
	for _, from := range slices.Sorted(maps.Keys(r.normalised)) {
		m.Normalised = append(m.Normalised, Normalisation{From: from, To: r.normalised[from]})
	}
	return m
}

// beforeHeader takes a row above the header: the header itself, a title
// row, or data without a header (an error).
func (r *Reader) beforeHeader(row int, cells []string) error {
	if len(cells) == 0 {
		return nil
	}
	if IsHeader(cells) {
		r.sheet.HeaderRow = row
		return r.startData(cells)
	}
	if looksLikeData(cells) {
		return invalid(CodeMissingHeader, r.sheet.Name, row, 0,
			"Blad %q: rubrikraden \"Huvudsektor | Undersektor | Län | Kommun | årtal\" saknas. "+
				"Rad %d ser ut som data men står före rubrikraden. Lägg tillbaka rubrikraden ovanför första dataraden.",
			r.sheet.Name, row)
	}
	if row >= sheet.TitleRows {
		r.notSMHI = true
		return nil
	}
	r.title.scan(cells)
	return nil
}

// startData takes the header row: it finds the year of each column (in the
// header itself or in the row of years above it) and the substance.
func (r *Reader) startData(header []string) error {
	sm := &r.sheet
	width := max(len(header), len(r.title.yearRow))
	r.yearOf = make([]int, width)
	r.colOf = map[int]int{}
	var labels []string
	for col := 4; col < width; col++ {
		y := 0
		if col < len(header) {
			y = sheet.ParseYear(header[col])
			if y == 0 && strings.TrimSpace(header[col]) != "" {
				labels = append(labels, header[col])
			}
		}
		if y == 0 && col < len(r.title.yearRow) {
			y = sheet.ParseYear(r.title.yearRow[col])
		}
		if y == 0 {
			continue
		}
		if prev, dup := r.colOf[y]; dup {
			return invalid(CodeDuplicateYear, sm.Name, sm.HeaderRow, col+1,
				"Blad %q: året %d står i två kolumner (%s och %s). Varje år får bara ha en kolumn.",
				sm.Name, y, sheet.ColumnName(prev+1), sheet.ColumnName(col+1))
		}
		r.colOf[y] = col
		r.yearOf[col] = y
		sm.Years = append(sm.Years, y)
	}
	if len(sm.Years) == 0 {
		return invalid(CodeNoYears, sm.Name, sm.HeaderRow, 5,
			"Blad %q: hittar inga årtal i rubrikraden (rad %d) eller i raden ovanför. Kolumnerna efter \"Kommun\" ska ha ett årtal var, t.ex. 1990, 2005, 2022.",
			sm.Name, sm.HeaderRow)
	}
	sm.SubstanceName, sm.Unit = r.title.substanceTitle, r.title.unit
	sm.Substance = detectSubstance(r.title.substanceTitle, sm.Name, labels)
	if sm.Substance == "" {
		return invalid(CodeUnknownSubstance, sm.Name, 0, 0,
			"Blad %q: kan inte avgöra vilket ämne bladet gäller (%s). Titelraden ska vara som i SMHI:s export, t.ex. \"Emissioner av Koldioxid (CO2)\".",
			sm.Name, strings.Join(klimatrapport.Substances(), ", "))
	}
	r.substance = sm.Substance
	if r.meta.ReportName == "" && r.meta.ReleaseDate.IsZero() {
		r.meta.ReportName, r.meta.ReleaseDate = r.title.report, r.title.date
	}
	return nil
}

// IsHeader reports whether a row is SMHI's header "Huvudsektor |
// Undersektor | Län | Kommun | …", ignoring case and spacing.
func IsHeader(cells []string) bool {
	if len(cells) < 4 {
		return false
	}
	if sheet.HeaderKey(cells[0]) != "huvudsektor" || sheet.HeaderKey(cells[1]) != "undersektor" || sheet.HeaderKey(cells[3]) != "kommun" {
		return false
	}
	k := sheet.HeaderKey(cells[2])
	return k == "län" || k == "lan"
}

// looksLikeData reports whether a row before the header looks like a data
// row: "Alla" or a main sector first, and a place in columns C–D.
func looksLikeData(cells []string) bool {
	if len(cells) < 4 || strings.TrimSpace(cells[2]) == "" || strings.TrimSpace(cells[3]) == "" {
		return false
	}
	if klimatrapport.IsAll(cells[0]) {
		return true
	}
	_, ok := klimatrapport.MainSector(cells[0])
	return ok
}

// ReleaseDate returns the release date found in the title rows so far.
func (r *Reader) ReleaseDate() time.Time {
	if !r.meta.ReleaseDate.IsZero() {
		return r.meta.ReleaseDate
	}
	return r.title.date
}
