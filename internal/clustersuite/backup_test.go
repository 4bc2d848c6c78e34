package clustersuite

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/backup"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
)

// A backup taken from the cluster and restored into a single server gives
// the same answers: the municipality's submissions and its current report.
func TestClusterBackupRestoresOnOneServer(t *testing.T) {
	c := newCluster(t)
	db := c.instance(t)
	c.migrate(t, db)
	w := testworld.Over(t, db, testworld.Options{})
	for _, ry := range []int{2023, 2024} {
		if res, err := w.Submissions.Submit(ctx, officer, submissions.Upload{FileName: "lund.xlsx",
			Content: testworld.Workbook(t, testworld.MemberReport("1281", ry))}); err != nil || !res.Accepted() {
			t.Fatalf("upload %d: %v", ry, err)
		}
	}
	dir := t.TempDir()
	if _, err := backup.Backup(ctx, db, dir, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	// The single server: the server suite's when there is one, else one
	// replica's server as a plain server (a database made without ON
	// CLUSTER, its tables not replicated).
	dsn := os.Getenv(storagetest.ServerEnv)
	if dsn == "" {
		dsn = strings.Fields(os.Getenv("KLIMATRAPPORT_TEST_CLUSTER"))[2]
	}
	name := storagetest.NewDatabaseName()
	single := open(t, dsn, name)
	t.Cleanup(func() { _ = single.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name) })
	results, err := backup.Restore(ctx, single, dir, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	restored := testworld.Over(t, single, testworld.Options{})
	answers := func(s *submissions.Service) string {
		list, err := s.List(ctx, "1281")
		if err != nil {
			t.Fatal(err)
		}
		cur, err := s.Current(ctx, "1281")
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal([]any{list, cur})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	from, to := answers(w.Submissions), answers(restored.Submissions)
	if from != to {
		t.Errorf("answers differ after restore:\ncluster: %.400s\nserver:  %.400s", from, to)
	}
	figure(t, "backup from the cluster, restore into one server: %d tables, answers identical: %v", len(results), from == to)
}
