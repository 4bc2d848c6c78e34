package workbook

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// ValidationContext is what validation needs to know beyond the file.
type ValidationContext struct {
	// UploaderCode is the municipality (or county) code the uploader reports
	// for; empty allows any code (administrators).
	UploaderCode string
	// Today decides whether the report year lies in the future; zero means
	// time.Now().
	Today time.Time
	// KnownCode reports whether a municipality or county code exists; nil
	// skips the check.
	KnownCode func(code string) bool
	// SMHI returns SMHI's figure (all greenhouse gases, tonnes CO2e) for a
	// municipality, year and main sector; nil when no national data is
	// loaded. Sector totals reported for all gases are compared with it.
	SMHI func(code string, year int, sector string) (float64, bool)
}

// Thresholds of the warnings.
const (
	JumpShare          = 0.5  // a change of 50 % or more from one year to the next
	JumpMinTonnes      = 10.0 // … but smaller changes than this many tonnes are ignored
	SMHIShare          = 0.1  // more than 10 % from SMHI's figure
	SMHIMinTonnes      = 1.0  // … and at least this many tonnes
	SumToleranceShare  = 0.005
	SumToleranceTonnes = 1.0
)

// Validator checks a report as it streams past: it is a Sink (so it can sit
// beside the caller's own sink, see Tee and Ingest) and keeps only compact
// state per (year, sector, subsector, gas), bounded by the number of valid
// combinations, never the rows themselves. Finish takes the parser's result
// and returns the complete report.
type Validator struct {
	ctx    ValidationContext
	items  *collector
	sheets []string
	order  []string // workbook sheet order, for sorting

	details  klimatrapport.Details // as the Sink's Report call had them
	fromSMHI bool
	code     string
	maxYear  int

	state map[uint64]entry
}

type entry struct {
	v     float64 // NaN for a notation key
	row   int32
	col   int16
	sheet uint8
}

// NewValidator returns a Validator for one file.
func NewValidator(ctx ValidationContext) *Validator {
	if ctx.Today.IsZero() {
		ctx.Today = time.Now()
	}
	return &Validator{ctx: ctx, items: newCollector(), state: map[uint64]entry{}}
}

func validCodeFormat(code string) bool {
	if len(code) != 2 && len(code) != 4 {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Report notes who reports and for which year, which the inventory checks
// need; the items about them are made by Finish, which knows their cells.
func (v *Validator) Report(rep *klimatrapport.Report) error {
	v.order = rep.SheetsSeen
	v.details, v.fromSMHI = rep.Details, rep.FromSMHI
	v.code = rep.Details.Code
	v.maxYear = v.ctx.Today.Year()
	if y := rep.Details.ReportYear; y >= klimatrapport.FirstYear && y <= 2200 {
		v.maxYear = y
	}
	return nil
}

// checkDetails checks who reports and for which year; places name the
// Uppgifter cells.
func (v *Validator) checkDetails(items *collector, places detailPlaces) {
	d := v.details
	sheet := SheetDetails
	switch {
	case places.sheet != "":
		sheet = places.sheet
	case v.fromSMHI:
		sheet = ""
	}
	codeCell, yearCell := places.cells[dCode], places.cells[dReportYear]
	switch {
	case d.Code == "" && v.fromSMHI && len(v.ctx.UploaderCode) == 2:
		items.errorf(CodeUnknownMunicipality, sheet, "",
			"Länet %s i SMHI-filen kunde inte kopplas till en länskod. Kontrollera att filen är SMHI:s export för ert län, eller använd mallen och skriv länskoden i Uppgifter.",
			quote(d.Name))
	case d.Code == "" && v.fromSMHI:
		items.errorf(CodeUnknownMunicipality, sheet, "",
			"Kommunen %s i SMHI-filen kunde inte kopplas till en kommunkod. Kontrollera att filen är SMHI:s export för er kommun, eller använd mallen och skriv kommunkoden i Uppgifter.",
			quote(d.Name))
	case d.Code == "" || !validCodeFormat(d.Code):
		// reported by the parser (missing_value, invalid_code)
	case v.ctx.KnownCode != nil && !v.ctx.KnownCode(d.Code):
		items.errorf(CodeUnknownMunicipality, sheet, codeCell,
			"Kommunkoden %s finns inte. Skriv kommunens fyrsiffriga kod enligt SCB (t.ex. 1281 för Lund, 0180 för Stockholm) eller, för en region, länets tvåsiffriga kod.",
			quote(d.Code))
	case v.ctx.UploaderCode != "" && d.Code != v.ctx.UploaderCode:
		what := "kod " + d.Code
		if d.Name != "" {
			what = d.Name + " (kod " + d.Code + ")"
		}
		items.errorf(CodeWrongMunicipality, sheet, codeCell,
			"Filen gäller %s, men du rapporterar för kod %s. Rätta kommunkoden i Uppgifter, eller be en administratör ladda upp filen.",
			what, v.ctx.UploaderCode)
	}
	if d.ReportYear > v.ctx.Today.Year() && d.ReportYear <= 2200 {
		items.errorf(CodeFutureReportYear, sheet, yearCell,
			"Rapportåret %d ligger i framtiden. Skriv det år rapporten gäller, högst %d.", d.ReportYear, v.ctx.Today.Year())
	}
}

// subIndex maps sector → subsector → its number, for lookups without
// building a string key.
var subIndex = func() map[string]map[string]int {
	out := map[string]map[string]int{}
	n := 0
	for _, s := range klimatrapport.MainSectors() {
		m := map[string]int{}
		for _, sub := range klimatrapport.Subsectors(s) {
			n++
			m[sub] = n
		}
		out[s] = m
	}
	return out
}()

func packKey(year, sector, sub, gas int) uint64 {
	return uint64(year&0xffff)<<32 | uint64(sector&0xff)<<24 | uint64(sub&0xffff)<<8 | uint64(gas&0xff)
}

func unpackKey(k uint64) (year, sector, sub, gas int) {
	return int(k >> 32 & 0xffff), int(k >> 24 & 0xff), int(k >> 8 & 0xffff), int(k & 0xff)
}

func (v *Validator) sheetIndex(name string) uint8 {
	if i := slices.Index(v.sheets, name); i >= 0 {
		return uint8(i)
	}
	if len(v.sheets) >= 255 {
		return 255
	}
	v.sheets = append(v.sheets, name)
	return uint8(len(v.sheets) - 1)
}

func (v *Validator) cellOf(e entry) (string, string) {
	sheet := ""
	if int(e.sheet) < len(v.sheets) {
		sheet = v.sheets[e.sheet]
	}
	return sheet, ref(int(e.col), int(e.row))
}

// Inventory checks a batch: duplicates, and SMHI's figures.
func (v *Validator) Inventory(batch []klimatrapport.InventoryValue) error {
	for i := range batch {
		iv := &batch[i]
		si := sectorIndex[iv.Sector]
		if si == 0 || iv.Year < klimatrapport.FirstYear || iv.Year > v.maxYear {
			continue // reported by the parser
		}
		sub := 0
		if iv.Subsector != "" {
			if sub = subIndex[iv.Sector][iv.Subsector]; sub == 0 {
				continue
			}
		}
		gi, ok := gasIndex[iv.Gas]
		if !ok {
			continue
		}
		x := math.NaN()
		if iv.Tonnes != nil {
			x = *iv.Tonnes
		}
		k := packKey(iv.Year, si, sub, gi)
		if prev, dup := v.state[k]; dup {
			v.duplicate(iv, prev)
			continue
		}
		col, row := splitCell(iv.Place.Cell)
		v.state[k] = entry{v: x, row: int32(row), col: int16(col), sheet: v.sheetIndex(iv.Place.Sheet)}
		if sub == 0 && gi == 0 && !math.IsNaN(x) {
			v.compareSMHI(iv, x)
		}
	}
	return nil
}

// duplicate reports a value whose year, sector, subsector and gas an
// earlier value already had.
func (v *Validator) duplicate(iv *klimatrapport.InventoryValue, prev entry) {
	if !v.items.room(CodeDuplicateValue) {
		v.items.errorf(CodeDuplicateValue, "", "", "")
		return
	}
	psheet, pcell := v.cellOf(prev)
	where := pcell
	if psheet != iv.Place.Sheet {
		where = psheet + "!" + pcell
	}
	v.items.errorf(CodeDuplicateValue, iv.Place.Sheet, iv.Place.Cell,
		"Samma post (%s) finns två gånger: i %s och i %s. Ta bort den ena eller ändra Sektor, Undersektor, Växthusgas eller År.",
		describeKey(iv.Year, iv.Sector, iv.Subsector, iv.Gas), where, iv.Place.Cell)
}

// compareSMHI warns when a sector total for all gases, x tonnes, differs
// from SMHI's figure by more than SMHIShare and SMHIMinTonnes.
func (v *Validator) compareSMHI(iv *klimatrapport.InventoryValue, x float64) {
	if v.ctx.SMHI == nil || v.code == "" {
		return
	}
	s, ok := v.ctx.SMHI(v.code, iv.Year, iv.Sector)
	if !ok || s <= 0 {
		return
	}
	diff := x - s
	if math.Abs(diff) > SMHIShare*s && math.Abs(diff) >= SMHIMinTonnes {
		v.items.warnf(CodeSMHIDifference, iv.Place.Sheet, iv.Place.Cell,
			"%s %d: %s ton är %s %s än SMHI:s siffra %s ton (mer än 10 %%). Kontrollera värdet, eller förklara skillnaden i Kommentar.",
			iv.Sector, iv.Year, swedish.Plain(x), swedish.Percent(math.Abs(100*diff/s), 0), direction(diff), swedish.Plain(s))
	}
}

// direction is "högre" for a rise, "lägre" for a fall.
func direction(diff float64) string {
	if diff < 0 {
		return "lägre"
	}
	return "högre"
}

// Finish runs the checks that need the whole file (who reports, subsector
// sums, year-to-year jumps) and returns the parser's items with the
// validator's, sorted for people. parsed is what ParseStream returned for
// the file whose contents this Validator received.
func (v *Validator) Finish(parsed *Parsed) klimatrapport.Items {
	if parsed == nil {
		parsed = &Parsed{}
	}
	head := newCollector()
	v.checkDetails(head, parsed.details)
	keys := slices.Sorted(maps.Keys(v.state))
	v.checkSums(keys)
	v.checkJumps(keys)

	out := make(klimatrapport.Items, 0, len(parsed.Items)+len(head.items)+len(v.items.items)+4)
	out = append(out, parsed.Items...)
	out = append(out, head.result()...)
	out = append(out, v.items.result()...)
	SortItems(out, v.order)
	return out
}

// checkSums compares the subsectors with their sector total.
func (v *Validator) checkSums(keys []uint64) {
	type agg struct {
		sum float64
		n   int
	}
	sums := map[uint64]agg{}
	for _, k := range keys {
		y, s, sub, g := unpackKey(k)
		e := v.state[k]
		if sub == 0 || math.IsNaN(e.v) {
			continue
		}
		tk := packKey(y, s, 0, g)
		a := sums[tk]
		a.sum += e.v
		a.n++
		sums[tk] = a
	}
	for _, k := range keys {
		y, s, sub, g := unpackKey(k)
		if sub != 0 {
			continue
		}
		a, ok := sums[k]
		e := v.state[k]
		if !ok || math.IsNaN(e.v) {
			continue
		}
		if math.Abs(a.sum-e.v) > math.Max(SumToleranceTonnes, SumToleranceShare*math.Abs(e.v)) {
			sheet, cell := v.cellOf(e)
			sector := klimatrapport.MainSectors()[s-1]
			v.items.warnf(CodeSumMismatch, sheet, cell,
				"Undersektorerna till %s %d%s summerar till %s ton, men sektorns total i %s är %s ton (skillnad %s ton; mer än 0,5 %% och 1 ton). Kontrollera total och undersektorer, eller förklara skillnaden i Kommentar.",
				sector, y, gasSuffix(g), swedish.Plain(a.sum), cell, swedish.Plain(e.v), swedish.Plain(a.sum-e.v))
		}
	}
}

// checkJumps warns about changes from one year to the next of at least
// JumpShare and JumpMinTonnes.
func (v *Validator) checkJumps(keys []uint64) {
	for _, k := range keys {
		y, s, sub, g := unpackKey(k)
		e := v.state[k]
		prev, ok := v.state[packKey(y-1, s, sub, g)]
		if !ok || math.IsNaN(e.v) || math.IsNaN(prev.v) || prev.v <= 0 {
			continue
		}
		diff := e.v - prev.v
		if math.Abs(diff) >= JumpShare*prev.v && math.Abs(diff) >= JumpMinTonnes {
			sheet, cell := v.cellOf(e)
			_, pcell := v.cellOf(prev)
			what := klimatrapport.MainSectors()[s-1]
			if sub != 0 {
				what += ", " + subsectorName(s, sub)
			}
			v.items.warnf(CodeJump, sheet, cell,
				"%s%s: %d är %s ton, %s %s än %d (%s ton i %s). Kontrollera att värdet är rätt, eller förklara förändringen i Kommentar.",
				what, gasSuffix(g), y, swedish.Plain(e.v), swedish.Percent(math.Abs(100*diff/prev.v), 0), direction(diff), y-1, swedish.Plain(prev.v), pcell)
		}
	}
}

func gasSuffix(g int) string {
	if g == 0 {
		return ""
	}
	return " (" + klimatrapport.Gases()[g-1] + ")"
}

func subsectorName(sector, sub int) string {
	s := klimatrapport.MainSectors()[sector-1]
	for name, i := range subIndex[s] {
		if i == sub {
			return name
		}
	}
	return fmt.Sprint(sub)
}

// Validate checks a whole parsed workbook (as Parse returns it) in ctx and
// returns the items, the parser's included, sorted.
//
// The rules are split by what they need: the parser finds everything one
// cell or one row decides (types, sector names, year range, negative
// values, notation keys, goal, plan and measure rows), because only it
// knows the cells; Validate adds the rules that need the caller's context
// (code known, code the uploader's, report year not in the future) or the
// whole file (duplicates, subsector sums, jumps, SMHI's figures). A Parsed
// built by hand around a Report gets only Validate's rules, and its items
// about Uppgifter name no cell.
func Validate(p *Parsed, ctx ValidationContext) klimatrapport.Items {
	if p == nil {
		p = &Parsed{}
	}
	rep := p.Report
	if rep == nil {
		rep = &klimatrapport.Report{}
	}
	v := NewValidator(ctx)
	_ = v.Report(rep)
	for batch := range slices.Chunk(rep.Inventory, 4096) {
		_ = v.Inventory(batch)
	}
	return v.Finish(p)
}

// Check parses and validates a workbook: Parse followed by Validate.
func Check(r io.ReaderAt, size int64, lim Limits, ctx ValidationContext) (*klimatrapport.Report, klimatrapport.Items, error) {
	p, err := parseStream(context.Background(), r, size, lim, &collectSink{}, ctx.UploaderCode)
	if err != nil {
		return nil, nil, err
	}
	return p.Report, Validate(p, ctx), nil
}

// Ingest streams a workbook into sink (which may be nil) while validating
// it, holding no more than one batch of inventory values. The returned items
// are the complete validation report; if it HasErrors, whatever sink
// received must be discarded.
func Ingest(r io.ReaderAt, size int64, lim Limits, ctx ValidationContext, sink Sink) (klimatrapport.Items, error) {
	return IngestContext(context.Background(), r, size, lim, ctx, sink)
}

// IngestContext is Ingest that also stops when c is done.
func IngestContext(c context.Context, r io.ReaderAt, size int64, lim Limits, ctx ValidationContext, sink Sink) (klimatrapport.Items, error) {
	v := NewValidator(ctx)
	var s Sink = v
	if sink != nil {
		s = Tee(v, sink)
	}
	parsed, err := parseStream(c, r, size, lim, s, ctx.UploaderCode)
	if err != nil {
		return nil, err
	}
	return v.Finish(parsed), nil
}

// Tee returns a Sink that hands everything to each of sinks in turn.
func Tee(sinks ...Sink) Sink { return teeSink(sinks) }

type teeSink []Sink

func (t teeSink) Report(rep *klimatrapport.Report) error {
	for _, s := range t {
		if err := s.Report(rep); err != nil {
			return err
		}
	}
	return nil
}

func (t teeSink) Inventory(batch []klimatrapport.InventoryValue) error {
	for _, s := range t {
		if err := s.Inventory(batch); err != nil {
			return err
		}
	}
	return nil
}
