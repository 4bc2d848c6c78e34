package publish

import (
	"context"
	"maps"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/figures"
)

// reports is every area's published report data, held in the snapshot so
// that no page reads the database: the reported figures, the current goals,
// action plans and measures, and where the figures come from. It is read
// in full for a new snapshot and, after a commit, only for the areas whose
// submissions changed (replaced).
type reports struct {
	series map[string]*figures.Reported          // area code → its reported figures
	sheets map[string]*kr.Report                 // area code → goals, plans, measures
	refs   map[string]SubmissionRef              // submission id → its file, year, upload (no Years)
	subs   map[string]figures.ReportedSubsectors // area code → its reported subsectors (the GPC view)
}

// loadReports reads the report data of codes (every area with reports when
// codes is nil): four queries for the data (the subsectors for the GPC
// view) and one for the submissions the figures come from.
func loadReports(ctx context.Context, data figures.Data, codes []string) (reports, error) {
	var r reports
	var err error
	if r.series, err = data.ReportedSeries(ctx, codes, 0, 0); err != nil {
		return r, unavailable(err)
	}
	if r.sheets, err = data.Reports.SheetsOf(ctx, codes); err != nil {
		return r, err
	}
	if r.subs, err = data.ReportedSubsectors(ctx, codes); err != nil {
		return r, unavailable(err)
	}
	var ids []string
	for _, rep := range r.series {
		ids = append(ids, rep.SubmissionIDs()...)
	}
	sums, err := data.Reports.Summaries(ctx, ids)
	if err != nil {
		return r, err
	}
	r.refs = make(map[string]SubmissionRef, len(ids))
	for _, id := range ids {
		ref := SubmissionRef{ID: id} // only the id when not found
		if s, ok := sums[id]; ok {
			ref.FileName, ref.ReportYear, ref.UploadedAt = s.FileName, int(s.ReportYear), s.UploadedAt
		}
		r.refs[id] = ref
	}
	return r, nil
}

// replaced returns r with the data of codes replaced by fresh's (read for
// codes only); r itself is not changed, as the published snapshot reads it.
func (r reports) replaced(codes []string, fresh reports) reports {
	out := reports{series: maps.Clone(r.series), sheets: maps.Clone(r.sheets), refs: maps.Clone(r.refs), subs: maps.Clone(r.subs)}
	for _, c := range codes {
		if old := out.series[c]; old != nil {
			for _, id := range old.SubmissionIDs() {
				delete(out.refs, id)
			}
		}
		delete(out.series, c)
		delete(out.sheets, c)
		delete(out.subs, c)
		if s := fresh.subs[c]; s != nil {
			out.subs[c] = s
		}
		if s := fresh.series[c]; s != nil {
			out.series[c] = s
		}
		if s := fresh.sheets[c]; s != nil {
			out.sheets[c] = s
		}
	}
	maps.Copy(out.refs, fresh.refs)
	return out
}
