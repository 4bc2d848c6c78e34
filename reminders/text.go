package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/swedish"
)

// memberText is a binding member's reminder: the deadline, left days
// ahead (negative: past), and what is missing.
func (s *Service) memberText(rep compliance.Report, m compliance.MemberResult, left int, miss []compliance.Result, key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hej!\n\nDet här är en påminnelse från Klimatkommunerna till %s.\n\n", who(m))
	deadline := rep.Deadline.Format(time.DateOnly)
	switch {
	case left > 0:
		fmt.Fprintf(&b, "Sista dagen att rapportera för %d är %s, om %s.", rep.Year, deadline, days(left))
	case left == 0:
		fmt.Fprintf(&b, "Sista dagen att rapportera för %d är i dag, %s.", rep.Year, deadline)
	default:
		fmt.Fprintf(&b, "Sista dagen att rapportera för %d var %s, för %s sedan.", rep.Year, deadline, days(-left))
	}
	b.WriteString(" Det här saknas ännu:\n\n")
	writeMissing(&b, miss)
	s.writeEnd(&b, key)
	return b.String()
}

// observerText is an observer's reminder before its period ends.
func (s *Service) observerText(m compliance.MemberResult, left int, miss []compliance.Result, key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hej!\n\nDet här är en påminnelse från Klimatkommunerna till %s.\n\n", who(m))
	until := m.ObserverUntil.Format(time.DateOnly)
	if left > 0 {
		fmt.Fprintf(&b, "Er tid som observatör slutar %s, om %s. Därefter gäller medlemskraven fullt ut.", until, days(left))
	} else {
		fmt.Fprintf(&b, "Er tid som observatör slutar i dag, %s. Därefter gäller medlemskraven fullt ut.", until)
	}
	if len(miss) == 0 {
		b.WriteString(" I dag uppfyller ni kraven.\n\n")
	} else {
		b.WriteString(" Det här saknas i dag:\n\n")
		writeMissing(&b, miss)
	}
	s.writeEnd(&b, key)
	return b.String()
}

// observerEndedText tells an observer that its period has ended: the
// obligations now bind it, and what is missing for the year.
func (s *Service) observerEndedText(rep compliance.Report, m compliance.MemberResult, key string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Hej!\n\nDet här är ett meddelande från Klimatkommunerna till %s.\n\n", who(m))
	fmt.Fprintf(&b, "Er tid som observatör slutade %s. Nu gäller medlemskraven fullt ut: att inventera utsläppen, ha mål, ha en handlingsplan med åtgärder och rapportera till föreningen varje år, för %d senast %s.",
		m.ObserverUntil.Format(time.DateOnly), rep.Year, rep.Deadline.Format(time.DateOnly))
	if miss := missing(rep, m); len(miss) > 0 {
		b.WriteString(" Det här saknas i dag:\n\n")
		writeMissing(&b, miss)
	} else {
		b.WriteString(" I dag uppfyller ni kraven.\n")
	}
	b.WriteString("\nVill ni inte fortsätta som medlem, kontakta kansliet.\n")
	s.writeEnd(&b, key)
	return b.String()
}

// who names the member: "Lund (1281)".
func who(m compliance.MemberResult) string {
	if m.Name == "" {
		return m.Code
	}
	return fmt.Sprintf("%s (%s)", m.Name, m.Code)
}

// days is "1 dag", "7 dagar".
func days(n int) string {
	if n == 1 {
		return "1 dag"
	}
	return swedish.Count(n) + " dagar"
}

// writeMissing lists each obligation not met with the check's own words.
func writeMissing(b *strings.Builder, miss []compliance.Result) {
	for _, r := range miss {
		fmt.Fprintf(b, "- %s (%s): %s\n", r.Obligation.Title(), r.Status, r.Explanation)
	}
}

// writeEnd is the link, the signature and the reminder's key.
func (s *Service) writeEnd(b *strings.Builder, key string) {
	fmt.Fprintf(b, "\nRapportera här: %s\n\nMed vänliga hälsningar\nKlimatkommunerna\n\n", s.link())
	fmt.Fprintf(b, "Det här är ett automatiskt meddelande (påminnelse %s); det skickas en gång.\n", key)
}
