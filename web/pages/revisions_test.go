package pages_test

import (
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestRevisionsSection: /kommun/{code} says plainly when there is only
// one SMHI release, and with two shows what changed between them (Malmö's
// transport in 2020 revised 5 % up, through the real import), naming both
// releases, in Swedish number format.
func TestRevisionsSection(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		w := testworld.Over(t, db, testworld.Options{Samples: true})
		base := w.Serve(t, "").URL
		imp := func(name string, content []byte) {
			if _, err := w.National.ImportSMHI(ctx, kr.System(), national.SMHIImport{FileName: name, Content: content}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Published.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		page := func() string {
			r := testworld.Get(t, base+"/kommun/1280")
			if r.Status != 200 {
				t.Fatalf("/kommun/1280: %d", r.Status)
			}
			return string(r.Body)
		}
		imp("ggt-2026.xlsx", samples.Read(t, samples.GGT))
		if p := page(); !strings.Contains(p, "Revideringar mellan SMHI:s utgåvor") || !strings.Contains(p, "Det finns bara en SMHI-publicering") {
			t.Errorf("one release: no plain note")
		}
		imp("ggt-2027.xlsx", testworld.ReviseGGT(t, "2027-04-15", map[string]float64{"J446": 246660.834, "J134": 710712.244}))
		p := page()
		i := strings.Index(p, `id="revideringar"`)
		if i < 0 {
			t.Fatal("two releases: no section")
		}
		sec := p[i:]
		sec = sec[:strings.Index(sec, "</section>")]
		for _, want := range []string{"2026-04-15 (ggt-2026.xlsx)", "2027-04-15 (ggt-2027.xlsx)", `<th scope="row">2020</th><td>Transporter</td><td>Reviderad</td>`,
			"234\u00a0915", "246\u00a0661", "11\u00a0746", "5,0", "<td>Totalt</td>"} {
			if !strings.Contains(sec, want) {
				t.Errorf("section lacks %q:\n%s", want, sec)
			}
		}
		if strings.Count(sec, "<tr>") != 3 { // the head and the two revised rows
			t.Errorf("section has %d rows:\n%s", strings.Count(sec, "<tr>"), sec)
		}
	})
}
