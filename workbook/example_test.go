package workbook_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// dbSink stands for a store that stages each batch and commits only when the
// report has no errors.
type dbSink struct{ staged int }

func (s *dbSink) Report(rep *klimatrapport.Report) error { return nil }
func (s *dbSink) Inventory(batch []klimatrapport.InventoryValue) error {
	s.staged += len(batch) // insert the batch into a staging table here
	return nil
}

// Ingest streams a workbook into a sink while validating it, so memory stays
// at one batch whatever the file's size.
func ExampleIngest() {
	var buf bytes.Buffer
	_ = workbook.WriteTemplate(&buf, workbook.TemplateOptions{Code: "1281", Name: "Lund", Year: 2024})
	file := buf.Bytes() // in the service: the uploaded bytes, kept byte for byte

	sink := &dbSink{}
	items, err := workbook.Ingest(bytes.NewReader(file), int64(len(file)), workbook.DefaultLimits(),
		workbook.ValidationContext{UploaderCode: "1281"}, sink)
	if err != nil { // not a readable workbook: klimatrapport.KindOf(err) is Invalid or TooLarge
		fmt.Println(klimatrapport.MessageOf(err))
		return
	}
	if items.HasErrors() {
		// drop what was staged; store the submission as rejected with items,
		// and offer workbook.Annotate(original, size, items, w) for download
	}
	for _, it := range items {
		fmt.Fprintln(os.Stdout, it.Severity, it.Code)
	}
	// Output:
	// error no_data
}

// Parse reads a whole workbook into memory; Validate adds the rules that
// need the caller's context or the whole file. The items about Uppgifter
// name their cells because Validate gets what Parse found.
func ExampleValidate() {
	var buf bytes.Buffer
	_ = workbook.WriteTemplate(&buf, workbook.TemplateOptions{Code: "1281", Name: "Lund", Year: 2024})
	parsed, err := workbook.Parse(bytes.NewReader(buf.Bytes()), int64(buf.Len()), workbook.DefaultLimits())
	if err != nil {
		fmt.Println(klimatrapport.MessageOf(err))
		return
	}
	for _, it := range workbook.Validate(parsed, workbook.ValidationContext{UploaderCode: "1280"}) {
		fmt.Printf("%s %s %q\n", it.Severity, it.Code, it.Cell)
	}
	// Output:
	// error no_data ""
	// error wrong_municipality "B2"
}
