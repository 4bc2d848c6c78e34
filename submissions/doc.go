// Package submissions owns members' reports once uploaded: Submit streams a
// workbook through the parser and validator (package workbook), stores an
// accepted submission atomically with its original file and keeps a
// rejected one with its report; the store answers what a submission, its
// file and a municipality's history are, and what changed between versions.
//
// It owns the rule of which submission's rows are current ("visible as
// of"): VisibleSQL, on which Current, Series and the loaders that other
// packages (compliance) use are built. It also owns the shapes of the
// submitted tables (rows.go) and the cleanup of interrupted uploads.
//
// ClickHouse has no multi-table transactions: data rows are written first,
// tagged with a UUIDv7 submission id, and the submissions row last; rows
// without an accepted submissions row are never visible, and Cleanup
// removes those an interrupted upload left.
package submissions
