package workbook

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
	"weak"

	"sync"
	"sync/atomic"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
)

// Sink receives a workbook as ParseStream reads it. Report is called exactly
// once, before any Inventory call, with everything but the inventory
// (details, goals, action plans, measures, FromSMHI, SheetsSeen). Inventory
// is then called with batches of at most Limits.BatchSize values; the batch
// slice is reused after Inventory returns, so copy what you keep. An error
// from either method stops parsing and is returned by ParseStream as is.
//
// Whatever a Sink receives comes from a file that may still be rejected:
// the items returned by ParseStream (and a Validator's) decide that.
type Sink interface {
	Report(rep *klimatrapport.Report) error
	Inventory(batch []klimatrapport.InventoryValue) error
}

// Parse reads a whole workbook into a Report. It is a collector over
// ParseStream; use ParseStream (or Ingest) for large files, since the Report
// holds every inventory value.
func Parse(r io.ReaderAt, size int64, lim Limits) (*klimatrapport.Report, klimatrapport.Items, error) {
	c := &collectSink{}
	items, err := ParseStream(r, size, lim, c)
	if err != nil {
		return nil, items, err
	}
	rememberHints(c.rep, c.hints)
	return c.rep, items, nil
}

// collectSink builds a Report from a stream.
type collectSink struct {
	rep   *klimatrapport.Report
	hints *placeHints
}

func (c *collectSink) Report(rep *klimatrapport.Report) error {
	c.rep = rep
	if c.rep.Inventory == nil {
		c.rep.Inventory = []klimatrapport.InventoryValue{}
	}
	return nil
}

func (c *collectSink) Inventory(batch []klimatrapport.InventoryValue) error {
	c.rep.Inventory = append(c.rep.Inventory, batch...)
	return nil
}

func (c *collectSink) setHints(h *placeHints) { c.hints = h }

// placeHints tells a Validator where the Uppgifter values sit, so that its
// items about them can name the cell.
type placeHints struct {
	Sheet string
	Cells map[detailField]string
}

type hintReceiver interface{ setHints(*placeHints) }

// Reports returned by Parse remember their hints weakly, so that Validate
// called on them can point at the Uppgifter cells.
var (
	hintsMu  sync.Mutex
	hintsFor = map[weak.Pointer[klimatrapport.Report]]*placeHints{}
)

func rememberHints(rep *klimatrapport.Report, h *placeHints) {
	if rep == nil || h == nil {
		return
	}
	wp := weak.Make(rep)
	hintsMu.Lock()
	hintsFor[wp] = h
	hintsMu.Unlock()
	runtime.AddCleanup(rep, func(wp weak.Pointer[klimatrapport.Report]) {
		hintsMu.Lock()
		delete(hintsFor, wp)
		hintsMu.Unlock()
	}, wp)
}

func hintsOf(rep *klimatrapport.Report) *placeHints {
	hintsMu.Lock()
	defer hintsMu.Unlock()
	return hintsFor[weak.Make(rep)]
}

// ParseStream reads a workbook and hands its contents to sink as it goes
// (see Sink). It returns the items found while reading: structure, cell
// values and the rules that one row decides (sector names, year range,
// negative values, notation keys, goal and measure rows). Rules that need
// the whole file or the caller's context are the Validator's.
//
// The error is non-nil only when the file cannot be read at all: a
// *klimatrapport.Error of kind Invalid or TooLarge with a Swedish message
// (FileProblem gives its stable code), or an error returned by sink.
func ParseStream(r io.ReaderAt, size int64, lim Limits, sink Sink) (klimatrapport.Items, error) {
	return ParseStreamContext(context.Background(), r, size, lim, sink)
}

// ParseStreamContext is ParseStream that also stops when ctx is done.
func ParseStreamContext(ctx context.Context, r io.ReaderAt, size int64, lim Limits, sink Sink) (items klimatrapport.Items, err error) {
	lim = lim.withDefaults()
	p := &parser{
		ctx:      ctx,
		lim:      lim,
		deadline: time.Now().Add(lim.Timeout),
		items:    newCollector(),
		sink:     sink,
		rep:      &klimatrapport.Report{Goals: []klimatrapport.Goal{}, Plans: []klimatrapport.ActionPlan{}, Measures: []klimatrapport.Measure{}},
		hints:    &placeHints{Cells: map[detailField]string{}},
		names:    map[[2]string]sectorNames{},
		gases:    map[string]gasName{},
	}
	defer func() {
		if rec := recover(); rec != nil {
			items = nil
			err = fail(klimatrapport.Invalid, ProblemInternal,
				"Filen kunde inte läsas; den verkar vara skadad. Öppna den i Excel eller LibreOffice, spara den på nytt och ladda upp den igen.")
		}
		if p.f != nil {
			_ = p.f.Close()
		}
	}()
	if err := p.run(r, size); err != nil {
		return nil, err
	}
	return p.items.result(), nil
}

type parser struct {
	ctx      context.Context
	lim      Limits
	deadline time.Time
	f        *excelize.File
	zr       *zip.Reader
	sheets   []sheetInfo
	date1904 bool
	items    *collector
	sink     Sink
	rep      *klimatrapport.Report
	hints    *placeHints
	reported bool

	reportYear int // from Uppgifter (or the SMHI file's last year); 0 when unknown
	maxYear    int // the last year accepted for inventory values

	batch  []klimatrapport.InventoryValue
	nums   []float64
	values int // inventory values read

	names map[[2]string]sectorNames
	gases map[string]gasName
}

type sectorNames struct {
	sector, subsector string
	sectorOK, subOK   bool
}

type gasName struct {
	gas string
	ok  bool
}

var errStop = errors.New("stop")

func (p *parser) check() error {
	if err := p.ctx.Err(); err != nil {
		return fail(klimatrapport.TooLarge, ProblemTimeout, "Inläsningen avbröts innan filen var färdigläst. Försök igen.")
	}
	if time.Now().After(p.deadline) {
		return fail(klimatrapport.TooLarge, ProblemTimeout,
			"Filen tog för lång tid att läsa (mer än %s). Ta bort blad och rader som inte hör till rapporten och försök igen.",
			swedishDuration(p.lim.Timeout))
	}
	return nil
}

// swedishDuration writes "2 minuter", "30 sekunder", "1 sekund".
func swedishDuration(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		if d == time.Minute {
			return "1 minut"
		}
		return fmt.Sprintf("%d minuter", d/time.Minute)
	}
	s := int((d + time.Second - 1) / time.Second)
	if s <= 1 {
		return "1 sekund"
	}
	return fmt.Sprintf("%d sekunder", s)
}

// sinkPanic is returned when the caller's Sink panics: that is the caller's
// bug, not a broken file.
type sinkPanic struct{ v any }

func (e sinkPanic) Error() string { return fmt.Sprintf("ingest: sink panicked: %v", e.v) }

func callSink(fn func() error) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = sinkPanic{rec}
		}
	}()
	return fn()
}

func corrupt(err error) error {
	return fail(klimatrapport.Invalid, ProblemCorrupt,
		"Filen är skadad och kan inte läsas (%s). Öppna den i Excel eller LibreOffice, spara den på nytt och ladda upp den igen.",
		shortErr(err))
}

func shortErr(err error) string {
	s := err.Error()
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:117]) + "…"
	}
	return s
}

func (p *parser) run(r io.ReaderAt, size int64) error {
	zr, err := sniff(r, size, p.lim)
	if err != nil {
		return err
	}
	p.zr = zr
	if p.sheets, p.date1904, err = readWorkbook(zr); err != nil {
		return corrupt(err)
	}
	if len(p.sheets) == 0 {
		return fail(klimatrapport.Invalid, ProblemNoKnownSheet, "Arbetsboken har inga blad. %s", msgUseTemplate)
	}
	p.f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    p.lim.UnzipSizeLimit,
		UnzipXMLSizeLimit: p.lim.UnzipXMLSizeLimit,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return fail(klimatrapport.TooLarge, ProblemUnzipLimit,
				"Arbetsboken är för stor när den packas upp; högst %s tas emot. Ta bort blad och bilder som inte hör till rapporten och försök igen.",
				megabytes(p.lim.UnzipSizeLimit))
		}
		return corrupt(err)
	}
	for _, s := range p.sheets {
		p.rep.SheetsSeen = append(p.rep.SheetsSeen, s.Name)
	}
	p.maxYear = time.Now().Year()

	// The first sheet of each kind is read; others are reported.
	chosen := map[sheetKind]sheetInfo{}
	for _, s := range p.sheets {
		if s.Kind == kindUnknown || s.Kind == kindIgnored {
			continue
		}
		if first, ok := chosen[s.Kind]; ok {
			p.items.warnf(CodeDuplicateSheet, s.Name, "",
				"Bladet %s liknar bladet %s och läses inte. Ta bort det eller flytta dess uppgifter till %s.",
				quote(s.Name), quote(first.Name), quote(first.Name))
			continue
		}
		if s.Path == "" || findZip(p.zr, s.Path) == nil {
			return corrupt(fmt.Errorf("bladet %s saknas i filen", s.Name))
		}
		chosen[s.Kind] = s
	}

	if len(chosen) == 0 {
		// No template sheet: maybe SMHI's export.
		for _, s := range p.sheets {
			if s.Path == "" || findZip(p.zr, s.Path) == nil {
				continue
			}
			ok, err := p.readSMHI(s)
			if err != nil {
				return err
			}
			if ok {
				return p.finish()
			}
		}
		return fail(klimatrapport.Invalid, ProblemNoKnownSheet,
			"Arbetsboken innehåller inget av bladen Uppgifter, Utsläpp, Mål, Handlingsplan och Åtgärder och är inte heller en export från SMHI:s nationella emissionsdatabas. %s",
			msgUseTemplate)
	}

	if s, ok := chosen[kindDetails]; ok {
		if err := p.readDetails(s); err != nil {
			return err
		}
	} else if _, isSMHI := p.smhiCandidate(chosen); !isSMHI {
		p.items.errorf(CodeMissingSheet, "", "",
			"Bladet Uppgifter saknas. Lägg till det (kopiera det från mallen) och fyll i kommunkod och rapportår.")
	}
	if s, ok := chosen[kindGoals]; ok {
		if err := p.readTable(s); err != nil {
			return err
		}
	}
	if s, ok := chosen[kindPlans]; ok {
		if err := p.readTable(s); err != nil {
			return err
		}
	}
	if s, ok := chosen[kindMeasures]; ok {
		if err := p.readTable(s); err != nil {
			return err
		}
	}
	if s, ok := chosen[kindEmissions]; ok {
		if err := p.readEmissions(s); err != nil {
			return err
		}
	} else {
		p.items.errorf(CodeMissingSheet, "", "",
			"Bladet Utsläpp saknas. Lägg till det (kopiera det från mallen) och fyll i kommunens utsläpp, eller lämna det tomt om ni inte rapporterar utsläpp den här gången.")
	}
	return p.finish()
}

// smhiCandidate is a hook for a workbook that has template sheets but whose
// Utsläpp sheet is an SMHI export; Uppgifter is then not required.
func (p *parser) smhiCandidate(chosen map[sheetKind]sheetInfo) (sheetInfo, bool) {
	s, ok := chosen[kindEmissions]
	if !ok || len(chosen) != 1 {
		return s, false
	}
	return s, p.looksLikeSMHI(s)
}

func (p *parser) finish() error {
	if err := p.flush(); err != nil {
		return err
	}
	if err := p.ensureReported(); err != nil {
		return err
	}
	d := p.rep.Details
	detailsEmpty := d.Code == "" && d.Name == "" && d.ReportYear == 0 && d.Contact == "" && d.Email == "" &&
		d.PoliticalContact == "" && d.Date.IsZero()
	others := p.values + len(p.rep.Goals) + len(p.rep.Plans) + len(p.rep.Measures)
	if others == 0 && detailsEmpty {
		return fail(klimatrapport.Invalid, ProblemNoData,
			"Arbetsboken innehåller inga uppgifter: Uppgifter, Utsläpp, Mål, Handlingsplan och Åtgärder är tomma. Fyll i mallen och ladda upp den igen.")
	}
	if others == 0 && !p.items.hasErrors() {
		p.items.errorf(CodeNoData, "", "",
			"Filen innehåller inga utsläppsvärden, mål, handlingsplaner eller åtgärder, bara uppgifter om rapportören. Fyll i minst ett av bladen Utsläpp, Mål, Handlingsplan och Åtgärder.")
	}
	return nil
}

func (c *collector) hasErrors() bool { return klimatrapport.Items(c.items).HasErrors() }

func (p *parser) ensureReported() error {
	if p.reported {
		return nil
	}
	p.reported = true
	if h, ok := p.sink.(hintReceiver); ok {
		h.setHints(p.hints)
	}
	return callSink(func() error { return p.sink.Report(p.rep) })
}

// emit adds one inventory value to the current batch.
func (p *parser) emit(v klimatrapport.InventoryValue, tonnes float64, hasTonnes bool) error {
	if hasTonnes {
		if p.nums == nil {
			p.nums = make([]float64, 0, p.lim.BatchSize)
		}
		p.nums = append(p.nums, tonnes)
		v.Tonnes = &p.nums[len(p.nums)-1]
	}
	p.batch = append(p.batch, v)
	p.values++
	if len(p.batch) >= p.lim.BatchSize {
		return p.flush()
	}
	return nil
}

func (p *parser) flush() error {
	if len(p.batch) == 0 {
		return nil
	}
	if err := p.ensureReported(); err != nil {
		return err
	}
	if err := callSink(func() error { return p.sink.Inventory(p.batch) }); err != nil {
		return err
	}
	p.batch = p.batch[:0]
	p.nums = nil // pointers into the old array stay valid for whoever kept them
	return p.check()
}

// eachRow streams a sheet, calling fn for every row that has a non-empty
// cell. cells are cleaned (trimmed).
func (p *parser) eachRow(s sheetInfo, fn func(row int, cells []string) error) (err error) {
	// The formula scan decompresses the sheet a second time; it runs beside
	// the row loop, on another core when there is one.
	scan := p.startFormulaScan(s)
	early := true
	defer func() {
		if serr := scan.wait(p, s, early); err == nil {
			err = serr
		}
	}()
	rows, err := p.f.Rows(s.Name)
	if err != nil {
		return corrupt(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		if n > p.lim.MaxRows {
			return fail(klimatrapport.TooLarge, ProblemTooManyRows,
				"Bladet %s har fler än %s rader; högst så många läses. Ta bort tomma rader och rader som inte hör till rapporten och försök igen.",
				quote(s.Name), formatNumber(float64(p.lim.MaxRows)))
		}
		if n&1023 == 0 {
			if err := p.check(); err != nil {
				return err
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return corrupt(err)
		}
		last := -1
		for i := range cells {
			if c := cells[i]; c != "" {
				if c[0] <= ' ' || c[len(c)-1] <= ' ' || c[len(c)-1] >= 0x80 || c[0] >= 0x80 {
					cells[i] = clean(c)
				}
				if cells[i] != "" {
					last = i
				}
			}
		}
		if last < 0 {
			continue
		}
		cells = cells[:last+1]
		if len(cells) > p.lim.MaxCols {
			return fail(klimatrapport.TooLarge, ProblemTooManyCols,
				"Bladet %s har innehåll i kolumn %s på rad %d; högst %d kolumner läses. Ta bort innehållet till höger om tabellen och försök igen.",
				quote(s.Name), colName(len(cells)), n, p.lim.MaxCols)
		}
		if err := fn(n, cells); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	early = false
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return fail(klimatrapport.TooLarge, ProblemTooManyRows,
				"Bladet %s har rader utanför Excels gräns. Spara filen på nytt i Excel eller LibreOffice och försök igen.", quote(s.Name))
		}
		return corrupt(err)
	}
	return p.check()
}

// formulaScan is a formula scan running in its own goroutine.
type formulaScan struct {
	stop  atomic.Bool // the row loop ended early: the rest is not needed
	done  chan struct{}
	refs  []string
	count int
	err   error
}

func (p *parser) startFormulaScan(s sheetInfo) *formulaScan {
	fs := &formulaScan{done: make(chan struct{})}
	zf := findZip(p.zr, s.Path)
	if zf == nil {
		fs.err = corrupt(fmt.Errorf("bladet %s saknas", s.Name))
		close(fs.done)
		return fs
	}
	go func() {
		defer close(fs.done)
		defer func() {
			if rec := recover(); rec != nil {
				fs.err = corrupt(fmt.Errorf("%v", rec))
			}
		}()
		check := func() error {
			if fs.stop.Load() {
				return errStop
			}
			return p.check()
		}
		fs.err = scanFormulas(zf, check, func(ref string) {
			fs.count++
			if len(fs.refs) < maxItemsPerCode+1 {
				fs.refs = append(fs.refs, ref)
			}
		})
	}()
	return fs
}

// wait joins the scan and reports what it found.
func (fs *formulaScan) wait(p *parser, s sheetInfo, early bool) error {
	if early {
		fs.stop.Store(true)
	}
	<-fs.done
	if fs.err == errStop {
		fs.err = nil
	}
	for i, ref := range fs.refs {
		if i >= maxItemsPerCode {
			break
		}
		p.items.errorf(CodeFormula, s.Name, ref,
			"Cellen %s innehåller en formel utan sparat värde. Öppna filen i Excel eller LibreOffice, låt formlerna räknas om, spara och ladda upp filen igen – eller skriv in värdet i stället för formeln.",
			orRow(ref))
	}
	for i := maxItemsPerCode; i < fs.count; i++ {
		p.items.errorf(CodeFormula, "", "", "")
	}
	if fs.err != nil {
		if _, ok := fs.err.(*klimatrapport.Error); ok {
			return fs.err
		}
		return corrupt(fs.err)
	}
	return nil
}

func orRow(ref string) string {
	if ref == "" {
		return "(okänd cell)"
	}
	return ref
}

func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// isYearHeader reads a header cell as an inventory year column.
func isYearHeader(s string) (int, bool) {
	y, ok := parseInt(s)
	if !ok || y < 1900 || y > 2200 {
		return 0, false
	}
	return y, true
}

// formulaError reports whether a raw value is a spreadsheet error value.
func formulaError(s string) bool {
	switch strings.ToUpper(s) {
	case "#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA":
		return true
	}
	return false
}

func notationKey(s string) (string, bool) {
	if len(s) > 2 {
		return "", false
	}
	u := strings.ToUpper(s)
	for _, k := range klimatrapport.NotationKeys {
		if u == k {
			return k, true
		}
	}
	return "", false
}

// normCode turns what a person typed as a code into SCB's form: 180 → "0180",
// 1 → "01" (Excel drops leading zeros from numbers).
func normCode(s string) (string, bool) {
	if v, ok := parseNumber(s); ok && !strings.ContainsAny(s, " ") {
		if v < 0 || v != math.Trunc(v) || v > 9999 {
			return s, false
		}
		s = fmt.Sprint(int(v))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return s, false
		}
	}
	switch len(s) {
	case 1:
		return "0" + s, true
	case 3:
		return "0" + s, true
	case 2, 4:
		return s, true
	}
	return s, false
}

// readDetails reads Uppgifter: label in the first filled cell of a row, the
// value in the cell to its right.
func (p *parser) readDetails(s sheetInfo) error {
	p.hints.Sheet = s.Name
	seen := map[detailField]bool{}
	yearBad := false
	d := &p.rep.Details
	err := p.eachRow(s, func(row int, cells []string) error {
		i := 0
		for i < len(cells) && cells[i] == "" {
			i++
		}
		f := matchDetail(cells[i])
		if f == dNone || f == dHeader || seen[f] {
			return nil
		}
		seen[f] = true
		val := cellAt(cells, i+1)
		ref := cellName(i+2, row)
		p.hints.Cells[f] = ref
		if val == "" {
			return nil
		}
		switch f {
		case dCode:
			code, ok := normCode(val)
			d.Code = code
			if !ok {
				p.items.errorf(CodeInvalidCode, s.Name, ref,
					"Koden %s är ingen kommun- eller länskod. Skriv kommunens fyrsiffriga kod (t.ex. 1281 för Lund) eller, för en region, länets tvåsiffriga kod (t.ex. 12).",
					quote(val))
			}
		case dName:
			d.Name = val
		case dReportYear:
			y, ok := parseInt(val)
			if !ok {
				yearBad = true
				p.items.errorf(CodeNotAYear, s.Name, ref, "Rapportåret %s är inget årtal. Skriv året som ett heltal, t.ex. 2024.", quote(val))
				return nil
			}
			d.ReportYear = y
			if y < klimatrapport.FirstYear || y > 2200 {
				p.items.errorf(CodeYearOutOfRange, s.Name, ref,
					"Rapportåret %d är orimligt. Skriv det år rapporten gäller, som ett årtal med fyra siffror.", y)
				return nil
			}
		case dContact:
			d.Contact = val
		case dEmail:
			d.Email = val
		case dPolitical:
			d.PoliticalContact = val
		case dDate:
			t, ok := parseDate(val, p.date1904)
			if !ok {
				p.items.errorf(CodeBadDate, s.Name, ref, "Datumet %s kan inte läsas. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2024-03-15.", quote(val))
				return nil
			}
			d.Date = t
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d.Code == "" {
		p.items.errorf(CodeMissingValue, s.Name, p.hints.Cells[dCode],
			"Kommunkoden saknas. Skriv kommunens fyrsiffriga kod (t.ex. 1281) i kolumnen Värde på raden Kod i bladet Uppgifter.")
	}
	if d.ReportYear == 0 && !yearBad {
		p.items.errorf(CodeMissingValue, s.Name, p.hints.Cells[dReportYear],
			"Rapportåret saknas. Skriv det år rapporten gäller, som ett årtal med fyra siffror, i kolumnen Värde på raden Rapportår i bladet Uppgifter.")
	}
	if d.ReportYear >= klimatrapport.FirstYear && d.ReportYear <= 2200 {
		p.reportYear = d.ReportYear
		p.maxYear = d.ReportYear
	}
	return nil
}

// colMap maps a field to its 1-based column; 0 means absent.
type colMap [fFieldValue + 1]int

// get returns the 0-based column of f.
func (m *colMap) get(f field) (int, bool) {
	if m[f] == 0 {
		return 0, false
	}
	return m[f] - 1, true
}

// table is a header row found in a sheet.
type table struct {
	sheet   sheetInfo
	header  int // row number
	cols    colMap
	years   map[int]int // wide Utsläpp: 0-based column → year
	yearHit map[int]bool
	first   int // first column of the table, 0-based
}

// findHeader tries to read cells as the header row of kind; it returns nil
// when the row does not look like one.
func (p *parser) findHeader(s sheetInfo, row int, cells []string) *table {
	t := &table{sheet: s, header: row, years: map[int]int{}, first: -1}
	matched := 0
	for i, c := range cells {
		if c == "" {
			continue
		}
		if f := matchColumn(s.Kind, c); f != fNone {
			if _, dup := t.cols.get(f); !dup {
				t.cols[f] = i + 1
			}
			matched++
			if t.first < 0 {
				t.first = i
			}
			continue
		}
		if s.Kind == kindEmissions {
			if y, ok := isYearHeader(c); ok {
				t.years[i] = y
				if t.first < 0 {
					t.first = i
				}
			}
		}
	}
	switch s.Kind {
	case kindEmissions:
		if _, ok := t.cols.get(fSector); ok && (len(t.years) > 0 || matched >= 3) {
			return t
		}
		return nil
	}
	if matched >= 2 {
		return t
	}
	return nil
}

// reportUnknownColumns warns about header cells the parser does not read.
func (p *parser) reportHeader(t *table, cells []string, required []field) {
	used := map[int]bool{}
	for _, i := range t.cols {
		if i > 0 {
			used[i-1] = true
		}
	}
	for i := range t.years {
		used[i] = true
	}
	for i, c := range cells {
		if c == "" || used[i] {
			continue
		}
		if f := matchColumn(t.sheet.Kind, c); f != fNone {
			p.items.warnf(CodeUnknownColumn, t.sheet.Name, cellName(i+1, t.header),
				"Kolumnen %s finns två gånger; bara den första (kolumn %s) läses. Ta bort eller byt namn på den här.",
				quote(c), colName(t.cols[f]))
			continue
		}
		p.items.warnf(CodeUnknownColumn, t.sheet.Name, cellName(i+1, t.header),
			"Kolumnrubriken %s känns inte igen, så kolumnen läses inte. Använd mallens rubriker om kolumnen ska läsas in.", quote(c))
	}
	for _, f := range required {
		if _, ok := t.cols.get(f); !ok {
			p.items.errorf(CodeMissingColumn, t.sheet.Name, "",
				"Kolumnen %s saknas i rubrikraden (rad %d) i bladet %s. Lägg till den (se mallen).",
				fieldTitle[f], t.header, t.sheet.Name)
		}
	}
}

func (p *parser) noHeader(s sheetInfo, required []field) {
	names := make([]string, len(required))
	for i, f := range required {
		names[i] = fieldTitle[f]
	}
	p.items.errorf(CodeMissingColumn, s.Name, "",
		"Bladet %s har innehåll men ingen rubrikrad med mallens kolumnrubriker (minst %s). Lägg till rubrikraden från mallen överst i bladet.",
		s.Name, strings.Join(names, ", "))
}

var requiredColumns = map[sheetKind][]field{
	kindGoals:    {fGoalName, fGoalType, fBaseYear, fTargetYear, fReduction},
	kindPlans:    {fPlanName, fValidFrom, fValidTo},
	kindMeasures: {fMeasureName, fStatus},
}

// readTable reads Mål, Handlingsplan or Åtgärder.
func (p *parser) readTable(s sheetInfo) error {
	var t *table
	content := false
	ids := map[string]string{}
	err := p.eachRow(s, func(row int, cells []string) error {
		if t == nil {
			if t = p.findHeader(s, row, cells); t != nil {
				p.reportHeader(t, cells, requiredColumns[s.Kind])
				return nil
			}
			content = true
			if row > 30 {
				return errStop
			}
			return nil
		}
		switch s.Kind {
		case kindGoals:
			p.goalRow(t, row, cells, ids)
		case kindPlans:
			p.planRow(t, row, cells)
		case kindMeasures:
			p.measureRow(t, row, cells, ids)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if t == nil && content {
		p.noHeader(s, requiredColumns[s.Kind])
	}
	return nil
}

// get returns the cleaned value of field f in a data row and its cell.
func (t *table) get(cells []string, row int, f field) (string, string) {
	i, ok := t.cols.get(f)
	if !ok {
		return "", ""
	}
	return cellAt(cells, i), cellName(i+1, row)
}

func (t *table) rowPlace(row int) klimatrapport.Place {
	first := max(t.first, 0)
	return klimatrapport.Place{Sheet: t.sheet.Name, Cell: cellName(first+1, row), Row: row}
}

// yearField reads a year cell; ok is false (and an item added) when the cell
// is filled but is not a whole number.
func (p *parser) yearField(t *table, cells []string, row int, f field) (int, string, bool) {
	v, ref := t.get(cells, row, f)
	if v == "" {
		return 0, ref, false
	}
	y, ok := parseInt(v)
	if !ok || y < 1000 || y > 9999 {
		p.items.errorf(CodeNotAYear, t.sheet.Name, ref, "%s %s i %s är inget årtal. Skriv året som ett heltal med fyra siffror, t.ex. 2030.",
			fieldTitle[f], quote(v), ref)
		return 0, ref, false
	}
	return y, ref, true
}

func (p *parser) dateField(t *table, cells []string, row int, f field) time.Time {
	v, ref := t.get(cells, row, f)
	if v == "" {
		return time.Time{}
	}
	d, ok := parseDate(v, p.date1904)
	if !ok {
		p.items.errorf(CodeBadDate, t.sheet.Name, ref, "%s %s i %s kan inte läsas som ett datum. Skriv det som ÅÅÅÅ-MM-DD, t.ex. 2023-06-14.",
			fieldTitle[f], quote(v), ref)
	}
	return d
}

func (p *parser) requireField(t *table, cells []string, row int, f field, what string) string {
	v, ref := t.get(cells, row, f)
	if v == "" && ref != "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "%s saknas i %s. Fyll i %s på rad %d.", fieldTitle[f], ref, what, row)
	}
	return v
}

func (p *parser) sectorField(t *table, cells []string, row int) string {
	v, ref := t.get(cells, row, fSector)
	if v == "" || isAll(v) {
		return ""
	}
	if s, ok := NormalizeSector(v); ok {
		return s
	}
	p.unknownSector(t.sheet.Name, ref, v)
	return v
}

func (p *parser) checkID(t *table, cells []string, row int, f field, ids map[string]string) string {
	id, ref := t.get(cells, row, f)
	if id == "" {
		return ""
	}
	if prev, ok := ids[strings.ToLower(id)]; ok {
		p.items.errorf(CodeDuplicateID, t.sheet.Name, ref, "%s %s finns redan i %s. Ge varje rad ett eget %s.",
			fieldTitle[f], quote(id), prev, fieldTitle[f])
	} else if len(ids) < 100000 {
		ids[strings.ToLower(id)] = ref
	}
	return id
}

func (p *parser) goalRow(t *table, row int, cells []string, ids map[string]string) {
	g := klimatrapport.Goal{Place: t.rowPlace(row)}
	g.ID = p.checkID(t, cells, row, fGoalID, ids)
	g.Name = p.requireField(t, cells, row, fGoalName, "målet i ord")
	typ := p.requireField(t, cells, row, fGoalType, "måltypen")
	if typ != "" {
		g.Type = typ
		for _, gt := range klimatrapport.GoalTypes {
			if looseKey(gt) == looseKey(typ) {
				g.Type = gt
			}
		}
		if g.Type == typ && !isGoalType(typ) {
			_, ref := t.get(cells, row, fGoalType)
			p.items.errorf(CodeGoalType, t.sheet.Name, ref, "Måltypen %s finns inte. %s", quote(typ),
				suggestion(typ, klimatrapport.GoalTypes, "Välj en av"))
		}
	}
	g.Sector = p.sectorField(t, cells, row)
	base, baseRef, baseOK := p.yearField(t, cells, row, fBaseYear)
	target, _, targetOK := p.yearField(t, cells, row, fTargetYear)
	g.BaseYear, g.TargetYear = base, target
	if v, ref := t.get(cells, row, fBaseYear); v == "" && ref != "" && g.Type != klimatrapport.GoalNetZero {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Basår saknas i %s. Fyll i det år minskningen räknas från, t.ex. 1990.", ref)
	}
	if v, ref := t.get(cells, row, fTargetYear); v == "" && ref != "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Målår saknas i %s. Fyll i det år målet ska vara nått, t.ex. 2030.", ref)
	}
	if baseOK && targetOK && base >= target {
		p.items.errorf(CodeGoalYears, t.sheet.Name, baseRef,
			"Basåret %d måste vara tidigare än målåret %d. Rätta Basår eller Målår på rad %d.", base, target, row)
	}
	if v, ref := t.get(cells, row, fReduction); v != "" {
		r, ok := parsePercent(v)
		switch {
		case !ok:
			p.items.errorf(CodeNotANumber, t.sheet.Name, ref, "Minskningen %s i %s är inget tal. Skriv hur många procent utsläppen ska minska, t.ex. 70.", quote(v), ref)
		case r <= 0 || r > 100:
			p.items.errorf(CodeGoalReduction, t.sheet.Name, ref,
				"Minskningen %s %% i %s måste vara större än 0 och högst 100. Skriv hur många procent utsläppen ska minska, t.ex. 70.",
				formatNumber(r), ref)
		case r <= 1:
			g.ReductionPct = r
			p.items.warnf(CodeGoalReductionShare, t.sheet.Name, ref,
				"Minskningen %s i %s ser ut som en andel. Om målet är %s %% ska cellen innehålla %s (procent, inte andel).",
				formatNumber(r), ref, formatNumber(r*100), formatNumber(r*100))
		default:
			g.ReductionPct = r
		}
	} else if ref != "" && g.Type != klimatrapport.GoalNetZero && g.Type != "" {
		p.items.errorf(CodeMissingValue, t.sheet.Name, ref, "Minskning (%%) saknas i %s. Skriv hur många procent utsläppen ska minska till målåret, t.ex. 70.", ref)
	}
	g.DecidedBy, _ = t.get(cells, row, fDecidedBy)
	g.DecidedOn = p.dateField(t, cells, row, fDecidedOn)
	g.Link, _ = t.get(cells, row, fLink)
	p.rep.Goals = append(p.rep.Goals, g)
}

func isGoalType(s string) bool {
	for _, gt := range klimatrapport.GoalTypes {
		if gt == s {
			return true
		}
	}
	return false
}

func (p *parser) planRow(t *table, row int, cells []string) {
	pl := klimatrapport.ActionPlan{Place: t.rowPlace(row)}
	pl.Name = p.requireField(t, cells, row, fPlanName, "handlingsplanens namn")
	pl.Adopted = p.dateField(t, cells, row, fAdopted)
	pl.DecidedBy, _ = t.get(cells, row, fDecidedBy)
	from, fromRef, fromOK := p.yearField(t, cells, row, fValidFrom)
	to, _, toOK := p.yearField(t, cells, row, fValidTo)
	pl.ValidFrom, pl.ValidTo = from, to
	if fromOK && toOK && from > to {
		p.items.errorf(CodePlanYears, t.sheet.Name, fromRef,
			"Handlingsplanen gäller från %d men till %d. Rätta Gäller från eller Gäller till på rad %d.", from, to, row)
	}
	pl.Link, _ = t.get(cells, row, fLink)
	p.rep.Plans = append(p.rep.Plans, pl)
}

func (p *parser) measureRow(t *table, row int, cells []string, ids map[string]string) {
	m := klimatrapport.Measure{Place: t.rowPlace(row)}
	m.ID = p.checkID(t, cells, row, fMeasureID, ids)
	m.Name = p.requireField(t, cells, row, fMeasureName, "åtgärden i ord")
	m.Sector = p.sectorField(t, cells, row)
	if st := p.requireField(t, cells, row, fStatus, "status"); st != "" {
		m.Status = st
		found := false
		for _, s := range klimatrapport.MeasureStatuses {
			if looseKey(s) == looseKey(st) {
				m.Status, found = s, true
			}
		}
		if !found {
			_, ref := t.get(cells, row, fStatus)
			p.items.errorf(CodeMeasureStatus, t.sheet.Name, ref, "Statusen %s finns inte. %s", quote(st),
				suggestion(st, klimatrapport.MeasureStatuses, "Välj en av"))
		}
	}
	start, startRef, startOK := p.yearField(t, cells, row, fStartYear)
	end, _, endOK := p.yearField(t, cells, row, fEndYear)
	m.StartYear, m.EndYear = start, end
	if startOK && endOK && start > end {
		p.items.errorf(CodeMeasureYears, t.sheet.Name, startRef,
			"Startåret %d är senare än slutåret %d. Rätta Startår eller Slutår på rad %d.", start, end, row)
	}
	if v, ref := t.get(cells, row, fExpected); v != "" {
		x, ok := parseNumber(v)
		switch {
		case !ok:
			p.items.errorf(CodeNotANumber, t.sheet.Name, ref,
				"Förväntad minskning %s i %s är inget tal. Skriv hur många ton CO2e per år åtgärden väntas minska utsläppen, t.ex. 120,5, eller lämna cellen tom.",
				quote(v), ref)
		case x < 0:
			p.items.errorf(CodeNegative, t.sheet.Name, ref,
				"Förväntad minskning %s i %s är negativ. Skriv minskningen som ett positivt tal i ton CO2e per år.", formatNumber(x), ref)
			m.ExpectedReduction = &x
		default:
			m.ExpectedReduction = &x
		}
	}
	m.Responsible, _ = t.get(cells, row, fResponsible)
	m.Comment, _ = t.get(cells, row, fComment)
	p.rep.Measures = append(p.rep.Measures, m)
}

// suggestion writes "Menade du X?" or "Välj en av A, B, C."
func suggestion(got string, valid []string, lead string) string {
	if c, ok := closest(got, valid); ok {
		return fmt.Sprintf("Menade du %s? (%s: %s.)", quote(c), lead, strings.Join(valid, ", "))
	}
	return fmt.Sprintf("%s: %s.", lead, strings.Join(valid, ", "))
}

func (p *parser) unknownSector(sheet, ref, v string) {
	if !p.items.room(CodeUnknownSector) {
		p.items.errorf(CodeUnknownSector, sheet, ref, "")
		return
	}
	msg := "Sektorn " + quote(v) + " finns inte bland SMHI:s nio huvudsektorer. "
	if sub, ok := subOwner[looseKey(v)]; ok {
		msg += fmt.Sprintf("%s är en undersektor till %s: skriv %s i Sektor och %s i Undersektor.", quote(v), quote(sub), quote(sub), quote(v))
	} else {
		msg += suggestion(v, klimatrapport.MainSectors, "Välj en av")
	}
	p.items.errorf(CodeUnknownSector, sheet, ref, "%s", msg)
}
