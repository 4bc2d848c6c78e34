package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/klimatkommunerna/klimatrapport/internal/browsertest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestBrowserReportAndReview walks reporting and review in headless
// Chromium: an officer signs in, downloads the template, uploads it with
// one mistake, sees the message and the cell, uploads the corrected file and
// finds the figures on the public page; a reviewer signs in and overrides a
// status with a comment. Screenshots are saved as test artefacts.
func TestBrowserReportAndReview(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	ctx, blog := browsertest.Start(t, 4*time.Minute)
	s := newSite(t, testworld.New(t, "chdb", siteOptions))
	s.w.ImportMunicipalities(t)
	dir := browsertest.ArtefactDir(t, "rapportera")
	shot := browsertest.Shooter(t, ctx, dir)
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}

	// The officer signs in and downloads the pre-filled template.
	signIn(ctx, t, s.base, "lund")
	template := downloadTemplate(ctx, t, shot)

	// Fill it in with one mistake: a word where a number belongs.
	f, bad, total := fillWithMistake(t, template, time.Now().Year()-2)
	wrong := filepath.Join(t.TempDir(), "lund-fel.xlsx")
	if err := f.SaveAs(wrong); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#file`, []string{wrong}), chromedp.Click(`form[enctype] button[type=submit]`),
		chromedp.WaitVisible(`#items`)); err != nil {
		t.Fatalf("upload with a mistake: %v", err)
	}
	shot("2-fel-i-filen")
	if items := text(`#items`); !strings.Contains(items, bad) || !strings.Contains(items, "Utsläpp") {
		t.Fatalf("the report does not name the cell %s: %q", bad, items)
	}
	if alert := text(`.alert-error`); !strings.Contains(alert, "inte tagits emot") {
		t.Fatalf("no rejection message: %q", alert)
	}

	// The corrected file goes in.
	f.SetCellValue("Utsläpp", bad, 30000.0)
	right := filepath.Join(t.TempDir(), "lund.xlsx")
	if err := f.SaveAs(right); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#file`, []string{right}), chromedp.Click(`form[enctype] button[type=submit]`),
		chromedp.WaitVisible(`.alert-ok`)); err != nil {
		t.Fatalf("corrected upload: %v", err)
	}
	shot("3-mottagen")
	if ok := text(`.alert-ok`); !strings.Contains(ok, "mottagen") {
		t.Fatalf("no confirmation: %q", ok)
	}

	// The figures are on the public page.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/kommun/1281"), chromedp.WaitVisible(`main`)); err != nil {
		t.Fatal(err)
	}
	shot("4-kommunsidan")
	want := strings.ReplaceAll(strconv.FormatFloat(total, 'f', 0, 64), "", "")
	body := text(`main`)
	if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(body, "\u00a0", ""), " ", ""), want) {
		t.Fatalf("the public page does not show the reported total %s", want)
	}

	// The officer signs out; a reviewer signs in and overrides a status.
	// Public pages are the same for everyone (cached); signing out is on the signed-in pages.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/rapportera"), chromedp.WaitVisible(`.account form button`),
		chromedp.Click(`.account form button`), chromedp.WaitVisible(`.account a[href="/logga-in"]`)); err != nil {
		t.Fatalf("logout: %v", err)
	}
	signIn(ctx, t, s.base, "reviewer")
	comment := "Målet är beslutat i fullmäktige 2020-06-11 enligt protokollet."
	thisYear := strconv.Itoa(time.Now().Year())
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/granskning/1281?ar="+thisYear), chromedp.WaitVisible(`#status-goals`),
		chromedp.SetValue(`#status-goals`, "uppfyllt"), chromedp.SendKeys(`#comment-goals`, comment),
		chromedp.Click(`#o-goals ~ form button, section[aria-labelledby="o-goals"] form button`), chromedp.WaitVisible(`.alert-ok`)); err != nil {
		t.Fatalf("review: %v", err)
	}
	shot("5-granskad")
	section := text(`section[aria-labelledby="o-goals"]`)
	if !strings.Contains(section, "uppfyllt") || !strings.Contains(section, comment) {
		t.Fatalf("the override and its comment are not shown: %q", section)
	}
	for _, p := range blog.Take() {
		if strings.Contains(p, "status of 422") && strings.Contains(p, "/rapportera") {
			continue // the rejected upload's page is answered with 422, on purpose
		}
		t.Errorf("browser reported: %s", p)
	}
}

// signIn signs in as role (one of emails) through the login form.
func signIn(ctx context.Context, t *testing.T, base, role string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/logga-in"), chromedp.SendKeys("#email", emails[role]),
		chromedp.SendKeys("#password", webPassword), chromedp.Click(`main button[type=submit]`),
		chromedp.WaitVisible(`.account .who`)); err != nil {
		t.Fatalf("login as %s: %v", role, err)
	}
}

// fillWithMistake fills the template's column for year with figures and
// puts a word in one cell; it returns the workbook, that cell and the total
// the figures make once the word is corrected to 30 000.
func fillWithMistake(t *testing.T, template string, year int) (*excelize.File, string, float64) {
	t.Helper()
	f, err := excelize.OpenFile(template)
	if err != nil {
		t.Fatalf("the downloaded template does not open: %v", err)
	}
	header, _ := f.GetRows("Utsläpp")
	col := -1
	for i, h := range header[0] {
		if h == strconv.Itoa(year) {
			col = i + 1
		}
	}
	if col < 0 {
		t.Fatalf("no column for %d in %v", year, header[0])
	}
	var total float64
	for r := 2; r <= 10; r++ {
		cell, _ := excelize.CoordinatesToCellName(col, r)
		v := float64(10000 * (r - 1))
		total += v
		f.SetCellValue("Utsläpp", cell, v)
	}
	bad, _ := excelize.CoordinatesToCellName(col, 4)
	f.SetCellValue("Utsläpp", bad, "trettiotusen")
	return f, bad, total
}

// downloadTemplate downloads the template from the open /rapportera page
// and returns where it is.
func downloadTemplate(ctx context.Context, t *testing.T, shot func(string)) string {
	t.Helper()
	downloads := t.TempDir()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}), chromedp.WaitVisible(`#file`)); err != nil {
		t.Fatal(err)
	}
	shot("1-rapportera")
	if err := chromedp.Do(ctx, chromedp.Click(`a[download]`)); err != nil {
		t.Fatal(err)
	}
	var template string
	for deadline := time.Now().Add(30 * time.Second); template == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(downloads, "*.xlsx"))
		if len(files) == 1 {
			template = files[0]
		}
	}
	if template == "" {
		t.Fatal("the template was not downloaded")
	}
	return template
}
