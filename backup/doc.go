// Package backup copies a klimatrapport database between engines and to
// and from files: `klimatrapport copy`, `backup` and `restore`. It reads and
// writes through storage.DB only, so the same code serves chDB and a
// ClickHouse server in either direction.
//
// # Backup format (format_version 1)
//
// A backup is a directory:
//
//	manifest.json          written last: a directory without it is not a (complete) backup
//	TABLE.tsv[.gz]         one file per table, gzip-compressed unless --gzip=false
//
// manifest.json is a JSON object:
//
//	{
//	  "format": "klimatrapport-backup",
//	  "format_version": 1,
//	  "created_at": "2025-03-01T12:00:00Z",      // UTC, RFC 3339
//	  "tool": "klimatrapport v1.2.3",
//	  "source_engine": "chdb" | "clickhouse",
//	  "source_database": "klimatrapport",
//	  "schema_version": 3,                       // highest applied migration
//	  "tables": [{
//	    "name": "submission_files",
//	    "columns": [{"name": "submission_id", "type": "UUID"}, {"name": "content", "type": "String"}],
//	    "rows": 12,
//	    "rows_checksum": "…64 hex digits…",      // see below
//	    "file": "submission_files.tsv.gz",
//	    "compression": "gzip" | "none",
//	    "bytes": 123456,                          // size of the file
//	    "sha256": "…64 hex digits…"               // SHA-256 of the file as stored
//	  }, …]
//	}
//
// Each table file (after gunzip) is ClickHouse's TabSeparated format without
// a header: one line per row ending in "\n", the manifest's columns in
// order, separated by tabs. It loads as it is with
//
//	zcat TABLE.tsv.gz | clickhouse-client -q 'INSERT INTO TABLE (c1, c2, …) FORMAT TabSeparated'
//
// Every value has one spelling, so that a row has exactly one line:
//
//   - String, FixedString, UUID, Enum (by name): the bytes as they are
//     (any bytes, valid UTF-8 or not), except that backslash, single quote,
//     backspace, form feed, newline, carriage return, tab and NUL are written
//     \\ \' \b \f \n \r \t \0;
//   - integers in decimal; floats in the shortest decimal form that reads
//     back to the same float (Go's strconv 'g', -1; NaN and ±Inf are
//     refused);
//   - Date as 2006-01-02, DateTime('UTC') as 2006-01-02 15:04:05 in UTC;
//   - NULL as \N;
//   - arrays as [a,b,…] with strings and dates in single quotes (escaped as
//     above) and numbers bare.
//
// rows_checksum is the table's content checksum (Sum): the sum modulo 2^256
// of the SHA-256 of every row's line (without its newline), as 64 hex
// digits, big-endian. It does not depend on row order, so it is the same
// for the same rows read from any engine; restore and copy compare it with
// the target's after writing, exactly: both engines take inserts in binary,
// so floats arrive bit for bit. sha256 protects the file as stored; restore
// checks every file's size and SHA-256 before it writes anything, and
// refuses a backup whose manifest is missing, whose files are missing, cut
// short or changed.
//
// Tables are read a page at a time (Options.PageRows, PageBytes): ranges
// of the values of the first sorting-key column, the next column splitting
// a value with more than a page of rows, so memory stays bounded however
// big a table is.
//
// schema_migrations is not in a backup: restore and copy migrate the target
// with the program's migrations (which must reach schema_version) and then
// load the rows. Tables are read marker tables first (submissions,
// smhi_releases) and written marker tables last.
package backup
