package pages_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/klimatkommunerna/klimatrapport/internal/browsertest"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// TestBrowser opens the pages in headless Chromium: the charts are drawn
// (a canvas in every chart), nothing is reported on the console, the first
// Tab reaches the skip link, the tables are there without JavaScript, and
// screenshots (desktop and phone) are saved as test artefacts.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	f := newFixture(t, storagetest.Migrated(t, "chdb"), fixtureOptions{})
	dir := browsertest.ArtefactDir(t, "pages")
	t.Logf("screenshots go to %s", dir)
	bctx, blog := browsertest.Start(t, 3*time.Minute)

	shot := browsertest.Shooter(t, bctx, dir)

	pages := []struct {
		name, path string
		charts     []string
	}{
		{"kommun-1281", "/kommun/1281", []string{"trend", "sektorer", "per-invanare", "egenrapporterat", "mal"}},
		{"jamfor", "/jamfor", []string{"totalt", "per-capita", "index"}},
		{"jamfor-val", "/jamfor?kod=1281&kod=Malm%C3%B6&kod=0180&bas=2005", []string{"totalt", "per-capita", "index"}},
		{"oversikt", "/", []string{"per-invanare"}},
		{"rangordning", "/rangordning", nil},
		{"api", "/api", nil},
	}
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(f.url+pg.path)); err != nil {
				t.Fatal(err)
			}
			for _, id := range pg.charts {
				sel := "#" + id + " canvas"
				wctx, cancel := context.WithTimeout(bctx, 20*time.Second)
				err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(sel)))
				cancel()
				if err != nil {
					t.Fatalf("chart #%s not drawn: %v", id, err)
				}
			}
			n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-chart] canvas, [data-chart] svg').length`))
			if err != nil {
				t.Fatal(err)
			}
			if n < len(pg.charts) {
				t.Errorf("%d rendered charts, want at least %d", n, len(pg.charts))
			}
			time.Sleep(300 * time.Millisecond) // let late console messages arrive
			shot(pg.name)
			// Keyboard: the first Tab lands on the skip link.
			if err := chromedp.Do(bctx, chromedp.KeyEvent("\t")); err != nil {
				t.Fatal(err)
			}
			focus, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.activeElement.className`))
			if err != nil {
				t.Fatal(err)
			}
			if focus != "skip-link" {
				t.Errorf("first Tab focuses %q, want the skip link", focus)
			}
			if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.activeElement.blur(), true`)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // the charts resize
			shot(pg.name + "-telefon")
			for _, p := range blog.Take() {
				t.Errorf("browser reported: %s", p)
			}
		})
	}

	t.Run("utan-javascript", func(t *testing.T) {
		err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}), chromedp.Navigate(f.url+"/kommun/1281"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('table').length,
			document.querySelectorAll('[data-chart] canvas').length,
			Array.from(document.querySelectorAll('.chart')).filter(e => e.offsetHeight > 0).length]`))
		if err != nil {
			t.Fatal(err)
		}
		if res[0] < 5 || res[1] != 0 || res[2] != 0 {
			t.Errorf("without JavaScript: %d tables, %d canvases, %d visible chart boxes; want tables only", res[0], res[1], res[2])
		}
		shot("kommun-1281-utan-javascript")
		for _, p := range blog.Take() {
			t.Errorf("browser reported: %s", p)
		}
	})
}
