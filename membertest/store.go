package membertest

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/internal/mail"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Service scores applications and keeps them in the applications table,
// append-only.
type Service struct {
	DB        storage.DB
	Questions *Questions       // nil: Default()
	Now       func() time.Time // nil: time.Now
	// Members is the register a decision admits members and observers to.
	Members *members.Register
	// ObserverPeriod is how long an observer admitted takes part; 0:
	// members.DefaultObserverPeriod.
	ObserverPeriod time.Duration
	// Mail tells an applicant's contacts of a decision; nil: nobody is
	// told (the review says so). PublicURL is the service's address for
	// the links in them.
	Mail      mail.Sender
	PublicURL string
	Log       *slog.Logger
}

// Stored is an application as kept: its id and when it came, with its
// score.
type Stored struct {
	ID      string
	At      time.Time
	Score   Score
	Applied Application
}

type row struct {
	ID               string    `ch:"id"`
	Code             string    `ch:"code"`
	Name             string    `ch:"name"`
	QuestionsVersion string    `ch:"questions_version"`
	Answers          string    `ch:"answers"`
	Points           uint32    `ch:"points"`
	MaxPoints        uint32    `ch:"max_points"`
	OfficialName     string    `ch:"official_name"`
	OfficialEmail    string    `ch:"official_email"`
	OfficerName      string    `ch:"officer_name"`
	OfficerEmail     string    `ch:"officer_email"`
	CreatedBy        string    `ch:"created_by"`
	CreatedAt        time.Time `ch:"created_at"`
}

// Q is the questions in use.
func (s *Service) Q() *Questions {
	if s.Questions == nil {
		s.Questions = Default()
	}
	return s.Questions
}

// Apply scores a and stores it as sent by actor (anyone may apply; the
// right is checked here, not only by the handler).
func (s *Service) Apply(ctx context.Context, actor kr.Actor, a Application) (Stored, error) {
	if err := access.Check(actor, access.Apply, ""); err != nil {
		return Stored{}, err
	}
	st := Stored{ID: uuid.Must(uuid.NewV7()).String(), At: s.now().UTC().Truncate(time.Second), Score: s.Q().Score(a.Answers), Applied: a}
	answers, err := json.Marshal(a.Answers)
	if err != nil {
		return Stored{}, err
	}
	r := row{ID: st.ID, Code: a.Code, Name: a.Name, QuestionsVersion: st.Score.Version, Answers: string(answers),
		Points: uint32(st.Score.Points), MaxPoints: uint32(st.Score.Max),
		OfficialName: a.Official.Name, OfficialEmail: a.Official.Email, OfficerName: a.Officer.Name, OfficerEmail: a.Officer.Email,
		CreatedBy: actor.Name(), CreatedAt: st.At}
	if err := s.DB.Insert(ctx, "applications", []row{r}); err != nil {
		return Stored{}, err
	}
	return st, nil
}

const applicationColumns = `id, code, name, questions_version, answers, points, max_points,
	official_name, official_email, officer_name, officer_email, created_by, created_at`

// Applications returns the stored applications of code, oldest first, for
// whoever may decide on membership (the office's review reads them).
func (s *Service) Applications(ctx context.Context, actor kr.Actor, code string) ([]Stored, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		return nil, err
	}
	return s.selectApplications(ctx, "SELECT "+applicationColumns+" FROM applications WHERE code = ? ORDER BY created_at, id", code)
}

// application returns the stored application id.
func (s *Service) application(ctx context.Context, id string) (Stored, error) {
	got, err := s.selectApplications(ctx, "SELECT "+applicationColumns+" FROM applications WHERE id = ?", id)
	if err != nil {
		return Stored{}, err
	}
	if len(got) == 0 {
		return Stored{}, kr.E(kr.NotFound, "Ansökan finns inte.")
	}
	return got[0], nil
}

// selectApplications runs q, a query of applicationColumns, and reads its
// rows. A score is re-computed from the answers when the questions in use
// are the version the application answered, so that it shows per area;
// else only its points are known.
func (s *Service) selectApplications(ctx context.Context, q string, args ...any) ([]Stored, error) {
	var rows []row
	if err := s.DB.Select(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	out := make([]Stored, 0, len(rows))
	for _, r := range rows {
		a := Application{Code: r.Code, Name: r.Name, Official: Contact{r.OfficialName, r.OfficialEmail},
			Officer: Contact{r.OfficerName, r.OfficerEmail}}
		if err := json.Unmarshal([]byte(r.Answers), &a.Answers); err != nil {
			return nil, err
		}
		score := Score{Version: r.QuestionsVersion, Points: int(r.Points), Max: int(r.MaxPoints)}
		if s.Q().Version == r.QuestionsVersion {
			score = s.Q().Score(a.Answers)
		}
		out = append(out, Stored{ID: r.ID, At: r.CreatedAt, Applied: a, Score: score})
	}
	return out, nil
}

// Entry is an application with the office's decisions on it, oldest
// first.
type Entry struct {
	Stored
	Decisions []Decision
}

// Current is the latest decision, nil when none is taken.
func (e Entry) Current() *Decision {
	if len(e.Decisions) == 0 {
		return nil
	}
	return &e.Decisions[len(e.Decisions)-1]
}

// MaxListed is how many applications the review lists, newest first.
const MaxListed = 500

// List returns the newest MaxListed applications, newest first, with their
// decisions, and whether there are more.
func (s *Service) List(ctx context.Context, actor kr.Actor) ([]Entry, bool, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		return nil, false, err
	}
	got, err := s.selectApplications(ctx, "SELECT "+applicationColumns+" FROM applications ORDER BY created_at DESC, id DESC LIMIT ?", MaxListed+1)
	if err != nil {
		return nil, false, err
	}
	more := len(got) > MaxListed
	if more {
		got = got[:MaxListed]
	}
	ds, err := s.decisions(ctx, "")
	if err != nil {
		return nil, false, err
	}
	out := make([]Entry, len(got))
	for i, a := range got {
		out[i] = Entry{Stored: a, Decisions: ds[a.ID]}
	}
	return out, more, nil
}

// Entry returns application id with its decisions.
func (s *Service) Entry(ctx context.Context, actor kr.Actor, id string) (Entry, error) {
	if err := access.Check(actor, access.DecideMembership, ""); err != nil {
		return Entry{}, err
	}
	a, err := s.application(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	ds, err := s.decisions(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Stored: a, Decisions: ds[id]}, nil
}
