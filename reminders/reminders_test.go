package reminders_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/internal/mail/mailtest"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/reminders"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

// setUp registers Lund (1281) as a binding member with an officer contact
// and an officer account, and Stockholm (0180) as an observer until
// 2026-07-01, and returns a service sending through srv as of *now.
func setUp(t *testing.T, w *testworld.World, srv *mailtest.Server, now *time.Time) func() *reminders.Service {
	t.Helper()
	ctx := context.Background()
	w.ImportMunicipalities(t)
	until := time.Date(2026, time.July, 1, 0, 0, 0, 0, time.UTC)
	for _, m := range []members.Member{
		{Code: "1281", Joined: date(2020, 1, 1), Officer: members.Contact{Name: "Olle", Email: "Olle@Lund.se"}},
		{Code: "0180", Joined: date(2025, 7, 1), ObserverUntil: &until, Officer: members.Contact{Name: "Sara", Email: "sara@stockholm.se"}},
	} {
		if _, err := w.Members.Save(ctx, kr.System(), m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Accounts.Create(ctx, kr.System(), "anna@lund.se", kr.RoleOfficer, "1281", "ett långt lösenord"); err != nil {
		t.Fatal(err)
	}
	sender := srv.Sender(t, "noreply@klimatkommunerna.se")
	// Each call is a new instance of the service, as after a restart.
	return func() *reminders.Service {
		return &reminders.Service{DB: w.DB, Compliance: w.Compliance, Members: w.Members, Accounts: w.Accounts, Mail: sender,
			PublicURL: "https://rapport.example.se/", ClaimWait: 300 * time.Millisecond, Now: func() time.Time { return *now }}
	}
}

// send runs one instance's Send and returns the keys it sent.
func send(t *testing.T, s *reminders.Service) []string {
	t.Helper()
	sent, err := s.Send(context.Background(), kr.System(), 2026)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range sent {
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}

// TestRemindersSentOnce: a week before the deadline the member missing its
// report and the observer whose period ends get one mail each naming what
// is missing; a restart sends nothing again; after the deadline one mail a
// week.
func TestRemindersSentOnce(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		srv := mailtest.Start(t)
		now := date(2026, time.June, 23)
		instance := setUp(t, w, srv, &now)
		if got, want := send(t, instance()), []string{"member/1281/2026/before-7", "observer/0180/2026-07-01/before-30"}; !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v", got, want)
		}
		msgs := srv.Messages()
		if len(msgs) != 2 {
			t.Fatalf("the server got %d messages, want 2: %+v", len(msgs), msgs)
		}
		lund := msgs[slices.IndexFunc(msgs, func(m mailtest.Received) bool { return strings.Contains(m.Text, "1281") })]
		if !slices.Equal(lund.To, []string{"anna@lund.se", "olle@lund.se"}) {
			t.Errorf("Lund's reminder went to %v, want the officer contact and the officer account", lund.To)
		}
		for _, want := range []string{"Lund (1281)", "Sista dagen att rapportera för 2026 är 2026-06-30, om sju dagar",
			"Rapportering (ej förfallet): Ingen rapport för 2026 är inlämnad ännu", "https://rapport.example.se/rapportera"} {
			if !strings.Contains(lund.Text, want) {
				t.Errorf("Lund's reminder lacks %q:\n%s", want, lund.Text)
			}
		}
		if !strings.Contains(lund.Subject, "det här saknas för 2026") {
			t.Errorf("subject %q", lund.Subject)
		}
		if got := send(t, instance()); len(got) != 0 || len(srv.Messages()) != 2 {
			t.Fatalf("a restart sent %v again (%d messages)", got, len(srv.Messages()))
		}
		// Stockholm is bound by the obligations once its observer period
		// has ended, as the compliance check says, and is told that the
		// period has ended, once.
		now = date(2026, time.July, 2)
		if got := send(t, instance()); !slices.Equal(got, []string{"member/0180/2026/after-1", "member/1281/2026/after-1", "observer/0180/2026-07-01/ended"}) {
			t.Fatalf("after the deadline sent %v", got)
		}
		msgs = srv.Messages()
		if i := slices.IndexFunc(msgs, func(m mailtest.Received) bool { return strings.Contains(m.Subject, "slutade 2026-07-01") }); i < 0 ||
			!strings.Contains(msgs[i].Text, "Nu gäller medlemskraven fullt ut") || !strings.Contains(msgs[i].Text, "observer/0180/2026-07-01/ended") {
			t.Errorf("no e-mail telling the observer its period has ended: %+v", msgs)
		}
		now = date(2026, time.July, 7)
		if got := send(t, instance()); len(got) != 0 {
			t.Fatalf("within the first week after the deadline sent %v again", got)
		}
		now = date(2026, time.July, 8)
		if got := send(t, instance()); !slices.Equal(got, []string{"member/0180/2026/after-2", "member/1281/2026/after-2"}) {
			t.Fatalf("a week later sent %v", got)
		}
		if last := srv.Messages()[6]; !strings.Contains(last.Text, "var 2026-06-30, för åtta dagar sedan") || !strings.Contains(last.Text, "Rapportering (saknas)") {
			t.Errorf("the late reminder:\n%s", last.Text)
		}
	})
}

// TestRemindersConcurrent: two instances sending at once send each
// reminder once between them.
func TestRemindersConcurrent(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		srv := mailtest.Start(t)
		now := date(2026, time.June, 23)
		instance := setUp(t, w, srv, &now)
		var wg sync.WaitGroup
		for range 2 {
			s := instance()
			wg.Go(func() {
				if _, err := s.Send(context.Background(), kr.System(), 2026); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := len(srv.Messages()); n != 2 {
			t.Errorf("two instances at once sent %d messages, want 2", n)
		}
	})
}

// TestRemindersRights: only the system and admins send reminders; a
// failed sending is due again.
func TestRemindersRights(t *testing.T) {
	testworld.Engines(t, testworld.Options{}, func(t *testing.T, w *testworld.World) {
		srv := mailtest.Start(t)
		now := date(2026, time.June, 23)
		s := setUp(t, w, srv, &now)()
		_, err := s.Send(context.Background(), kr.Actor{Role: kr.RoleOfficer, Municipality: "1281"}, 2026)
		if kind := kr.KindOf(err); kind != kr.Forbidden {
			t.Errorf("an officer sending reminders: %v (%s), want forbidden", err, kind)
		}
		srv.Password = "fel"
		if _, err := s.Send(context.Background(), kr.System(), 2026); err == nil || strings.Contains(err.Error(), "hemligt") {
			t.Errorf("sending with a refused login: %v (want an error without the password)", err)
		}
		srv.Password = "hemligt-lösen"
		if got := send(t, s); len(got) != 2 {
			t.Errorf("after a failed sending sent %v, want both again", got)
		}
	})
}
