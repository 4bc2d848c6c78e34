package submissions

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/storage"
)

func (r submissionRow) submission() (kr.Submission, error) {
	sub := kr.Submission{
		ID: r.ID, MunicipalityCode: r.Code, ReportYear: int(r.ReportYear), FileName: r.FileName, SHA256: r.SHA256,
		Size: int64(r.Size), UploadedBy: r.UploadedBy, UploadedAt: r.UploadedAt, Status: r.Status,
		Counts: kr.Counts{Inventory: int(r.NInventory), Goals: int(r.NGoals), Plans: int(r.NPlans), Measures: int(r.NMeasures)},
		Items:  kr.Items{},
	}
	if r.Report != "" {
		if err := json.Unmarshal([]byte(r.Report), &sub.Items); err != nil {
			return sub, fmt.Errorf("reporting: submission %s: bad report: %w", r.ID, err)
		}
	}
	return sub, nil
}

// Get returns a submission, accepted or rejected.
func (s *Service) Get(ctx context.Context, id string) (kr.Submission, error) {
	if _, err := uuid.Parse(id); err != nil {
		return kr.Submission{}, kr.E(kr.NotFound, "Inlämningen finns inte.")
	}
	var rows []submissionRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+submissionColumns+" FROM submissions WHERE toString(id) = ? LIMIT 1", id); err != nil {
		return kr.Submission{}, unavailable(err)
	}
	if len(rows) == 0 {
		return kr.Submission{}, kr.E(kr.NotFound, "Inlämningen finns inte.")
	}
	return rows[0].submission()
}

// File returns a submission's original file, byte for byte.
func (s *Service) File(ctx context.Context, id string) ([]byte, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, kr.E(kr.NotFound, "Inlämningen finns inte.")
	}
	// hex keeps the bytes intact through engines whose results are text (JSON).
	var rows []struct {
		Hex string `ch:"content"`
	}
	if err := s.DB.Select(ctx, &rows, "SELECT hex(content) AS content FROM submission_files WHERE toString(submission_id) = ? LIMIT 1", id); err != nil {
		return nil, unavailable(err)
	}
	if len(rows) == 0 {
		return nil, kr.E(kr.NotFound, "Filen finns inte.")
	}
	b, err := hex.DecodeString(rows[0].Hex)
	if err != nil {
		return nil, fmt.Errorf("reporting: file of %s: %w", id, err)
	}
	return b, nil
}

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

// Current returns a municipality's current data (see VisibleSQL): for each
// inventory year the values of the latest accepted submission holding that
// year; for goals, plans and measures those of the latest accepted
// submission with rows in that sheet.
func (s *Service) Current(ctx context.Context, code string) (*kr.Report, error) {
	return s.CurrentAsOf(ctx, code, time.Time{})
}

// CurrentAsOf is Current as it stood at asOf: submissions uploaded later
// are not seen. A zero asOf is now.
func (s *Service) CurrentAsOf(ctx context.Context, code string, asOf time.Time) (*kr.Report, error) {
	scope := Scope{Codes: []string{code}, AsOf: asOf}
	rep := &kr.Report{Details: kr.Details{Code: code}}
	var err error
	if rep.Inventory, err = currentOf(ctx, s.DB, scope, inventory, inventoryRow.value); err != nil {
		return nil, err
	}
	if rep.Goals, err = currentOf(ctx, s.DB, scope, Goals, GoalRow.goal); err != nil {
		return nil, err
	}
	if rep.Plans, err = currentOf(ctx, s.DB, scope, Plans, PlanRow.plan); err != nil {
		return nil, err
	}
	if rep.Measures, err = currentOf(ctx, s.DB, scope, measures, measureRow.measure); err != nil {
		return nil, err
	}
	return rep, nil
}

// currentOf reads the visible rows of one sheet with load and converts each
// to what a report holds (nil for none).
func currentOf[R, T any](ctx context.Context, db storage.DB, scope Scope, load func(context.Context, storage.DB, Scope) ([]R, error), conv func(R) T) ([]T, error) {
	rows, err := load(ctx, db, scope)
	if err != nil {
		return nil, unavailable(err)
	}
	var out []T
	for _, r := range rows {
		out = append(out, conv(r))
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
	for y := range years {
		ch.YearsTouched = append(ch.YearsTouched, y)
	}
	sort.Ints(ch.YearsTouched)
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
	q := "SELECT toString(submission_id) AS id, sum(cityHash64(" + columns + ")) AS h FROM " + table +
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

// dataTables hold rows tagged with a submission id.
var dataTables = []string{"inventory_values", "goals", "action_plans", "measures", "submission_files"}

// deleteSubmissionData removes the data rows of submissions that will never
// be accepted. The rows are invisible already; this only frees space.
// Rejected submissions keep their file; crashed ones lose it too.
func deleteSubmissionData(ctx context.Context, db storage.DB, ids []string, withFiles bool) error {
	for _, t := range dataTables {
		if t == "submission_files" && !withFiles {
			continue
		}
		if err := db.Exec(ctx, "ALTER TABLE "+t+" DELETE WHERE has(?, toString(submission_id))", ids); err != nil {
			return err
		}
	}
	return nil
}

// Cleanup removes leftovers of uploads interrupted by a crash: data rows
// whose submission has no submissions row and began more than olderThan ago
// (submission ids are UUIDv7, which carry their creation time). It returns
// how many submissions it cleaned.
func (s *Service) Cleanup(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := s.now().Add(-olderThan)
	type orphan struct {
		ID string `ch:"id"`
	}
	var orphans []orphan
	for _, t := range dataTables {
		// ids compared as text: ClickHouse 18.16 gets NOT IN wrong for UUIDs.
		var found []orphan
		if err := s.DB.Select(ctx, &found, "SELECT DISTINCT toString(submission_id) AS id FROM "+t+
			" WHERE toString(submission_id) NOT IN (SELECT toString(id) FROM submissions)"); err != nil {
			return 0, unavailable(err)
		}
		orphans = append(orphans, found...)
	}
	var ids []string
	seen := map[string]bool{}
	for _, o := range orphans {
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		u, err := uuid.Parse(o.ID)
		if err != nil || u.Version() != 7 {
			continue
		}
		sec, nsec := u.Time().UnixTime()
		if time.Unix(sec, nsec).Before(cutoff) {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := deleteSubmissionData(ctx, s.DB, ids, true); err != nil {
		return 0, unavailable(err)
	}
	return len(ids), nil
}
