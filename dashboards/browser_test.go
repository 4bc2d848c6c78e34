package dashboards_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// chromium returns the path of a Chromium to drive, or skips the test when
// there is none (CI, which sets KLIMATRAPPORT_TEST_REQUIRE_SERVER=1,
// installs it and fails instead).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KLIMATRAPPORT_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(storagetest.RequireServerEnv) == "1" {
		t.Fatal("Chromium is required for the browser test (apt-get install chromium)")
	}
	t.Skip("no Chromium: the browser test is skipped (apt-get install chromium to run it)")
	return ""
}

// artefactDir is where screenshots go: $KLIMATRAPPORT_ARTIFACTS or a
// directory under the system's temporary directory.
func artefactDir(t *testing.T) string {
	dir := os.Getenv("KLIMATRAPPORT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "klimatrapport-artifacts")
	}
	dir = filepath.Join(dir, "dashboards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browserLog collects what the page reports: console errors and warnings,
// uncaught exceptions, and the browser's own log (failed loads, CSP).
type browserLog struct {
	mu       sync.Mutex
	problems []string
}

func (l *browserLog) add(s string) {
	l.mu.Lock()
	l.problems = append(l.problems, s)
	l.mu.Unlock()
}

func (l *browserLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.problems
	l.problems = nil
	return p
}

func (l *browserLog) listen(ctx context.Context) {
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	entries := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				l.add("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			l.add((&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}()
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				l.add(fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}()
}

// TestBrowser opens the pages in headless Chromium: the charts are drawn
// (a canvas in every chart), nothing is reported on the console, the first
// Tab reaches the skip link, the tables are there without JavaScript, and
// screenshots (desktop and phone) are saved as test artefacts.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	bin := chromium(t)
	f := newFixture(t, storagetest.Migrated(t, "chdb"), fixtureOptions{})
	dir := artefactDir(t)
	t.Logf("screenshots go to %s", dir)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 3*time.Minute)
	defer cancelTimeout()

	var blog browserLog
	blog.listen(bctx)
	if err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatal(err)
	}

	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}

	pages := []struct {
		name, path string
		charts     []string
	}{
		{"kommun-1281", "/kommun/1281", []string{"trend", "sektorer", "per-invanare", "egenrapporterat", "mal"}},
		{"jamfor", "/jamfor", []string{"totalt", "per-capita", "index"}},
		{"jamfor-val", "/jamfor?kod=1281&kod=Malm%C3%B6&kod=0180&bas=2005", []string{"totalt", "per-capita", "index"}},
		{"oversikt", "/", []string{"per-invanare"}},
		{"rangordning", "/rangordning", nil},
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
			for _, p := range blog.take() {
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
		for _, p := range blog.take() {
			t.Errorf("browser reported: %s", p)
		}
	})
}
