package pages_test

import (
	"strings"
	"testing"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld/samples"
	"github.com/klimatkommunerna/klimatrapport/national"
)

// TestNoServerPathOnPages: a municipality's page names the SMHI file its
// figures come from by the file's own name, never by the directories it
// was imported from on the server (on main the whole path was shown).
func TestNoServerPathOnPages(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		w.ImportMunicipalities(t)
		if _, err := w.National.ImportSMHI(ctx, kr.System(), national.SMHIImport{
			FileName: "/srv/klimatrapport/inkommande/smhi-co2-2024-04-18.xlsx", Content: samples.Read(t, samples.SMHI)}); err != nil {
			t.Fatal(err)
		}
		page := string(testworld.Get(t, w.Serve(t, "").URL+"/kommun/1281").Body)
		if strings.Contains(page, "/srv/") || strings.Contains(page, "inkommande") {
			t.Errorf("the page shows the server's path of the imported file")
		}
		if !strings.Contains(page, "fil smhi-co2-2024-04-18.xlsx,") {
			t.Errorf("the page does not name the imported file")
		}
	})
}
