// Package workbook owns the spreadsheets members exchange with the service:
// the Swedish reporting template (WriteTemplate), the streaming parser of
// uploaded workbooks in the template's or SMHI's export layout (Parse,
// ParseStream), their validation (Validate, Validator, Check, Ingest), the
// annotated copy of an uploaded workbook (Annotate, AnnotateReview: the
// officer's file with a first sheet "Att rätta") and the guard against
// formula injection for every cell the service writes (SafeText).
//
// It is pure: it reads and writes bytes and holds no database, network or
// file state. What validation needs from outside (known codes, SMHI's
// figures, who uploads) comes in a ValidationContext, and what is read goes
// to a Sink the caller supplies.
//
// The flow is ParseStream → Sink (the caller's store, and a Validator beside
// it through Tee) → Validator.Finish(Parsed), which returns the complete
// report of items. Parse and Validate are the same over a whole Report in
// memory.
//
// Parsing streams every sheet with excelize's row iterator and raw cell
// values; no sheet is loaded whole. A file that cannot be read at all gives a
// *klimatrapport.Error (Kind Invalid or TooLarge) with a Swedish message;
// every problem inside a readable file is a klimatrapport.Item.
//
// The files follow the flow: limits.go (what one file may cost, and the
// file-level problems), sniff.go (is it an xlsx at all), sheetlist.go
// (sheets and their parts), headers.go (sheet and column names), cells.go
// (cell references, header rows), parse.go (the parser and its Sink),
// rows.go and formulas.go (streaming a sheet's rows beside a scan for
// formulas without values), details.go (Uppgifter), tables.go and
// tablerows.go (Mål, Handlingsplan, Åtgärder), emissions.go (Utsläpp and
// SMHI's export), values.go (cell values), sectors.go (sector and gas
// numbers, the name meant), validate.go (the Validator), items.go (item
// codes and their order), template.go (the template's sheets; its
// print layout and protection in template_layout.go, its column checks
// with input and error messages in template_checks.go, its marks of
// missing values in template_marks.go, the Instruktioner sheet in
// template_instructions.go), annotate.go and safetext.go.
package workbook
