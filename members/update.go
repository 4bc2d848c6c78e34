package members

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Change is an update of a member's entry; nil fields are left as they are.
type Change struct {
	Joined *time.Time
	// ObserverUntil sets the end of the observer period; ClearObserver
	// makes the member a full member from joining.
	ObserverUntil *time.Time
	ClearObserver bool
	Official      *Contact
	Officer       *Contact
}

// Empty reports whether the change changes nothing.
func (c Change) Empty() bool {
	return c.Joined == nil && c.ObserverUntil == nil && !c.ClearObserver && c.Official == nil && c.Officer == nil
}

// Update applies a change to code's current entry and saves it as a new
// entry; the previous one stays in the history.
func (r *Register) Update(ctx context.Context, actor kr.Actor, code string, c Change) (Member, error) {
	if err := mayChange(actor); err != nil {
		return Member{}, err
	}
	if c.Empty() {
		return Member{}, kr.E(kr.Invalid, "Ange vad som ska ändras.")
	}
	if c.ObserverUntil != nil && c.ClearObserver {
		return Member{}, kr.E(kr.Invalid, "Ange antingen när observatörstiden slutar eller att den ska tas bort, inte båda.")
	}
	m, ok, err := r.Get(ctx, code)
	if err != nil {
		return Member{}, err
	}
	if !ok {
		return Member{}, kr.E(kr.NotFound, "%s är inte medlem.", code)
	}
	if c.Joined != nil {
		m.Joined = *c.Joined
	}
	if c.ObserverUntil != nil {
		m.ObserverUntil = c.ObserverUntil
	}
	if c.ClearObserver {
		m.ObserverUntil = nil
	}
	for _, p := range []struct {
		from *Contact
		to   *Contact
		what string
	}{{c.Official, &m.Official, "den förtroendevalda kontakten"}, {c.Officer, &m.Officer, "tjänstepersonen"}} {
		if p.from == nil {
			continue
		}
		*p.to = Contact{Name: strings.TrimSpace(p.from.Name), Email: strings.TrimSpace(p.from.Email)}
	}
	return r.Save(ctx, actor, m)
}

// Limits on a contact, far above any real name or address (an address
// has at most 254 characters).
const (
	maxNameRunes  = 200
	maxEmailBytes = 254
)

// checkContacts checks the two contacts of an entry: printable names of a
// sensible length and plausible e-mail addresses (or none).
func checkContacts(m Member) error {
	for _, ct := range []struct {
		c    Contact
		what string
	}{{m.Official, "den förtroendevalda kontakten"}, {m.Officer, "tjänstepersonen"}} {
		switch {
		case !printable(ct.c.Name) || !printable(ct.c.Email):
			return kr.E(kr.Invalid, "Namnet eller e-postadressen för %s innehåller tecken som inte kan sparas (styrtecken eller trasig text).", ct.what)
		case utf8.RuneCountInString(ct.c.Name) > maxNameRunes:
			return kr.E(kr.Invalid, "Namnet för %s är för långt: högst %d tecken.", ct.what, maxNameRunes)
		case len(ct.c.Email) > maxEmailBytes:
			return kr.E(kr.Invalid, "E-postadressen för %s är för lång: högst %d tecken.", ct.what, maxEmailBytes)
		case ct.c.Email != "" && !validEmail(ct.c.Email):
			return kr.E(kr.Invalid, "E-postadressen %q för %s ser inte ut som en e-postadress.", ct.c.Email, ct.what)
		}
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// validEmail is a plausibility check: one @ with text on both sides and a
// dot in the domain, no spaces.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>,;") &&
		!strings.Contains(domain, "@") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// Join makes m.Code a member from m.Joined, with m's contacts (and kind,
// when set). An observer is one until m.ObserverUntil when that is set,
// else for observerPeriod (one year by default), as with Add.
func (r *Register) Join(ctx context.Context, actor kr.Actor, m Member, observer bool, observerPeriod time.Duration) (Member, error) {
	if err := mayChange(actor); err != nil {
		return Member{}, err
	}
	if cur, ok, err := r.Get(ctx, m.Code); err != nil {
		return Member{}, err
	} else if ok && cur.Ended == nil {
		return Member{}, kr.E(kr.Conflict, "%s är redan medlem sedan %s.", m.Code, cur.Joined.Format(time.DateOnly))
	}
	m.Ended = nil
	if observer && m.ObserverUntil == nil {
		m.ObserverUntil = ObserverUntil(m.Joined, observerPeriod)
	}
	return r.Save(ctx, actor, m)
}
