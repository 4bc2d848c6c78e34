package submissions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/access"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// Submit validates an upload and stores it: accepted (visible at once, as a
// whole) or rejected (kept with its report, no data visible). Errors are
// returned only when the upload could not be handled at all (the database is
// down, the caller may not upload); problems with the file are in the
// submission's report.
//
// The steps: check the uploader and the size, wait for a turn at the
// parser (refused as kr.Busy after Service.QueueTimeout), return the earlier submission
// of an identical file, stream and validate the workbook (inventory values
// of a large file are written meanwhile, invisible), then write the data
// rows and the file, and publish the submissions row last.
func (s *Service) Submit(ctx context.Context, actor kr.Actor, up Upload) (Result, error) {
	target := up.Municipality
	if target == "" && actor.Role == kr.RoleOfficer {
		target = actor.Municipality
	}
	if err := access.Check(actor, access.Submit, target); err != nil {
		return Result{}, err
	}
	lim := s.limits()
	if max := limitBytes(lim); up.size() > max {
		return Result{}, kr.E(kr.TooLarge, "Filen är %s MB men får vara högst %d MB. Ta bort tomma eller onödiga blad och försök igen.",
			fmt.Sprintf("%.1f", float64(up.size())/(1<<20)), max>>20)
	}
	// The file is read into memory and parsed only in its turn (work.go).
	release, err := s.turn(ctx, busySubmit)
	if err != nil {
		return Result{}, err
	}
	defer release()
	if err := up.read(); err != nil {
		return Result{}, err
	}
	sha := fmt.Sprintf("%x", sha256.Sum256(up.Content))

	// One upload of the same file at a time, so that two identical uploads
	// at once make one submission: in this process by a lock, across
	// instances by a claim in the database.
	unlock := s.locks.lock(sha)
	defer unlock()
	existing, ok, release, err := s.claimFile(ctx, actor, sha, up.Municipality)
	if err != nil {
		return Result{}, err
	} else if ok {
		return Result{Submission: existing, Existing: true}, nil
	}
	defer release()

	in, err := s.validate(ctx, actor, up, lim)
	if err != nil {
		return Result{}, err
	}
	sub := in.submission(actor, up, sha)
	if sub.Items.HasErrors() {
		sub.Status = kr.SubmissionRejected
		if err := s.writeRejected(ctx, sub, in, up.Content); err != nil {
			return Result{}, unavailable(err)
		}
		return Result{Submission: sub}, nil
	}
	// Whatever validation said, an officer may write only for their own
	// municipality: belt and braces beside the validator's own item.
	if err := access.Check(actor, access.Submit, sub.MunicipalityCode); err != nil {
		in.sink.discard()
		return Result{}, err
	}
	sub.Status = kr.SubmissionAccepted
	if err := s.writeAccepted(ctx, sub, in, up.Content); err != nil {
		in.sink.discard()
		return Result{}, unavailable(err)
	}
	if s.OnCommit != nil {
		s.OnCommit(sub.MunicipalityCode)
	}
	return Result{Submission: sub}, nil
}

// validated is an upload streamed through the parser and validator.
type validated struct {
	sink  *dbSink
	items kr.Items
	at    time.Time // when the upload began
}

// validate streams the workbook through the parser and validator into a
// sink. A file that cannot be read at all becomes a report with one item
// saying why; only a failure to handle the upload is an error.
func (s *Service) validate(ctx context.Context, actor kr.Actor, up Upload, lim workbook.Limits) (validated, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return validated{}, err
	}
	at := s.now()
	held := uploaderCode(actor, up.Municipality)
	sink := &dbSink{ctx: ctx, db: s.DB, id: id.String(), code: held, buffer: s.bufferValues()}
	vctx := workbook.ValidationContext{
		UploaderCode: held,
		Today:        at,
		KnownCode:    s.knownCode(ctx),
		SMHI:         s.smhi(ctx),
	}
	items, perr := workbook.IngestContext(ctx, bytes.NewReader(up.Content), int64(len(up.Content)), lim, vctx, sink)
	if perr != nil {
		if kr.KindOf(perr) == kr.Other || errors.Is(perr, context.Canceled) || errors.Is(perr, context.DeadlineExceeded) {
			sink.discard()
			if sink.err != nil {
				return validated{}, unavailable(sink.err)
			}
			return validated{}, perr
		}
		// The file itself was refused; a refusal without a code of its
		// own still says so (the annotated copy is never built from it).
		code := workbook.FileProblem(perr)
		if code == "" {
			code = workbook.ProblemInternal
		}
		items = kr.Items{{Severity: kr.SeverityError, Code: code, Message: kr.MessageOf(perr)}}
	}
	if sink.err != nil {
		sink.discard()
		return validated{}, unavailable(sink.err)
	}
	if sink.report == nil {
		sink.report = &kr.Report{}
	}
	if items == nil {
		items = kr.Items{}
	}
	return validated{sink: sink, items: items, at: at}, nil
}

// submission describes the validated upload, its status not yet set. The
// municipality is the one the uploader is held to (an officer's own, else
// the one asserted), else the file's. So a file naming a municipality the
// uploader may not write for is kept, rejected, in the uploader's own
// history, never in the other municipality's; an accepted file names the
// code it is held to (validation sees to that).
func (in validated) submission(actor kr.Actor, up Upload, sha string) kr.Submission {
	rep := in.sink.report
	return kr.Submission{
		ID: in.sink.id, MunicipalityCode: in.sink.municipality(), ReportYear: rep.Details.ReportYear, FileName: up.FileName,
		SHA256: sha, Size: int64(len(up.Content)), UploadedBy: actor.Name(), UploadedAt: in.at.Truncate(time.Second),
		Items: in.items, Counts: kr.Counts{Inventory: in.sink.values, Goals: len(rep.Goals), Plans: len(rep.Plans), Measures: len(rep.Measures)},
	}
}

// writeRejected drops a rejected submission's data rows and keeps its file
// and its submissions row, with the report.
func (s *Service) writeRejected(ctx context.Context, sub kr.Submission, in validated, content []byte) error {
	in.sink.discard()
	if err := s.writeFile(ctx, sub.ID, content); err != nil {
		return err
	}
	return s.publish(ctx, sub, in)
}

// writeAccepted writes an accepted submission's data rows (inventory values,
// then the small sheets) and its file, and publishes it.
func (s *Service) writeAccepted(ctx context.Context, sub kr.Submission, in validated, content []byte) error {
	if err := in.sink.flush(); err != nil {
		return err
	}
	if err := s.writeSheets(ctx, sub.ID, sub.MunicipalityCode, in.sink.report); err != nil {
		return err
	}
	if err := s.writeFile(ctx, sub.ID, content); err != nil {
		return err
	}
	return s.publish(ctx, sub, in)
}

// writeSheets writes the goals, action plans and measures, tagged with the
// submission id and so invisible until it is published.
func (s *Service) writeSheets(ctx context.Context, id, code string, rep *kr.Report) error {
	goals := make([]GoalRow, len(rep.Goals))
	for i, g := range rep.Goals {
		goals[i] = toGoalRow(id, code, g)
	}
	plans := make([]PlanRow, len(rep.Plans))
	for i, p := range rep.Plans {
		plans[i] = toPlanRow(id, code, p)
	}
	measures := make([]measureRow, len(rep.Measures))
	for i, m := range rep.Measures {
		measures[i] = toMeasureRow(id, code, m)
	}
	for _, ins := range []struct {
		table string
		rows  any
	}{{"goals", goals}, {"action_plans", plans}, {"measures", measures}} {
		if err := s.DB.Insert(ctx, ins.table, ins.rows); err != nil {
			return err
		}
	}
	return nil
}

// writeFile keeps the uploaded file as it came, accepted or not.
func (s *Service) writeFile(ctx context.Context, id string, content []byte) error {
	return s.DB.Insert(ctx, "submission_files", []fileRow{{SubmissionID: id, Content: string(content)}})
}

// publish writes the submissions row. It comes last: for an accepted
// submission it is what makes the rows written before visible (see
// VisibleSQL). Its seq orders the municipality's submissions.
func (s *Service) publish(ctx context.Context, sub kr.Submission, in validated) error {
	report, err := json.Marshal(sub.Items)
	if err != nil {
		return err
	}
	layout := "template"
	if in.sink.report.FromSMHI {
		layout = "smhi"
	}
	d := in.sink.report.Details
	row := submissionRow{
		ID: sub.ID, Code: sub.MunicipalityCode, ReportYear: uint16(sub.ReportYear), FileName: sub.FileName, SHA256: sub.SHA256,
		Size: uint64(sub.Size), Layout: layout, UploadedBy: sub.UploadedBy, UploadedAt: sub.UploadedAt,
		Seq: s.seq.Version(in.at), Status: sub.Status, NInventory: uint32(sub.Counts.Inventory),
		NGoals: uint32(sub.Counts.Goals), NPlans: uint32(sub.Counts.Plans), NMeasures: uint32(sub.Counts.Measures),
		Report: string(report), Contact: d.Contact, Email: d.Email, PoliticalContact: d.PoliticalContact,
	}
	return s.DB.Insert(ctx, "submissions", []submissionRow{row})
}

// existing finds an accepted submission of the identical file that the
// actor may see.
func (s *Service) existing(ctx context.Context, actor kr.Actor, sha, code string) (kr.Submission, bool, error) {
	var rows []submissionRow
	if err := s.DB.Select(ctx, &rows, "SELECT "+submissionColumns+
		" FROM submissions WHERE sha256 = ? AND status = 'accepted' ORDER BY seq DESC", sha); err != nil {
		return kr.Submission{}, false, unavailable(err)
	}
	for _, r := range rows {
		if code != "" && r.Code != code {
			continue
		}
		if access.Allowed(actor, access.Submit, r.Code) {
			sub, err := r.submission()
			return sub, err == nil, err
		}
	}
	return kr.Submission{}, false, nil
}

// claimPoll is how often an upload waits for another instance's upload of
// the same file to end.
const claimPoll = 100 * time.Millisecond

// claimFile returns the accepted submission of an identical file if there
// is one; otherwise it waits until this upload holds the file's claim (an
// upload of the same file on another instance ends first) and returns its
// release.
func (s *Service) claimFile(ctx context.Context, actor kr.Actor, sha, code string) (kr.Submission, bool, func(), error) {
	claims := storage.Claims{DB: s.DB, Scope: "upload", Expiry: 10 * time.Minute, Now: s.Now}
	for {
		if existing, ok, err := s.existing(ctx, actor, sha, code); err != nil || ok {
			return existing, ok, nil, err
		}
		id, won, err := claims.Acquire(ctx, sha)
		if err != nil {
			return kr.Submission{}, false, nil, unavailable(err)
		}
		if won {
			release := func() {
				// Background: the upload's own context may be done.
				_ = claims.Release(storage.ForBackground(context.WithoutCancel(ctx)), sha, id)
			}
			// The holder before may have ended between the look above and
			// the claim: look again, holding the claim.
			existing, ok, err := s.existing(ctx, actor, sha, code)
			if err != nil || ok {
				release()
				return existing, ok, nil, err
			}
			return kr.Submission{}, false, release, nil
		}
		select {
		case <-time.After(claimPoll):
		case <-ctx.Done():
			return kr.Submission{}, false, nil, ctx.Err()
		}
	}
}

// keyedMutex serialises work per key.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	n int
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[key]
	if l == nil {
		l = &keyLock{}
		k.locks[key] = l
	}
	l.n++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.n--; l.n == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
