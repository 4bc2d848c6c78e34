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
	f := newFixture(t, storagetest.Migrated(t, "chdb"), fixtureOptions{region: true})
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
		{"rangordning", "/rangordning", []string{"lan-diagram"}},
		{"inbaddning-kommun", "/inbaddning/kommun/1281", []string{"trend"}},
		{"inbaddning-jamfor", "/inbaddning/jamfor?kod=1281&kod=1280", []string{"totalt"}},
		{"inbaddning-rangordning", "/inbaddning/rangordning", []string{"lan-diagram"}},
		{"lan-12", "/lan/12", []string{"trend", "sektorer", "per-invanare", "egenrapporterat", "mal"}},
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
			// At phone width nothing but the tables' own boxes scrolls sideways.
			over, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if over > 0 {
				t.Errorf("at phone width the page is %d px wider than the screen", over)
			}
			shot(pg.name + "-telefon")
			for _, p := range blog.Take() {
				t.Errorf("browser reported: %s", p)
			}
		})
	}

	for _, nojs := range []struct {
		name, path string
		tables     int
	}{{"kommun-1281", "/kommun/1281", 5}, {"lan-12", "/lan/12", 5}, {"inbaddning-kommun", "/inbaddning/kommun/1281", 1}} {
		t.Run("utan-javascript-"+nojs.name, func(t *testing.T) { withoutJS(t, bctx, blog, shot, f.url+nojs.path, nojs.tables, nojs.name) })
	}
}

// withoutJS opens url with scripts off: its tables (at least tables) are
// there, no chart box is drawn or takes room.
func withoutJS(t *testing.T, bctx context.Context, blog *browsertest.Log, shot func(string), url string, tables int, name string) {
	{
		err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}), chromedp.Navigate(url))
		if err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('table').length,
			document.querySelectorAll('[data-chart] canvas').length,
			Array.from(document.querySelectorAll('.chart')).filter(e => e.offsetHeight > 0).length]`))
		if err != nil {
			t.Fatal(err)
		}
		if res[0] < tables || res[1] != 0 || res[2] != 0 {
			t.Errorf("without JavaScript: %d tables, %d canvases, %d visible chart boxes; want tables only", res[0], res[1], res[2])
		}
		shot(name + "-utan-javascript")
		for _, p := range blog.Take() {
			t.Errorf("browser reported: %s", p)
		}
	}
}
