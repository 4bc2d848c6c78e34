// Package submissions owns members' reports once uploaded: Submit streams a
// workbook through the parser and validator (package workbook), stores an
// accepted submission atomically with its original file and keeps a
// rejected one with its report; the store answers what a submission, its
// file and a municipality's history are, and what changed between versions.
//
// It owns the rule of which submission's rows are current ("visible as
// of"): VisibleSQL, on which Current, Series and the loaders that other
// packages (compliance) use are built. It also owns the shapes of the
// submitted tables (rows.go), the cleanup of interrupted uploads, the cap
// on expensive work that every parse and annotation done for a request
// waits for (work.go), and the annotated copy of a stored submission,
// built once and kept (annotated.go).
//
// ClickHouse has no multi-table transactions: data rows are written first,
// tagged with a UUIDv7 submission id, and the submissions row last; rows
// without an accepted submissions row are never visible, and Cleanup
// removes those an interrupted upload left.
package submissions
