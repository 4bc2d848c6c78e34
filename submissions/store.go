package submissions

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
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
			return sub, fmt.Errorf("submissions: submission %s: bad report: %w", r.ID, err)
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

// Readable returns the submission id if actor may read it. To anyone who
// may not, it does not exist (kr.NotFound), so that ids reveal nothing of
// other municipalities' submissions; the public is asked to sign in.
func (s *Service) Readable(ctx context.Context, actor kr.Actor, id string) (kr.Submission, error) {
	sub, err := s.Get(ctx, id)
	if err != nil {
		return kr.Submission{}, err
	}
	if err := access.Check(actor, access.ReadSubmission, sub.MunicipalityCode); err != nil {
		if kr.KindOf(err) == kr.Forbidden {
			err = kr.E(kr.NotFound, "Inlämningen finns inte.")
		}
		return kr.Submission{}, err
	}
	return sub, nil
}

// Original returns the submission id, if actor may read it, and its file
// byte for byte. Reading a stored file holds it in memory, more than twice
// over while it is decoded, so it waits for a turn of the cap on expensive
// work (work.go) as parsing does.
func (s *Service) Original(ctx context.Context, actor kr.Actor, id string) (kr.Submission, []byte, error) {
	sub, err := s.Readable(ctx, actor, id)
	if err != nil {
		return sub, nil, err
	}
	release, err := s.turn(ctx, busyFile)
	if err != nil {
		return sub, nil, err
	}
	defer release()
	b, err := s.File(ctx, sub.ID)
	return sub, b, err
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
		return nil, fmt.Errorf("submissions: file of %s: %w", id, err)
	}
	return b, nil
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
	rep, err := s.currentSheets(ctx, code, asOf)
	if err != nil {
		return nil, err
	}
	scope := Scope{Codes: []string{code}, AsOf: asOf}
	if rep.Inventory, err = currentOf(ctx, s.DB, scope, inventory, inventoryRow.value); err != nil {
		return nil, err
	}
	return rep, nil
}

// currentSheets reads code's goals, action plans and measures as they stood
// at asOf (zero: now).
func (s *Service) currentSheets(ctx context.Context, code string, asOf time.Time) (*kr.Report, error) {
	reps, err := s.sheetsOf(ctx, Scope{Codes: []string{code}, AsOf: asOf})
	if err != nil {
		return nil, err
	}
	if rep := reps[code]; rep != nil {
		return rep, nil
	}
	return &kr.Report{Details: kr.Details{Code: code}}, nil
}

// SheetsOf returns the current goals, action plans and measures of the
// given municipalities (every municipality when codes is empty), keyed by
// code; a municipality without any has no entry. It reads each sheet once
// for all of them: the published snapshot holds every member's.
func (s *Service) SheetsOf(ctx context.Context, codes []string) (map[string]*kr.Report, error) {
	return s.sheetsOf(ctx, Scope{Codes: codes})
}

func (s *Service) sheetsOf(ctx context.Context, scope Scope) (map[string]*kr.Report, error) {
	out := map[string]*kr.Report{}
	rep := func(code string) *kr.Report {
		if out[code] == nil {
			out[code] = &kr.Report{Details: kr.Details{Code: code}}
		}
		return out[code]
	}
	goals, err := Goals(ctx, s.DB, scope)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, g := range goals {
		r := rep(g.Code)
		r.Goals = append(r.Goals, g.Goal())
	}
	plans, err := Plans(ctx, s.DB, scope)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, p := range plans {
		r := rep(p.Code)
		r.Plans = append(r.Plans, p.plan())
	}
	ms, err := measures(ctx, s.DB, scope)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, m := range ms {
		r := rep(m.Code)
		r.Measures = append(r.Measures, m.measure())
	}
	return out, nil
}

// Summary is where a submission's figures come from, as the public pages
// name it: its file, report year and upload time.
type Summary struct {
	ID         string    `ch:"id"`
	FileName   string    `ch:"file_name"`
	ReportYear uint16    `ch:"report_year"`
	UploadedAt time.Time `ch:"uploaded_at"`
}

// Summaries returns the summaries of the given submissions, keyed by id
// (ids not found have no entry), in one query.
func (s *Service) Summaries(ctx context.Context, ids []string) (map[string]Summary, error) {
	out := map[string]Summary{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Summary
	if err := s.DB.Select(ctx, &rows, "SELECT toString(id) AS id, file_name, report_year, uploaded_at FROM submissions WHERE has(?, toString(id))", ids); err != nil {
		return nil, unavailable(err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
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
