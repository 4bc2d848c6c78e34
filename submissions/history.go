package submissions

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	kr "github.com/klimatkommunerna/klimatrapport"
)

// Version is one submission in a municipality's history, with what changed
// against the accepted version before it.
type Version struct {
	kr.Submission
	Changes *Changes `json:"changes,omitempty"` // nil for the first accepted version and for rejected ones
}

// List returns every submission for a municipality, newest first, accepted
// ones with their changes against the previous accepted one.
func (s *Service) List(ctx context.Context, code string) ([]Version, error) {
	var rows []submissionRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+submissionColumns+" FROM submissions WHERE municipality_code = ? ORDER BY seq DESC", code); err != nil {
		return nil, unavailable(err)
	}
	out := make([]Version, 0, len(rows))
	var accepted []int // indexes into out, newest first
	for _, r := range rows {
		sub, err := r.submission()
		if err != nil {
			return nil, err
		}
		if sub.Status == kr.SubmissionAccepted {
			accepted = append(accepted, len(out))
		}
		out = append(out, Version{Submission: sub})
	}
	for i := 0; i+1 < len(accepted); i++ {
		cur, prev := &out[accepted[i]], out[accepted[i+1]]
		ch, err := s.Diff(ctx, prev.ID, cur.ID)
		if err != nil {
			return nil, err
		}
		cur.Changes = &ch
	}
	return out, nil
}

// Changes summarises what one accepted version changed against the one before.
type Changes struct {
	Previous          string   `json:"previous"`
	InventoryAdded    int      `json:"inventory_added"`
	InventoryRemoved  int      `json:"inventory_removed"`
	InventoryChanged  int      `json:"inventory_changed"`
	YearsTouched      []int    `json:"years_touched"`
	GoalsChanged      bool     `json:"goals_changed"`
	PlansChanged      bool     `json:"plans_changed"`
	MeasuresChanged   bool     `json:"measures_changed"`
	Summary           string   `json:"summary"` // Swedish
	ChangedSheetsList []string `json:"changed_sheets"`
}

type valueKey struct {
	Year                   uint16
	Sector, Subsector, Gas string
}

// Diff compares two submissions' contents.
func (s *Service) Diff(ctx context.Context, prevID, curID string) (Changes, error) {
	ch := Changes{Previous: prevID, YearsTouched: []int{}, ChangedSheetsList: []string{}}
	var rows []inventoryRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+inventoryColumns+" FROM inventory_values WHERE toString(submission_id) IN (?, ?)", prevID, curID); err != nil {
		return ch, unavailable(err)
	}
	type val struct {
		t *float64
		n string
	}
	prev, cur := map[valueKey]val{}, map[valueKey]val{}
	for _, r := range rows {
		k := valueKey{r.Year, r.Sector, r.Subsector, r.Gas}
		if r.SubmissionID == prevID {
			prev[k] = val{r.Tonnes, r.Notation}
		} else {
			cur[k] = val{r.Tonnes, r.Notation}
		}
	}
	years := map[int]bool{}
	for k, c := range cur {
		p, ok := prev[k]
		switch {
		case !ok:
			ch.InventoryAdded++
			years[int(k.Year)] = true
		case p.n != c.n || (p.t == nil) != (c.t == nil) || (p.t != nil && *p.t != *c.t):
			ch.InventoryChanged++
			years[int(k.Year)] = true
		}
	}
	for k := range prev {
		if _, ok := cur[k]; !ok {
			ch.InventoryRemoved++
			years[int(k.Year)] = true
		}
	}
	ch.YearsTouched = append(ch.YearsTouched, slices.Sorted(maps.Keys(years))...)
	var err error
	if ch.GoalsChanged, err = s.sheetDiffers(ctx, "goals", "goal_id, name, type, sector, base_year, target_year, reduction_pct, decided_by, decided_on, link", prevID, curID); err != nil {
		return ch, err
	}
	if ch.PlansChanged, err = s.sheetDiffers(ctx, "action_plans", "name, adopted, decided_by, valid_from, valid_to, link", prevID, curID); err != nil {
		return ch, err
	}
	if ch.MeasuresChanged, err = s.sheetDiffers(ctx, "measures", "measure_id, name, sector, status, start_year, end_year, expected_reduction, responsible, comment", prevID, curID); err != nil {
		return ch, err
	}
	if ch.InventoryAdded+ch.InventoryRemoved+ch.InventoryChanged > 0 {
		ch.ChangedSheetsList = append(ch.ChangedSheetsList, "Utsläpp")
	}
	for _, c := range []struct {
		changed bool
		sheet   string
	}{{ch.GoalsChanged, "Mål"}, {ch.PlansChanged, "Handlingsplan"}, {ch.MeasuresChanged, "Åtgärder"}} {
		if c.changed {
			ch.ChangedSheetsList = append(ch.ChangedSheetsList, c.sheet)
		}
	}
	ch.Summary = summarise(ch)
	return ch, nil
}

// sheetDiffers compares the content of one small sheet in two submissions by
// a hash of its rows in a fixed order; computed by ClickHouse.
func (s *Service) sheetDiffers(ctx context.Context, table, columns, prevID, curID string) (bool, error) {
	var rows []struct {
		ID   string `ch:"id"`
		Hash uint64 `ch:"h"`
	}
	// Each column hashed as text with its NULL-ness: a NULL argument makes
	// cityHash64 NULL, which sum skips (and on ClickHouse 18.16 a sum of
	// only NULLs is NULL, which no uint64 holds).
	args := strings.Split(columns, ", ")
	for i, c := range args {
		args[i] = "isNull(" + c + "), ifNull(toString(" + c + "), '')"
	}
	q := "SELECT toString(submission_id) AS id, sum(cityHash64(" + strings.Join(args, ", ") + ")) AS h FROM " + table +
		" WHERE toString(submission_id) IN (?, ?) GROUP BY submission_id"
	if err := s.DB.Select(ctx, &rows, q, prevID, curID); err != nil {
		return false, unavailable(err)
	}
	h := map[string]uint64{}
	for _, r := range rows {
		h[r.ID] = r.Hash
	}
	return h[prevID] != h[curID], nil
}

func summarise(c Changes) string {
	if len(c.ChangedSheetsList) == 0 {
		return "Inga ändringar mot föregående version."
	}
	s := ""
	if n := c.InventoryAdded + c.InventoryRemoved + c.InventoryChanged; n > 0 {
		s = fmt.Sprintf("Utsläpp: %d nya, %d ändrade och %d borttagna värden", c.InventoryAdded, c.InventoryChanged, c.InventoryRemoved)
		if len(c.YearsTouched) > 0 {
			s += fmt.Sprintf(" (år %d–%d)", c.YearsTouched[0], c.YearsTouched[len(c.YearsTouched)-1])
		}
		s += "."
	}
	for _, x := range []struct {
		changed bool
		text    string
	}{{c.GoalsChanged, "Målen har ändrats."}, {c.PlansChanged, "Handlingsplanen har ändrats."}, {c.MeasuresChanged, "Åtgärderna har ändrats."}} {
		if x.changed {
			if s != "" {
				s += " "
			}
			s += x.text
		}
	}
	return s
}
