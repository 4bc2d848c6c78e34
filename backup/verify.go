package backup

import (
	"context"
	"reflect"
)

// Verification compares the checksum (Sum) of the rows read from the source
// or a backup file with that of what the target holds afterwards, exactly:
// both engines take inserts in binary (chDB as RowBinary, a server as typed
// columns), so every value, floats included, arrives bit for bit.

// addRows adds rows (a slice of a table's row structs) to sum; buf is
// scratch space, returned for reuse.
func addRows(sum *Sum, t *table, rows reflect.Value, buf []byte) ([]byte, error) {
	for i := 0; i < rows.Len(); i++ {
		var err error
		if buf, err = t.appendRow(buf[:0], rows.Index(i)); err != nil {
			return buf, err
		}
		sum.Add(buf)
	}
	return buf, nil
}

// sum reads a whole table and sums its rows.
func (s *scanner) sum(ctx context.Context) (Sum, error) {
	var sum Sum
	var buf []byte
	err := s.scan(ctx, func(rows reflect.Value) error {
		var err error
		buf, err = addRows(&sum, s.t, rows, buf)
		return err
	})
	return sum, err
}
