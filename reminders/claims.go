package reminders

import (
	"context"
	"time"
)

// The states of a row of the reminders table.
const (
	stateClaimed = "claimed" // a run is about to send
	stateSent    = "sent"
	stateFailed  = "failed" // the run's sending failed; due again
)

type row struct {
	Key        string    `ch:"key"`
	Claim      string    `ch:"claim"`
	State      string    `ch:"state"`
	Code       string    `ch:"code"`
	Recipients []string  `ch:"recipients"`
	Subject    string    `ch:"subject"`
	At         time.Time `ch:"at"`
}

// keyClaims is what the table says about one key.
type keyClaims struct {
	sent   bool
	live   []row           // claims not failed, earliest first
	failed map[string]bool // claims whose sending failed
}

// taken reports whether the key is sent or being sent.
func (k keyClaims) taken() bool { return k.sent || len(k.live) > 0 }

// claims reads the reminders table by key. It stays small: a few rows per
// member and year.
func (s *Service) claims(ctx context.Context) (map[string]keyClaims, error) {
	var rows []row
	if err := s.DB.Select(ctx, &rows, "SELECT key, claim, state, code, recipients, subject, at FROM reminders ORDER BY key, at, claim"); err != nil {
		return nil, err
	}
	byKey := map[string]keyClaims{}
	for _, r := range rows {
		k := byKey[r.Key]
		switch r.State {
		case stateSent:
			k.sent = true
		case stateFailed:
			if k.failed == nil {
				k.failed = map[string]bool{}
			}
			k.failed[r.Claim] = true
		}
		byKey[r.Key] = k
	}
	for _, r := range rows {
		if k := byKey[r.Key]; r.State == stateClaimed && !k.failed[r.Claim] {
			k.live = append(k.live, r)
			byKey[r.Key] = k
		}
	}
	return byKey, nil
}

// claim claims due for this run and returns those whose earliest live
// claim (by time, then claim id) is this run's, none already sent. On a
// server it waits ClaimWait first, so that the claims of runs that claim
// at the same moment are all seen.
func (s *Service) claim(ctx context.Context, due []Reminder) (string, []Reminder, error) {
	id, at := newClaim(), s.now().Truncate(time.Second)
	rows := make([]row, len(due))
	for i, r := range due {
		rows[i] = row{Key: r.Key, Claim: id, State: stateClaimed, Code: r.Code, Recipients: r.To, Subject: r.Subject, At: at}
	}
	if err := s.DB.Insert(ctx, "reminders", rows); err != nil {
		return "", nil, err
	}
	select {
	case <-time.After(s.claimWait()):
	case <-ctx.Done():
		return "", nil, ctx.Err()
	}
	claims, err := s.claims(ctx)
	if err != nil {
		return "", nil, err
	}
	var won []Reminder
	for _, r := range due {
		k := claims[r.Key]
		if !k.sent && len(k.live) > 0 && k.live[0].Claim == id {
			won = append(won, r)
		}
	}
	return id, won, nil
}

// record writes the outcome of claim's sending of r.
func (s *Service) record(ctx context.Context, r Reminder, claim, state string) error {
	return s.DB.Insert(ctx, "reminders", []row{{Key: r.Key, Claim: claim, State: state, Code: r.Code, Recipients: r.To, Subject: r.Subject, At: s.now()}})
}

func (s *Service) claimWait() time.Duration {
	if s.ClaimWait > 0 {
		return s.ClaimWait
	}
	return DefaultClaimWait
}
