// Package testworld is the tests' wired world: a fresh database on one
// engine, migrated, with the services wired by internal/app exactly as the
// binary wires them, optionally the real SCB and SMHI samples imported,
// and the real router behind an httptest server. Only tests import it.
package testworld

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/app"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
	"github.com/klimatkommunerna/klimatrapport/submissions"
	"github.com/klimatkommunerna/klimatrapport/web"
	"github.com/klimatkommunerna/klimatrapport/web/api/openapi/openapitest"
	"github.com/klimatkommunerna/klimatrapport/workbook"
)

// Options choose what a world starts with.
type Options struct {
	// Samples imports SCB's municipality list and population table and
	// SMHI's export from shared/data.
	Samples bool
	// MaxUploadMB is the largest workbook accepted (0: the default).
	MaxUploadMB int
}

// World is one database with the services over it.
type World struct {
	*app.App
	Engine string
}

// New returns a world on engine ("chdb" or "clickhouse"), its database
// dropped when the test ends.
func New(t testing.TB, engine string, o Options) *World {
	t.Helper()
	return Over(t, storagetest.Migrated(t, engine), o)
}

// Over returns a world over db, a migrated database.
func Over(t testing.TB, db storage.DB, o Options) *World {
	t.Helper()
	w := &World{App: app.New(db, app.Options{MaxUploadMB: o.MaxUploadMB}), Engine: db.Engine()}
	// Tests also write through handles of their own and read at once: the
	// figures' cache checks the data's fingerprint on every request.
	w.Published.ProbeInterval = 0
	w.OpenData.Dir = t.TempDir()
	t.Cleanup(w.OpenData.Close) // before the directory goes (cleanups run last first)
	// Tests that count or time renders turn warming on themselves.
	w.Published.WarmTimeout = -1
	t.Cleanup(w.Published.Close)
	if o.Samples {
		w.ImportSamples(t)
	}
	return w
}

// Engines runs f as a subtest on each engine with a new world.
func Engines(t *testing.T, o Options, f func(t *testing.T, w *World)) {
	for _, e := range storagetest.EngineNames() {
		t.Run(e, func(t *testing.T) { f(t, New(t, e, o)) })
	}
}

// ImportSamples imports the real SCB and SMHI sample files.
func (w *World) ImportSamples(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	w.ImportMunicipalities(t)
	if _, err := w.National.ImportPopulation(ctx, kr.System(), samples.Open(t, samples.Population), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.National.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: "smhi-co2-2024-04-18.xlsx",
		Content: samples.Read(t, samples.SMHI)}); err != nil {
		t.Fatal(err)
	}
}

// ImportMunicipalities imports the real municipality list only.
func (w *World) ImportMunicipalities(t testing.TB) {
	t.Helper()
	if _, err := w.National.ImportMunicipalities(context.Background(), kr.System(), samples.Open(t, samples.Municipalities)); err != nil {
		t.Fatal(err)
	}
}

// Join adds members that joined on joined, binding from the start.
func (w *World) Join(t testing.TB, joined time.Time, codes ...string) {
	t.Helper()
	for _, code := range codes {
		if _, err := w.Members.Add(context.Background(), kr.System(), code, joined, false, 0); err != nil {
			t.Fatal(err)
		}
	}
}

// Workbook is rep written into the template, as a member fills it in.
func Workbook(t testing.TB, rep *kr.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := workbook.WriteTemplate(&b, workbook.TemplateOptions{Code: rep.Details.Code, Name: rep.Details.Name,
		Year: rep.Details.ReportYear, Prefill: rep}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Submit uploads rep as actor through the real path (template workbook,
// parser, validation, store) and fails the test unless it is accepted.
func (w *World) Submit(t testing.TB, actor kr.Actor, fileName string, rep *kr.Report) submissions.Result {
	t.Helper()
	res, err := w.Submissions.Submit(context.Background(), actor, submissions.Upload{FileName: fileName, Content: Workbook(t, rep)})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Accepted() {
		js, _ := json.MarshalIndent(res.Submission.Items, "", " ")
		t.Fatalf("report rejected: %s", js)
	}
	return res
}

// Serve starts the real router (middleware, API, pages, portal) on an
// httptest server, closed when the test ends; each answer under /api/v1
// that is not as the API's OpenAPI description says fails the test
// (openapitest). static are bearer tokens as
// --api-tokens takes them (TOKEN:ROLE[:CODE],…), or "".
func (w *World) Serve(t testing.TB, static string) *httptest.Server {
	t.Helper()
	tokens, err := web.ParseStaticTokens(static)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	check, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	// Every answer under /api/v1 is checked against the API's description.
	ts := httptest.NewServer(check.Handler(w.Server(web.Config{Version: "test"}, tokens, log).Router, func(err error) { t.Error(err) }))
	t.Cleanup(ts.Close)
	return ts
}
