package members

import (
	"context"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
)

// Admission is the office's decision to take a municipality or region in
// after its member test: as a member from Joined, or as an observer from
// Joined until ObserverUntil, with the contacts it gave.
type Admission struct {
	Code          string
	Joined        time.Time
	ObserverUntil *time.Time // nil: a member
	Official      Contact
	Officer       Contact
}

// Admit registers an admission as code's current entry. It needs the
// right to decide on membership (reviewers and admins), not the wider one
// to change the register. An observer may be admitted as a member: its
// entry then runs from the new date without an observer period (the
// observer period stays in the history). An admission that the register
// already shows is not written again, so a decision recorded twice (a retry
// after an interruption) changes nothing; any other admission of a current
// member is refused as a conflict.
func (r *Register) Admit(ctx context.Context, actor kr.Actor, a Admission) (Member, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		if kr.KindOf(err) == kr.Forbidden {
			return Member{}, kr.E(kr.Forbidden, "Bara granskare och administratörer får besluta om medlemskap.")
		}
		return Member{}, err
	}
	m := Member{Code: a.Code, Joined: day(a.Joined), ObserverUntil: dayPtr(a.ObserverUntil), Official: a.Official, Officer: a.Officer}
	cur, ok, err := r.Get(ctx, a.Code)
	if err != nil {
		return Member{}, err
	}
	if ok && cur.Ended == nil {
		switch {
		case cur.Joined.Equal(m.Joined) && sameDay(cur.ObserverUntil, m.ObserverUntil):
			return cur, nil
		case cur.ObserverUntil != nil && m.ObserverUntil == nil && !m.Joined.Before(cur.Joined):
			// an observer becomes a member
		case cur.ObserverUntil != nil:
			return Member{}, kr.E(kr.Conflict, "%s är redan observatör sedan %s, till %s.", a.Code,
				cur.Joined.Format(time.DateOnly), cur.ObserverUntil.Format(time.DateOnly))
		default:
			return Member{}, kr.E(kr.Conflict, "%s är redan medlem sedan %s.", a.Code, cur.Joined.Format(time.DateOnly))
		}
	}
	return r.save(ctx, actor, m)
}

// sameDay reports whether two optional dates are both absent or the same.
func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
