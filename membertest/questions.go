// Package membertest is the member test (medlemstest) a municipality or
// region answers before it joins: the versioned questions file (built in,
// or another given to serve), the validation of an applicant's answers,
// their score per area (pure: what is met, what is missing and what would
// fix it) and the store of applications, append-only.
package membertest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Kinds of question.
const (
	KindYesNo  = "yesno"  // ja or nej
	KindText   = "text"   // free text, e.g. the deciding body
	KindDate   = "date"   // YYYY-MM-DD within klimatrapport.DateInRange
	KindURL    = "url"    // an http or https address, e.g. a link to the decision
	KindYear   = "year"   // a year, e.g. base, target or plan period
	KindChoice = "choice" // one of Options, e.g. the inventory method
)

// Questions is a versioned questions file: areas, each with weighted
// questions.
type Questions struct {
	Version string `json:"version"`
	Areas   []Area `json:"areas"`
}

// Area is one of the things a member decides politically.
type Area struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	Questions []Question `json:"questions"`
}

// Question is one question: a yes/no decision or a supporting fact. Fix
// says, in Swedish, what would meet it when it is not.
type Question struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Weight  int      `json:"weight"`
	Text    string   `json:"text"`
	Fix     string   `json:"fix"`
	Options []string `json:"options,omitempty"`
}

//go:embed questions.json
var defaultQuestions []byte

// Default returns the built-in questions.
func Default() *Questions {
	q, err := Parse(defaultQuestions)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return q
}

// Load reads and checks a questions file; its errors (kind Invalid) say
// in Swedish why it cannot be used.
func Load(path string) (*Questions, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, kr.E(kr.Invalid, "Frågefilen %s kan inte läsas: %v", path, err)
	}
	q, err := Parse(b)
	if err != nil {
		return nil, kr.E(kr.Invalid, "Frågefilen %s kan inte användas: %v", path, err)
	}
	return q, nil
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Parse reads a questions file (JSON, unknown fields refused) and checks
// it: a version, at least one area, ids unique and plain, known kinds,
// weights 1–100, every question with a text and a fix, choices with
// options.
func Parse(b []byte) (*Questions, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var q Questions
	if err := d.Decode(&q); err != nil {
		return nil, fmt.Errorf("inte giltig JSON: %w", err)
	}
	if q.Version == "" {
		return nil, fmt.Errorf("version saknas")
	}
	if len(q.Areas) == 0 {
		return nil, fmt.Errorf("inga områden")
	}
	seen := map[string]bool{}
	for _, a := range q.Areas {
		if !idPattern.MatchString(a.ID) || seen[a.ID] || a.Title == "" || len(a.Questions) == 0 {
			return nil, fmt.Errorf("området %q behöver ett eget id (a–z, 0–9, _), en rubrik och frågor", a.ID)
		}
		seen[a.ID] = true
		for _, qu := range a.Questions {
			if err := qu.check(seen); err != nil {
				return nil, fmt.Errorf("området %q: %w", a.ID, err)
			}
		}
	}
	return &q, nil
}

func (qu Question) check(seen map[string]bool) error {
	if !idPattern.MatchString(qu.ID) || seen[qu.ID] {
		return fmt.Errorf("frågan %q behöver ett eget id (a–z, 0–9, _)", qu.ID)
	}
	seen[qu.ID] = true
	switch qu.Kind {
	case KindYesNo, KindText, KindDate, KindURL, KindYear:
		if len(qu.Options) > 0 {
			return fmt.Errorf("frågan %q: bara ett val (choice) har alternativ", qu.ID)
		}
	case KindChoice:
		if len(qu.Options) == 0 {
			return fmt.Errorf("frågan %q: ett val (choice) behöver alternativ", qu.ID)
		}
	default:
		return fmt.Errorf("frågan %q: okänd sort %q", qu.ID, qu.Kind)
	}
	if qu.Weight < 1 || qu.Weight > 100 {
		return fmt.Errorf("frågan %q: vikten %d är inte 1–100", qu.ID, qu.Weight)
	}
	if qu.Text == "" || qu.Fix == "" {
		return fmt.Errorf("frågan %q behöver en text och vad som uppfyller den (fix)", qu.ID)
	}
	return nil
}
