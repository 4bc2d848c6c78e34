package membertest

// Statuses of an area.
const (
	Met     = "uppfyllt"
	Partly  = "delvis uppfyllt"
	Missing = "saknas"
)

// Gap is a question not met and what would meet it.
type Gap struct {
	Question string
	Fix      string
}

// AreaScore is one area's result: the weights met out of the area's.
type AreaScore struct {
	ID, Title   string
	Points, Max int
	Status      string
	Met         []string // the questions met
	Gaps        []Gap    // the questions not met, with what would fix them
}

// Score is an application's result per area and in all.
type Score struct {
	Version     string
	Areas       []AreaScore
	Points, Max int
}

// Percent is the share of the weights met, 0–100, rounded down.
func (s Score) Percent() int {
	if s.Max == 0 {
		return 0
	}
	return s.Points * 100 / s.Max
}

// Score scores answers (by question id): a yes/no question is met by "ja",
// any other by an answer; each met question counts its weight. An area is
// met when all its questions are, missing when none is.
func (q *Questions) Score(answers map[string]string) Score {
	s := Score{Version: q.Version}
	for _, a := range q.Areas {
		as := AreaScore{ID: a.ID, Title: a.Title}
		for _, qu := range a.Questions {
			as.Max += qu.Weight
			v := answers[qu.ID]
			if v != "" && (qu.Kind != KindYesNo || v == "ja") {
				as.Points += qu.Weight
				as.Met = append(as.Met, qu.Text)
			} else {
				as.Gaps = append(as.Gaps, Gap{Question: qu.Text, Fix: qu.Fix})
			}
		}
		switch {
		case len(as.Gaps) == 0:
			as.Status = Met
		case len(as.Met) == 0:
			as.Status = Missing
		default:
			as.Status = Partly
		}
		s.Areas = append(s.Areas, as)
		s.Points += as.Points
		s.Max += as.Max
	}
	return s
}
