package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/klimatkommunerna/klimatrapport/internal/browsertest"
	"github.com/klimatkommunerna/klimatrapport/internal/mail/mailtest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
)

// TestBrowserApplyAndAdmit walks membership in headless Chromium: an
// applicant with no account takes the member test at /medlemstest and sees
// the result per area; a reviewer signs in, opens the application at
// /granskning/ansokningar and admits the applicant as a member; the
// applicant's contacts get the decision by e-mail, and the public list of
// members at /medlemmar shows the new member. Screenshots are saved as
// test artefacts.
func TestBrowserApplyAndAdmit(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	ctx, blog := browsertest.Start(t, 3*time.Minute)
	s := newSite(t, testworld.New(t, "chdb", siteOptions))
	s.w.ImportMunicipalities(t)
	smtp := mailtest.Start(t)
	s.w.MemberTest.Mail = smtp.Sender(t, "kansliet@klimatkommunerna.se")
	shot := browsertest.Shooter(t, ctx, browsertest.ArtefactDir(t, "medlemskap"))
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}

	// The applicant answers some of the questions and sends the test.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/medlemstest"), chromedp.WaitVisible(`#code`),
		chromedp.SetValue(`#code`, "1262"),
		chromedp.Click(`input[name="q_inventory_decided"][value="ja"]`), chromedp.SendKeys(`#q_inventory_body`, "Kommunfullmäktige"),
		chromedp.SetValue(`#q_inventory_method`, "SMHI"),
		chromedp.Click(`input[name="q_goals_decided"][value="ja"]`), chromedp.SendKeys(`#q_goals_base_year`, "1990"),
		chromedp.Click(`input[name="q_plan_decided"][value="nej"]`),
		chromedp.SendKeys(`#official_name`, "Cecilia Ek"), chromedp.SendKeys(`#official_email`, "cecilia@lomma.se"),
		chromedp.SendKeys(`#officer_name`, "David Ås"), chromedp.SendKeys(`#officer_email`, "david@lomma.se")); err != nil {
		t.Fatalf("filling in the member test: %v", err)
	}
	shot("1-medlemstest")
	if err := chromedp.Do(ctx, chromedp.Click(`form.membertest button[type=submit]`), chromedp.WaitVisible(`section.area-plan`)); err != nil {
		t.Fatalf("sending the member test: %v", err)
	}
	shot("2-resultat")
	if got := text(`main`); !strings.Contains(got, "Lomma (1262)") || !strings.Contains(got, "Handlingsplan") ||
		!strings.Contains(got, "Anta en handlingsplan för att minska utsläppen.") {
		t.Fatalf("the result does not say what is missing: %q", got)
	}

	// A reviewer opens the application and admits Lomma as a member.
	signIn(ctx, t, s.base, "reviewer")
	if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/granskning/ansokningar"), chromedp.WaitVisible(`#applications`)); err != nil {
		t.Fatalf("the list of applications: %v", err)
	}
	shot("3-ansokningar")
	if err := chromedp.Do(ctx, chromedp.Click(`#applications a[href^="/granskning/ansokningar/"]`), chromedp.WaitVisible(`#verdict-medlem`),
		chromedp.Click(`#verdict-medlem`), chromedp.SendKeys(`#comment`, "Välkomna som medlem!"),
		chromedp.Click(`fieldset button[type=submit]`), chromedp.WaitVisible(`.alert-ok`)); err != nil {
		t.Fatalf("the decision: %v", err)
	}
	shot("4-beslut")
	if got := text(`ul.history`); !strings.Contains(got, "medlem") || !strings.Contains(got, "Välkomna som medlem!") || !strings.Contains(got, "E-post skickad") {
		t.Fatalf("the decision is not shown: %q", got)
	}
	if msgs := smtp.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Lomma är medlem i Klimatkommunerna") {
		t.Fatalf("the applicant's e-mail: %+v", msgs)
	}

	// The public list shows the new member once the snapshot is rebuilt.
	var list string
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(list, "Lomma") && time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.base+"/medlemmar"), chromedp.WaitVisible(`main`)); err != nil {
			t.Fatal(err)
		}
		list = text(`main`)
	}
	shot("5-medlemmar")
	if !strings.Contains(list, "Lomma") {
		t.Fatalf("/medlemmar does not list the new member: %q", list)
	}
	for _, p := range blog.Take() {
		t.Errorf("browser reported: %s", p)
	}
}
