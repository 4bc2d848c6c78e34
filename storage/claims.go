package storage

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// DefaultSettle is how long Claims.Acquire waits, on a server, after
// writing its claim before it reads the claims back.
const DefaultSettle = 200 * time.Millisecond

// Claims decides, across every instance that shares the database, which of
// several claims on the same key at the same moment goes ahead: each claim
// is a row of the claims table written first and, after Settle, the
// earliest live claim (by seq, then claim id) wins. ClickHouse has no
// transaction or lock to do this; with the wait it is exact unless a write
// takes longer than Settle.
type Claims struct {
	DB    DB
	Scope string // what the keys are, e.g. "upload"
	// Settle is the wait after writing a claim: time for claims written at
	// the same moment on other instances to land. 0: DefaultSettle on a
	// server; on chDB (one process owns the database) no wait, so that
	// callers in that process must serialise claims on one key themselves.
	Settle time.Duration
	// Expiry is the age after which an unreleased claim no longer counts
	// (its holder died); 0: an hour.
	Expiry time.Duration
	Now    func() time.Time
}

type claimRow struct {
	Scope    string    `ch:"scope"`
	Key      string    `ch:"key"`
	Claim    string    `ch:"claim"`
	Seq      uint64    `ch:"seq"`
	Released uint8     `ch:"released"`
	At       time.Time `ch:"at"`
}

// Acquire claims key and reports whether this claim is the earliest live
// one. A claim that lost is released at once, so it never holds up a later
// one; a claim that won holds until Release (or Expiry).
func (c Claims) Acquire(ctx context.Context, key string) (id string, won bool, err error) {
	now := c.now().UTC()
	own := claimRow{Scope: c.Scope, Key: key, Claim: uuid.NewString(), Seq: uint64(now.UnixNano()), At: now.Truncate(time.Second)}
	if err := c.DB.Insert(ctx, "claims", []claimRow{own}); err != nil {
		return "", false, err
	}
	if wait := c.settle(); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return "", false, ctx.Err()
		}
	}
	var live []struct {
		Claim string `ch:"claim"`
	}
	expiry := c.Expiry
	if expiry <= 0 {
		expiry = time.Hour
	}
	if err := c.DB.Select(ctx, &live, `SELECT claim FROM claims
		WHERE scope = ? AND key = ? AND seq > ?
		GROUP BY claim, seq HAVING max(released) = 0 ORDER BY seq, claim LIMIT 1`,
		c.Scope, key, uint64(now.Add(-expiry).UnixNano())); err != nil {
		return "", false, err
	}
	if len(live) == 1 && live[0].Claim == own.Claim {
		return own.Claim, true, nil
	}
	return own.Claim, false, c.release(ctx, own)
}

// Release ends the claim id on key that Acquire won.
func (c Claims) Release(ctx context.Context, key, id string) error {
	var seq []struct {
		Seq uint64 `ch:"seq"`
	}
	if err := c.DB.Select(ctx, &seq, "SELECT seq FROM claims WHERE scope = ? AND key = ? AND claim = ? LIMIT 1", c.Scope, key, id); err != nil {
		return err
	}
	if len(seq) == 0 {
		return nil
	}
	return c.release(ctx, claimRow{Scope: c.Scope, Key: key, Claim: id, Seq: seq[0].Seq})
}

func (c Claims) release(ctx context.Context, r claimRow) error {
	r.Released, r.At = 1, c.now().UTC().Truncate(time.Second)
	return c.DB.Insert(ctx, "claims", []claimRow{r})
}

// Cleanup drops the days of claims older than a day.
func (c Claims) Cleanup(ctx context.Context) (int, error) {
	return DropDaysBefore(ctx, c.DB, "claims", c.now().Add(-24*time.Hour))
}

func (c Claims) settle() time.Duration {
	if c.Settle > 0 {
		return c.Settle
	}
	if c.DB.Engine() == "chdb" {
		return 0
	}
	return DefaultSettle
}

func (c Claims) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
