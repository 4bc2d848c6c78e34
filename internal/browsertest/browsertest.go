// Package browsertest drives headless Chromium (Debian's chromium) with
// chromedp for the browser tests: it finds the browser, starts it with the
// flags this sandbox needs, collects what pages report on the console, and
// says where screenshots go.
package browsertest

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
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// RequireEnv, when "1" (CI), makes a missing Chromium a failure, not a skip.
const RequireEnv = "KLIMATRAPPORT_TEST_REQUIRE_SERVER"

// Chromium returns the path of a Chromium to drive, or skips the test when
// there is none (CI installs it and fails instead).
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KLIMATRAPPORT_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal("Chromium is required for the browser tests (apt-get install chromium)")
	}
	t.Skip("no Chromium: the browser test is skipped (apt-get install chromium to run it)")
	return ""
}

// ArtefactDir is where a test's screenshots go: $KLIMATRAPPORT_ARTIFACTS/sub
// or a directory under the system's temporary directory.
func ArtefactDir(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("KLIMATRAPPORT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "klimatrapport-artifacts")
	}
	dir = filepath.Join(dir, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Start launches headless Chromium for one test and returns a browser
// context (cancelled when the test ends, at the latest after timeout) and
// the log of what its pages report.
func Start(t testing.TB, timeout time.Duration) (context.Context, *Log) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
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
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	l := &Log{}
	l.listen(ctx)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx, l
}

// Log collects what pages report: console errors and warnings, uncaught
// exceptions, and the browser's own log (failed loads, CSP violations).
type Log struct {
	mu       sync.Mutex
	problems []string
}

func (l *Log) add(s string) {
	l.mu.Lock()
	l.problems = append(l.problems, s)
	l.mu.Unlock()
}

// Take returns and forgets what was reported so far.
func (l *Log) Take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.problems
	l.problems = nil
	return p
}

func (l *Log) listen(ctx context.Context) {
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

// Screenshot saves a full-page PNG as dir/name.png and returns its path.
func Screenshot(ctx context.Context, dir, name string) (string, error) {
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name+".png")
	return path, os.WriteFile(path, buf, 0o644)
}

// Shooter returns what a test calls to save a screenshot as dir/NAME.png:
// it logs the file's path and fails the test when it cannot be saved.
func Shooter(t testing.TB, ctx context.Context, dir string) func(name string) {
	return func(name string) {
		t.Helper()
		p, err := Screenshot(ctx, dir, name)
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		t.Logf("screenshot: %s", p)
	}
}
