package backup

import (
	"context"
	"os"
	"testing"

	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestDebugDump(t *testing.T) {
	db := storagetest.Migrated(t, "clickhouse")
	fill(t, db, 40)
	os.RemoveAll("/tmp/krm/hostile")
	if _, err := Backup(context.Background(), db, "/tmp/krm/hostile", Options{Gzip: true}); err != nil {
		t.Fatal(err)
	}
}
