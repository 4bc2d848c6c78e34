package backup

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/big"
	"reflect"
)

// digest is what verification compares between what was read and what
// the target holds afterwards: the exact checksum of the rows, and for a
// chDB target of a table with floats also a loose one.
type digest struct {
	exact Sum
	loose *loose
}

// loose compares floats to within a few units in the last place and
// everything else exactly. chDB takes rows as text and reads floats with
// ClickHouse's fast parser, which lands about one decimal in 10^5 one unit
// in the last place off (4.81 is stored as 4.8100000000000005), so a
// table of floats copied into chDB is equal to its source only that
// closely. A server gets floats in binary and is compared exactly.
type loose struct {
	rest Sum       // the rows with every float written as "~"
	w    big.Float // Σ weight·x over every float, weights from its row's hash
	abs  big.Float // Σ weight·|x|
	xs   []float64 // scratch
}

// looseTolerance is the largest relative difference of the weighted sums
// accepted: a few units in the last place of every term.
const looseTolerance = 0x1p-50

func newDigest(t *table, looseFloats bool) *digest {
	d := &digest{}
	if looseFloats && t.floats != "" {
		d.loose = &loose{}
		d.loose.w.SetPrec(256)
		d.loose.abs.SetPrec(256)
	}
	return d
}

// add counts one row; buf is scratch space, returned for reuse.
func (d *digest) add(t *table, row reflect.Value, buf []byte) ([]byte, error) {
	buf, err := t.appendRow(buf[:0], row)
	if err != nil {
		return buf, err
	}
	d.exact.Add(buf)
	l := d.loose
	if l == nil {
		return buf, nil
	}
	l.xs = l.xs[:0]
	buf, err = t.appendRowMasked(buf[:0], row, func(x float64) { l.xs = append(l.xs, x) })
	if err != nil {
		return buf, err
	}
	h := sha256.Sum256(buf)
	l.rest.addHash(h)
	var term big.Float
	term.SetPrec(256)
	for k, x := range l.xs {
		// A weight per float, from the rest of its row: a float moved to
		// another row changes the sum.
		w := 1 + uint64(binary.BigEndian.Uint16(h[(2*k)%31:]))
		term.SetFloat64(x)
		term.Mul(&term, new(big.Float).SetUint64(w))
		l.w.Add(&l.w, &term)
		term.Abs(&term)
		l.abs.Add(&l.abs, &term)
	}
	return buf, nil
}

// plus returns d + o (o may be nil).
func (d *digest) plus(o *digest) *digest {
	if o == nil {
		return d
	}
	out := &digest{exact: d.exact.Plus(o.exact)}
	if d.loose != nil && o.loose != nil {
		out.loose = &loose{rest: d.loose.rest.Plus(o.loose.rest)}
		out.loose.w.SetPrec(256).Add(&d.loose.w, &o.loose.w)
		out.loose.abs.SetPrec(256).Add(&d.loose.abs, &o.loose.abs)
	}
	return out
}

// matches compares what a target holds (d) with what it should hold (want):
// ok when equal, exact when equal to the last bit.
func (d *digest) matches(want *digest) (ok, exact bool) {
	if d.exact == want.exact {
		return true, true
	}
	if d.loose == nil || want.loose == nil || d.loose.rest != want.loose.rest {
		return false, false
	}
	var diff, tol big.Float
	diff.SetPrec(256).Sub(&d.loose.w, &want.loose.w)
	diff.Abs(&diff)
	tol.SetPrec(256).Add(&d.loose.abs, &want.loose.abs)
	tol.Mul(&tol, big.NewFloat(looseTolerance))
	return diff.Cmp(&tol) <= 0, false
}

// digest reads a whole table and digests its rows.
func (s *scanner) digest(ctx context.Context, looseFloats bool) (*digest, error) {
	d := newDigest(s.t, looseFloats)
	var buf []byte
	err := s.scan(ctx, func(rows reflect.Value) error {
		for i := 0; i < rows.Len(); i++ {
			var err error
			if buf, err = d.add(s.t, rows.Index(i), buf); err != nil {
				return err
			}
		}
		return nil
	})
	return d, err
}
