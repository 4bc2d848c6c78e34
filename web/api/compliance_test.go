package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	kr "github.com/klimatkommunerna/klimatrapport"
	"github.com/klimatkommunerna/klimatrapport/compliance"
	"github.com/klimatkommunerna/klimatrapport/internal/testworld"
	"github.com/klimatkommunerna/klimatrapport/members"
	"github.com/klimatkommunerna/klimatrapport/storage"
	"github.com/klimatkommunerna/klimatrapport/storage/storagetest"
)

// complianceServer serves the API with the compliance engine, uploads
// dated 4 May 2026 and evaluations on 1 September 2026.
func complianceServer(t *testing.T, db storage.DB) *httptest.Server {
	t.Helper()
	w := testworld.Over(t, db, testworld.Options{})
	w.Submissions.Now = func() time.Time { return time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC) }
	w.Compliance.Now = func() time.Time { return time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC) }
	return w.Serve(t, staticTokens)
}

func send(t *testing.T, method, url, token, body string) response {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return do(t, req, token)
}

// lundComplete is a report meeting every obligation for 2026.
func lundComplete() *kr.Report {
	rep := &kr.Report{Details: kr.Details{Code: "1281", ReportYear: 2026},
		Goals: []kr.Goal{{ID: "M1", Name: "Halvera", Type: kr.GoalAbsolute, BaseYear: 2020, TargetYear: 2030, ReductionPct: 50,
			DecidedBy: "Kommunfullmäktige", DecidedOn: time.Date(2021, 3, 25, 0, 0, 0, 0, time.UTC)}},
		Plans:    []kr.ActionPlan{{Name: "LundaEko", Adopted: time.Date(2021, 5, 27, 0, 0, 0, 0, time.UTC), ValidFrom: 2021, ValidTo: 2030}},
		Measures: []kr.Measure{{ID: "Å1", Name: "Laddplatser", Status: kr.MeasureDone}},
	}
	for y := 2020; y <= 2024; y++ {
		for _, s := range kr.MainSectors() {
			rep.Inventory = append(rep.Inventory, kr.InventoryValue{Year: y, Sector: s, Tonnes: fp(float64(1000 - 10*(y-2020)))})
		}
	}
	return rep
}

type complianceBody struct {
	Year    int                       `json:"year"`
	Members []compliance.MemberResult `json:"members"`
	Member  *compliance.MemberResult  `json:"member"`
	Summary compliance.Summary        `json:"summary"`
	Error   struct{ Code, Message string }
}

func statuses(m compliance.MemberResult) string {
	var s []string
	for _, r := range m.Obligations {
		s = append(s, string(r.Obligation)+"="+string(r.Status))
	}
	return strings.Join(s, " ")
}

func TestComplianceAPI(t *testing.T) {
	storagetest.Engines(t, func(t *testing.T, db storage.DB) {
		ts := complianceServer(t, db)
		v1 := ts.URL + "/api/v1"
		membersRegisterAPI(t, v1)

		// Lund reports everything on time.
		if r := upload(t, ts.URL, lundToken, "lund.xlsx", templateFile(t, lundComplete())); r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}

		complianceListAPI(t, v1)
		reviewAndReplyAPI(t, v1)
		boardWorkbookAPI(t, v1)

		// Ending a membership.
		if r := send(t, "POST", v1+"/members/1280/end", adminToken, `{"date":"2026-08-31"}`); r.status != http.StatusOK {
			t.Errorf("end: %d %s", r.status, r.body)
		}
		var some complianceBody
		r := get(t, v1+"/compliance?year=2026&binding=false", revToken)
		r.json(t, &some)
		if len(some.Members) != 1 || !strings.Contains(some.Members[0].NotBindingReason, "upphörde 2026-08-31") {
			t.Errorf("after end: %s", r.body)
		}
	})
}

// membersRegisterAPI adds Lund and Malmö (an observer) through the
// register's routes, administrators only.
func membersRegisterAPI(t *testing.T, v1 string) {
	// The members register: administrators only.
	if r := send(t, "POST", v1+"/members", revToken, `{"code":"1281","joined":"2015-01-01"}`); r.status != http.StatusForbidden {
		t.Errorf("reviewer adds a member: %d", r.status)
	}
	if r := send(t, "POST", v1+"/members", "", `{"code":"1281","joined":"2015-01-01"}`); r.status != http.StatusUnauthorized {
		t.Errorf("public adds a member: %d", r.status)
	}
	r := send(t, "POST", v1+"/members", adminToken, `{"code":"1281","joined":"2015-01-01","officer":{"name":"Anna","email":"anna@lund.se"}}`)
	if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"anna@lund.se"`) {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	if r := send(t, "POST", v1+"/members", adminToken, `{"code":"1280","joined":"2026-02-01","observer":true}`); r.status != http.StatusCreated {
		t.Fatalf("add observer: %d %s", r.status, r.body)
	}
	for body, want := range map[string]int{
		`{"code":"1281","joined":"2016-01-01"}`:           http.StatusConflict,
		`{"code":"1282","joined":"1 jan"}`:                http.StatusUnprocessableEntity,
		`{"code":"12345","joined":"2020-01-01"}`:          http.StatusUnprocessableEntity,
		`{"code":"1282","joined":"2020-01-01","extra":1}`: http.StatusUnprocessableEntity,
		`{"code":`: http.StatusUnprocessableEntity,
	} {
		if r := send(t, "POST", v1+"/members", adminToken, body); r.status != want {
			t.Errorf("%s: %d, want %d: %s", body, r.status, want, r.body)
		}
	}
	if r := send(t, "PATCH", v1+"/members/1281", adminToken, `{"official":{"name":"Bertil","email":"bertil@lund.se"}}`); r.status != http.StatusOK {
		t.Errorf("update: %d %s", r.status, r.body)
	}
	var one struct {
		Member  members.Member   `json:"member"`
		History []members.Member `json:"history"`
	}
	r = get(t, v1+"/members/1281", adminToken)
	r.json(t, &one)
	if r.status != http.StatusOK || one.Member.Official.Email != "bertil@lund.se" || one.Member.Officer.Email != "anna@lund.se" || len(one.History) != 2 {
		t.Errorf("member: %d %s", r.status, r.body)
	}
	if r := get(t, v1+"/members", lundToken); r.status != http.StatusOK || strings.Contains(string(r.body), "anna@lund.se") {
		t.Errorf("officer lists members (public, no contacts): %d %s", r.status, r.body)
	}
	if r := get(t, v1+"/members/0180", adminToken); r.status != http.StatusNotFound {
		t.Errorf("unknown member: %d", r.status)
	}
}

// complianceListAPI: every member for reviewers, filters, and an
// officer's own municipality only.
func complianceListAPI(t *testing.T, v1 string) {
	var r response
	// A reviewer sees every member.
	var all complianceBody
	r = get(t, v1+"/compliance?year=2026", revToken)
	r.json(t, &all)
	if r.status != http.StatusOK || len(all.Members) != 2 {
		t.Fatalf("all: %d %s", r.status, r.body)
	}
	if got := statuses(all.Members[1]); all.Members[1].Code != "1281" || got != "inventory=uppfyllt goals=uppfyllt plan=uppfyllt reporting=uppfyllt" {
		t.Errorf("Lund: %s", got)
	}
	if m := all.Members[0]; m.Code != "1280" || m.Binding || statuses(m) != "inventory=ej förfallet goals=ej förfallet plan=ej förfallet reporting=saknas" {
		t.Errorf("Malmö: %+v", m)
	}
	if len(all.Members[1].Goals) != 1 || all.Members[1].Goals[0].Tracking == nil || all.Members[1].Goals[0].Points != nil {
		t.Errorf("goal tracking in the list: %+v", all.Members[1].Goals)
	}

	// Filters.
	var some complianceBody
	r = get(t, v1+"/compliance?year=2026&status=saknas&obligation=reporting", revToken)
	r.json(t, &some)
	if len(some.Members) != 1 || some.Members[0].Code != "1280" || len(some.Members[0].Obligations) != 1 || some.Summary.Members != 1 {
		t.Errorf("filtered: %s", r.body)
	}
	r = get(t, v1+"/compliance?year=2026&status=ej+f%C3%B6rfallet,uppfyllt&binding=true", revToken)
	r.json(t, &some)
	if len(some.Members) != 1 || some.Members[0].Code != "1281" || len(some.Members[0].Obligations) != 4 {
		t.Errorf("binding and two statuses: %s", r.body)
	}
	r = get(t, v1+"/compliance?year=2026&kind=region", revToken)
	r.json(t, &some)
	if r.status != http.StatusOK || len(some.Members) != 0 {
		t.Errorf("regions: %s", r.body)
	}
	for _, q := range []string{"year=tjugo", "year=1980", "status=klart", "obligation=budget", "kind=land", "binding=ja", "as_of=igår", "municipality=12a"} {
		if r := get(t, v1+"/compliance?"+q, revToken); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, r.status)
		}
	}

	// An officer sees their own municipality only.
	r = get(t, v1+"/compliance?year=2026", lundToken)
	r.json(t, &some)
	if r.status != http.StatusOK || len(some.Members) != 1 || some.Members[0].Code != "1281" {
		t.Errorf("officer's list: %s", r.body)
	}
	if r := get(t, v1+"/compliance?year=2026&municipality=1280", lundToken); r.status != http.StatusForbidden {
		t.Errorf("officer asks for another municipality: %d", r.status)
	}
	if r := get(t, v1+"/municipalities/1280/compliance?year=2026", lundToken); r.status != http.StatusForbidden {
		t.Errorf("officer reads another municipality: %d", r.status)
	}
	if r := get(t, v1+"/compliance?year=2026", ""); r.status != http.StatusUnauthorized {
		t.Errorf("public: %d", r.status)
	}
	var mine complianceBody
	r = get(t, v1+"/municipalities/1281/compliance?year=2026", lundToken)
	r.json(t, &mine)
	if r.status != http.StatusOK || mine.Member == nil || len(mine.Member.Goals) != 1 || len(mine.Member.Goals[0].Points) != 5 {
		t.Fatalf("own: %d %s", r.status, r.body)
	}
	if r := get(t, v1+"/municipalities/0180/compliance?year=2026", revToken); r.status != http.StatusNotFound {
		t.Errorf("not a member: %d", r.status)
	}
}

// reviewAndReplyAPI: a reviewer's decision on Lund's goals and Lund's
// reply, with who may do which.
func reviewAndReplyAPI(t *testing.T, v1 string) {
	var r response
	var mine complianceBody
	// Review and reply.
	review := `{"year":2026,"obligation":"goals","status":"delvis","comment":"Beslutet gäller bara förvaltningen."}`
	if r := send(t, "POST", v1+"/municipalities/1281/compliance/reviews", lundToken, review); r.status != http.StatusForbidden {
		t.Errorf("officer reviews: %d", r.status)
	}
	r = send(t, "POST", v1+"/municipalities/1281/compliance/reviews", revToken, review)
	var reviewed struct {
		Review compliance.Event        `json:"review"`
		Member compliance.MemberResult `json:"member"`
	}
	r.json(t, &reviewed)
	if r.status != http.StatusCreated || reviewed.Review.Before != "uppfyllt" || reviewed.Review.After != "delvis" || reviewed.Review.ID == "" {
		t.Fatalf("review: %d %s", r.status, r.body)
	}
	reply := `{"year":2026,"obligation":"goals","message":"Beslutet fattades av KF, protokollet bifogas.","reply_to":"` + reviewed.Review.ID + `"}`
	if r := send(t, "POST", v1+"/municipalities/1281/compliance/replies", revToken, reply); r.status != http.StatusForbidden {
		t.Errorf("reviewer replies for the member: %d", r.status)
	}
	if r := send(t, "POST", v1+"/municipalities/1281/compliance/replies", malmoToken, reply); r.status != http.StatusForbidden {
		t.Errorf("Malmö replies for Lund: %d", r.status)
	}
	if r := send(t, "POST", v1+"/municipalities/1281/compliance/replies", lundToken, reply); r.status != http.StatusCreated {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	for _, body := range []string{`{"year":2026,"obligation":"goals","status":"delvis"}`, `{"year":2026,"obligation":"goals","status":"klart","comment":"x"}`,
		`{"year":2026,"obligation":"goals","status":"delvis","comment":"x","who":"me"}`, `[]`} {
		if r := send(t, "POST", v1+"/municipalities/1281/compliance/reviews", revToken, body); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	r = get(t, v1+"/municipalities/1281/compliance?year=2026", lundToken)
	r.json(t, &mine)
	goals, _ := mine.Member.Result(compliance.Goals)
	if goals.Status != "delvis" || goals.Computed != "uppfyllt" || !goals.Overridden || len(goals.History) != 2 ||
		goals.History[1].Kind != compliance.EventReply || goals.History[1].ReplyTo != reviewed.Review.ID {
		t.Errorf("after review and reply: %+v", goals)
	}
}

// boardWorkbookAPI: the board's workbook, for reviewers and
// administrators.
func boardWorkbookAPI(t *testing.T, v1 string) {
	var r response
	// The board's workbook: reviewers and administrators.
	if r := get(t, v1+"/compliance.xlsx?year=2026", lundToken); r.status != http.StatusForbidden {
		t.Errorf("officer exports: %d", r.status)
	}
	r = get(t, v1+"/compliance.xlsx?year=2026", revToken)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(r.header.Get("Content-Disposition"), "medlemskrav-2026.xlsx") {
		t.Fatalf("xlsx: %d %v", r.status, r.header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(compliance.SheetMembers)
	f.Close()
	if len(rows) != 3 || rows[2][0] != "1281" || rows[2][6] != "delvis" {
		t.Errorf("workbook rows: %q", rows)
	}
}
