package submissions_test

import (
	"sync"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// The same file sent to two instances (two services over one server
// database, each with its own in-process lock) at the same moment makes
// one submission: the dedup holds through the claim in the database.
func TestIdenticalFileAcrossInstances(t *testing.T) {
	db := storagetest.Migrated(t, "clickhouse")
	instances := []*submissions.Service{service(t, db), service(t, db)}
	submitAtOnce(t, instances, templateFile(t, lundReport(2025)), 4)
	if versions, err := instances[1].List(ctx, "1281"); err != nil || len(versions) != 1 {
		t.Fatalf("versions: %d, %v; want 1", len(versions), err)
	}
}

// Two versions of a report whose small sheets hold only NULL in a nullable
// column (testworld's member reports): the history compares their sheets
// without reading a NULL sum (ClickHouse 18.16 gives one).
func TestHistoryOfSheetsWithNulls(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		s := service(t, db)
		for _, ry := range []int{2023, 2024} {
			submit(t, s, lundOfficer, testworld.Workbook(t, testworld.MemberReport("1281", ry)))
		}
		if versions, err := s.List(ctx, "1281"); err != nil || len(versions) != 2 {
			t.Fatalf("versions: %d, %v; want 2", len(versions), err)
		}
	})
}

// submitAtOnce sends content n times at once, in turn to each of
// services, and fails unless every upload made the same submission.
func submitAtOnce(t *testing.T, services []*submissions.Service, content []byte, n int) {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := services[i%len(services)].Submit(ctx, lundOfficer, submissions.Upload{FileName: "lund.xlsx", Content: content})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = res.Submission.ID
		}()
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("identical uploads at once made several submissions: %v", ids)
		}
	}
}
