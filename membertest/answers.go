package membertest

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Limits on what an applicant types.
const (
	MaxText  = 500  // an answer in words
	MaxName  = 200  // a contact's name
	MaxEmail = 254  // an e-mail address
	MaxURL   = 2000 // a link
)

// Contact is a person the office can reach.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Application is an applicant's answers, checked: the municipality or
// region (its SCB code and name), the answers by question id (empty when
// not answered) and the contacts.
type Application struct {
	Code     string            `json:"code"`
	Name     string            `json:"name"`
	Answers  map[string]string `json:"answers"`
	Official Contact           `json:"official"` // the elected official
	Officer  Contact           `json:"officer"`  // the officer
}

// Problem is what is wrong with one field, in Swedish.
type Problem struct {
	Field   string
	Message string
}

// Form names of the fields that are not questions.
const (
	FieldCode          = "code"
	FieldOfficialName  = "official_name"
	FieldOfficialEmail = "official_email"
	FieldOfficerName   = "officer_name"
	FieldOfficerEmail  = "officer_email"
)

// Read checks an applicant's form (value gives a field's text) against the
// questions and places (code → name, the municipalities and regions an
// applicant may choose). It returns the application and, when anything is
// wrong, a problem per field.
func (q *Questions) Read(value func(string) string, places map[string]string) (Application, []Problem) {
	var ps []Problem
	bad := func(field, msg string) { ps = append(ps, Problem{field, msg}) }
	a := Application{Code: strings.TrimSpace(value(FieldCode)), Answers: map[string]string{}}
	if name, ok := places[a.Code]; ok {
		a.Name = name
	} else {
		bad(FieldCode, "Välj en kommun eller region i listan.")
	}
	for _, area := range q.Areas {
		for _, qu := range area.Questions {
			v := strings.TrimSpace(value("q_" + qu.ID))
			if msg := qu.invalid(v); msg != "" {
				bad("q_"+qu.ID, qu.Text+": "+msg)
				continue
			}
			a.Answers[qu.ID] = v
		}
	}
	a.Official = readContact(value, FieldOfficialName, FieldOfficialEmail, "förtroendevald", bad)
	a.Officer = readContact(value, FieldOfficerName, FieldOfficerEmail, "tjänsteperson", bad)
	return a, ps
}

func readContact(value func(string) string, nameField, emailField, who string, bad func(field, msg string)) Contact {
	c := Contact{Name: strings.TrimSpace(value(nameField)), Email: strings.TrimSpace(value(emailField))}
	switch {
	case c.Name == "":
		bad(nameField, "Ange namnet på en kontaktperson ("+who+").")
	case utf8.RuneCountInString(c.Name) > MaxName:
		bad(nameField, "Namnet ("+who+") får vara högst "+strconv.Itoa(MaxName)+" tecken.")
	}
	if msg := invalidEmail(c.Email); msg != "" {
		bad(emailField, msg+" ("+who+")")
	}
	return c
}

func invalidEmail(s string) string {
	if s == "" {
		return "Ange en e-postadress."
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > MaxEmail {
		return "Ange en giltig e-postadress, till exempel namn@kommun.se."
	}
	return ""
}

// invalid says what is wrong with an answer v to qu, or "" when it is
// empty (not answered) or fine.
func (qu Question) invalid(v string) string {
	if v == "" {
		return ""
	}
	switch qu.Kind {
	case KindYesNo:
		if v != "ja" && v != "nej" {
			return "svara ja eller nej."
		}
	case KindText:
		if utf8.RuneCountInString(v) > MaxText {
			return "svaret får vara högst " + strconv.Itoa(MaxText) + " tecken."
		}
	case KindDate:
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || !kr.DateInRange(d) {
			return "ange ett datum som ÅÅÅÅ-MM-DD mellan " + kr.DateRangeText() + "."
		}
	case KindURL:
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(v) > MaxURL {
			return "ange en länk som börjar med https:// eller http://."
		}
	case KindYear:
		y, err := strconv.Atoi(v)
		if err != nil || y < 1990 || y > 2100 {
			return "ange ett år mellan 1990 och 2100."
		}
	case KindChoice:
		for _, o := range qu.Options {
			if v == o {
				return ""
			}
		}
		return "välj ett av alternativen."
	}
	return ""
}
