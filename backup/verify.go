package backup

import (
	"context"
	"fmt"
	"reflect"

	"github.com/klimatkommunerna/klimatrapport/storage"
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

// verify re-reads a written table and compares it with what was written.
func (tg *target) verify(ctx context.Context, db storage.DB, written Sum, opts Options) (TableResult, error) {
	got, err := (&scanner{db: db, t: tg.t, opts: opts}).sum(ctx)
	if err != nil {
		return TableResult{}, err
	}
	if want := written.Plus(tg.before); got != want {
		return TableResult{}, fmt.Errorf("verification failed: table %s holds %d rows with checksum %s, expected %d rows with %s",
			tg.t.name, got.Rows, got.Hex(), want.Rows, want.Hex())
	}
	return TableResult{Name: tg.t.name, Rows: written.Rows, Checksum: written.Hex()}, nil
}
