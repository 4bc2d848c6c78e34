package workbook

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/swedish"
	"github.com/klimatkommunerna/klimatrapport/xlsx"
)

// Sink receives a workbook as ParseStream reads it. Report is called exactly
// once, before any Inventory call, with everything but the inventory
// (details, goals, action plans, measures, FromSMHI, SheetsSeen). Inventory
// is then called with batches of at most Limits.BatchSize values; the batch
// slice is reused after Inventory returns, so copy what you keep. An error
// from either method stops parsing and is returned by ParseStream as is.
//
// Whatever a Sink receives comes from a file that may still be rejected:
// the items ParseStream returns and the Validator's decide that.
type Sink interface {
	Report(rep *klimatrapport.Report) error
	Inventory(batch []klimatrapport.InventoryValue) error
}

// Parsed is what the parser read from one workbook, and what Validate and
// Validator.Finish take.
type Parsed struct {
	// Report is the report as the Sink received it; from Parse it holds
	// every inventory value, from ParseStream none (the Sink had them).
	Report *klimatrapport.Report
	// Items are the problems found while reading (see ParseStream).
	Items klimatrapport.Items
	// details says where the Uppgifter values sit, so that the Validator's
	// items about them can name the cell. A Parsed built by hand has none,
	// and those items name only the sheet.
	details detailPlaces
}

// detailPlaces is where the Uppgifter values sit: the sheet and, per field,
// the cell of its value.
type detailPlaces struct {
	sheet string
	cells map[detailField]string
}

// Parse reads a whole workbook. It is a collector over ParseStream; use
// ParseStream (or Ingest) for large files, since the Report holds every
// inventory value.
func Parse(r io.ReaderAt, size int64, lim Limits) (*Parsed, error) {
	return ParseStream(r, size, lim, &collectSink{})
}

// collectSink builds a Report from a stream.
type collectSink struct{ rep *klimatrapport.Report }

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

// ParseStream reads a workbook and hands its contents to sink as it goes
// (see Sink). Its Parsed holds the items found while reading: structure,
// cell values and the rules that one row decides (sector names, year range,
// negative values, notation keys, goal and measure rows). Rules that need
// the whole file or the caller's context are the Validator's.
//
// The error is non-nil only when the file cannot be read at all: a
// *klimatrapport.Error of kind Invalid or TooLarge with a Swedish message
// (FileProblem gives its stable code), or an error returned by sink.
func ParseStream(r io.ReaderAt, size int64, lim Limits, sink Sink) (*Parsed, error) {
	return ParseStreamContext(context.Background(), r, size, lim, sink)
}

// ParseStreamContext is ParseStream that also stops when ctx is done.
func ParseStreamContext(ctx context.Context, r io.ReaderAt, size int64, lim Limits, sink Sink) (parsed *Parsed, err error) {
	return parseStream(ctx, r, size, lim, sink, "")
}

// parseStream is ParseStreamContext for an upload by uploader (a
// municipality or county code, "" for any): the code decides whose rows a
// file in SMHI's layout gives when Uppgifter names none.
func parseStream(ctx context.Context, r io.ReaderAt, size int64, lim Limits, sink Sink, uploader string) (parsed *Parsed, err error) {
	lim = lim.withDefaults()
	p := &parser{
		ctx:      ctx,
		uploader: uploader,
		lim:      lim,
		deadline: time.Now().Add(lim.Timeout),
		items:    newCollector(),
		sink:     sink,
		rep:      &klimatrapport.Report{Goals: []klimatrapport.Goal{}, Plans: []klimatrapport.ActionPlan{}, Measures: []klimatrapport.Measure{}},
		details:  detailPlaces{cells: map[detailField]string{}},
		names:    map[[2]string]sectorNames{},
		gases:    map[string]gasName{},
	}
	defer func() {
		if rec := recover(); rec != nil {
			parsed, err = nil, unreadable()
		}
		if p.f != nil {
			_ = p.f.Close()
		}
	}()
	if err := p.run(r, size); err != nil {
		return nil, err
	}
	return &Parsed{Report: p.rep, Items: p.items.result(), details: p.details}, nil
}

// parser is the state of one ParseStream call.
type parser struct {
	ctx      context.Context
	uploader string // the code the upload is for, "" when not known
	lim      Limits
	deadline time.Time
	f        *excelize.File
	zr       *zip.Reader
	sheets   []sheetInfo
	date1904 bool
	items    *collector
	sink     Sink
	rep      *klimatrapport.Report
	details  detailPlaces
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

// errStop ends a row loop early without an error.
var errStop = errors.New("stop")

// check stops the parse when the caller gives up or the time limit is over.
func (p *parser) check() error {
	if err := p.ctx.Err(); err != nil {
		return fail(klimatrapport.TooLarge, ProblemTimeout, "Inläsningen avbröts innan filen var färdigläst. Försök igen.")
	}
	if time.Now().After(p.deadline) {
		return fail(klimatrapport.TooLarge, ProblemTimeout,
			"Filen tog för lång tid att läsa (mer än %s). Ta bort blad och rader som inte hör till rapporten och försök igen.",
			swedish.Duration(p.lim.Timeout))
	}
	return nil
}

// sinkPanic is returned when the caller's Sink panics: that is the caller's
// bug, not a broken file.
type sinkPanic struct{ v any }

func (e sinkPanic) Error() string { return fmt.Sprintf("workbook: sink panicked: %v", e.v) }

// callSink calls the Sink, turning its panic into a sinkPanic error.
func callSink(fn func() error) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = sinkPanic{rec}
		}
	}()
	return fn()
}

// unreadable is the file problem of a workbook that made excelize (or the
// parser) panic.
func unreadable() error {
	return fail(klimatrapport.Invalid, ProblemInternal,
		"Filen kunde inte läsas; den verkar vara skadad. Öppna den i Excel eller LibreOffice, spara den på nytt och ladda upp den igen.")
}

// corrupt is the file problem of a workbook whose parts cannot be read.
func corrupt(err error) error {
	return fail(klimatrapport.Invalid, ProblemCorrupt,
		"Filen är skadad och kan inte läsas (%s). Öppna den i Excel eller LibreOffice, spara den på nytt och ladda upp den igen.",
		shortErr(err))
}

// shortErr is an error text cut to a length that fits in a message.
func shortErr(err error) string {
	s := err.Error()
	if utf8.RuneCountInString(s) > 120 {
		s = string([]rune(s)[:117]) + "…"
	}
	return s
}

// run reads the workbook: the template sheets that are there, in the
// order Uppgifter, Mål, Handlingsplan, Åtgärder, Utsläpp, or else SMHI's
// export.
func (p *parser) run(r io.ReaderAt, size int64) error {
	if err := p.open(r, size); err != nil {
		return err
	}
	chosen, err := p.chooseSheets()
	if err != nil {
		return err
	}
	if len(chosen) == 0 {
		return p.readSMHIExport()
	}
	if s, ok := chosen[kindDetails]; ok {
		if err := p.readDetails(s); err != nil {
			return err
		}
	} else if !p.smhiCandidate(chosen) {
		p.items.errorf(CodeMissingSheet, "", "",
			"Bladet Uppgifter saknas. Lägg till det (kopiera det från mallen) och fyll i kommunkod och rapportår.")
	}
	for _, kind := range []sheetKind{kindGoals, kindPlans, kindMeasures} {
		if s, ok := chosen[kind]; ok {
			if err := p.readTable(s); err != nil {
				return err
			}
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

// open checks the file, opens the parts it needs within the limits and
// lists its sheets.
func (p *parser) open(r io.ReaderAt, size int64) error {
	if err := sniff(r, size, p.lim); err != nil {
		return err
	}
	book, err := openBook(r, size, p.lim, xlsx.Values, p.check, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	p.f, p.zr = book.File, book.Parts
	if p.sheets, p.date1904, err = readWorkbook(p.zr); err != nil {
		return corrupt(err)
	}
	if len(p.sheets) == 0 {
		return fail(klimatrapport.Invalid, ProblemNoKnownSheet, "Arbetsboken har inga blad. %s", msgUseTemplate)
	}
	for _, s := range p.sheets {
		p.rep.SheetsSeen = append(p.rep.SheetsSeen, s.Name)
	}
	p.maxYear = time.Now().Year()
	return nil
}

// openBook opens a sniffed workbook through xlsx within lim, calling check
// (when set) as it reads: a refusal keeps its code and message, as does
// check's error; excelize's own failure is a corrupt file.
func openBook(r io.ReaderAt, size int64, lim Limits, need xlsx.Need, check func() error, opts excelize.Options) (*xlsx.Book, error) {
	book, err := xlsx.Open(r, size, xlsx.Limits{Total: lim.UnzipSizeLimit, Stream: lim.UnzipXMLSizeLimit, Check: check}, need, opts)
	if err != nil && FileProblem(err) == "" {
		return nil, corrupt(err)
	}
	return book, err
}

// chooseSheets picks the first sheet of each template kind; later ones of
// the same kind are reported and not read.
func (p *parser) chooseSheets() (map[sheetKind]sheetInfo, error) {
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
			return nil, corrupt(fmt.Errorf("bladet %s saknas i filen", s.Name))
		}
		chosen[s.Kind] = s
	}
	return chosen, nil
}

// readSMHIExport reads a workbook without template sheets as SMHI's export,
// from its first sheet in that layout.
func (p *parser) readSMHIExport() error {
	for _, s := range p.sheets {
		if err := p.check(); err != nil {
			return err
		}
		if s.Path == "" || findZip(p.zr, s.Path) == nil || !p.looksLikeSMHI(s) {
			continue
		}
		if err := p.readSMHI(s); err != nil {
			return err
		}
		return p.finish()
	}
	return fail(klimatrapport.Invalid, ProblemNoKnownSheet,
		"Arbetsboken innehåller inget av bladen Uppgifter, Utsläpp, Mål, Handlingsplan och Åtgärder och är inte heller en export från SMHI:s nationella emissionsdatabas. %s",
		msgUseTemplate)
}

// smhiCandidate reports whether the only template sheet chosen is Utsläpp
// and it is in SMHI's export layout; Uppgifter is then not required.
func (p *parser) smhiCandidate(chosen map[sheetKind]sheetInfo) bool {
	s, ok := chosen[kindEmissions]
	return ok && len(chosen) == 1 && p.looksLikeSMHI(s)
}

// finish hands the last batch to the Sink and reports a workbook with
// nothing in it.
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

// ensureReported calls the Sink's Report once, before the first batch.
func (p *parser) ensureReported() error {
	if p.reported {
		return nil
	}
	p.reported = true
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

// flush hands the current batch to the Sink.
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
