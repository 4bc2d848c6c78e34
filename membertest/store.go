package membertest

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

// Service scores applications and keeps them in the applications table,
// append-only.
type Service struct {
	DB        storage.DB
	Questions *Questions       // nil: Default()
	Now       func() time.Time // nil: time.Now
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

// Applications returns the stored applications of code, oldest first, for
// whoever may manage members (the office's review reads them).
func (s *Service) Applications(ctx context.Context, actor kr.Actor, code string) ([]Stored, error) {
	if err := access.Check(actor, access.ManageMembers, ""); err != nil {
		return nil, err
	}
	var rows []row
	if err := s.DB.Select(ctx, &rows, `SELECT id, code, name, questions_version, answers, points, max_points,
		official_name, official_email, officer_name, officer_email, created_by, created_at
		FROM applications WHERE code = ? ORDER BY created_at, id`, code); err != nil {
		return nil, err
	}
	out := make([]Stored, 0, len(rows))
	for _, r := range rows {
		a := Application{Code: r.Code, Name: r.Name, Official: Contact{r.OfficialName, r.OfficialEmail},
			Officer: Contact{r.OfficerName, r.OfficerEmail}}
		if err := json.Unmarshal([]byte(r.Answers), &a.Answers); err != nil {
			return nil, err
		}
		out = append(out, Stored{ID: r.ID, At: r.CreatedAt, Applied: a,
			Score: Score{Version: r.QuestionsVersion, Points: int(r.Points), Max: int(r.MaxPoints)}})
	}
	return out, nil
}
