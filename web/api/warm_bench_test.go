package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/publish"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/web/api"
)

// BenchmarkAPIWarm measures what the API's warming costs per snapshot on
// the samples: the time to render its answers into a new snapshot (after
// every municipality's report, which the pages' warming computes as well:
// JSON and CSV, then the XLSX files) and the bytes kept, as they are and
// gzip-compressed.
func BenchmarkAPIWarm(b *testing.B) {
	ctx := context.Background()
	w := testworld.Over(b, storagetest.Migrated(b, "chdb"), testworld.Options{Samples: true})
	w.Join(b, time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), "1281", "1280")
	a := &api.API{Data: w.Data(), Members: w.Members, Published: w.Published, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var reports, text, xlsx time.Duration
	var snap *publish.Snapshot
	for b.Loop() {
		var err error
		if snap, err = w.Published.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		for _, m := range snap.Municipalities { // what the metrics compute, as the pages' warming computes it too
			if _, err := snap.MunicipalityReport(ctx, m.Code, 0); err != nil {
				b.Fatal(err)
			}
		}
		t0 := time.Now()
		reports += t0.Sub(t)
		if err := a.Warm(ctx, snap, "metrics", "ranking", "municipalities", ".csv"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := a.Warm(ctx, snap, ".xlsx"); err != nil {
			b.Fatal(err)
		}
		text, xlsx = text+t1.Sub(t0), xlsx+time.Since(t1)
	}
	kept := map[string][2]int{} // by format: bytes, gzipped bytes (the compressed form where kept, else the bytes)
	answers := map[string]int{}
	for _, path := range warmedAPI(snap) {
		u, _ := url.Parse(path)
		body, err := snap.Body(ctx, publish.KeyOf("api:"+u.Path, u.Query(), api.Params), func() (*publish.Body, error) {
			b.Fatalf("%s was not warmed", path)
			return nil, nil
		})
		if err != nil {
			b.Fatal(err)
		}
		format := "json"
		for _, ext := range []string{".csv", ".xlsx"} {
			if strings.HasSuffix(u.Path, ext) {
				format = ext[1:]
			}
		}
		k := kept[format]
		k[0] += len(body.Bytes)
		k[1] += len(body.Gzipped())
		kept[format] = k
		answers[format]++
	}
	n := float64(b.N)
	b.ReportMetric(float64(reports.Milliseconds())/n, "ms-reports/snapshot")
	b.ReportMetric(float64(text.Milliseconds())/n, "ms-json-csv/snapshot")
	b.ReportMetric(float64(xlsx.Milliseconds())/n, "ms-xlsx/snapshot")
	for f, k := range kept {
		b.ReportMetric(float64(k[0]), "bytes-"+f)
		b.ReportMetric(float64(k[1]), "gzip-bytes-"+f)
		b.ReportMetric(float64(answers[f]), "answers-"+f)
	}
}
